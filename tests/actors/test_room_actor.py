"""RoomActor as a plain object (no Ray): create, reload after a restart, idle finish (also after a long
wait in the pool), force-close, socket attach, destroy."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pycrdt import Doc, Text

from actors.room import CreateSpec, Outcome, RoomActor, RoomRuntime
from engine.collab.wire import FrameKind, encode
from engine.errors import DomainError, Forbidden, NotFound
from engine.room import Join, RoomMode, RoomStatus, SetReady, Transition
from engine.room.state import RoomSettings
from gateway.room_admin import force_close
from gateway.services import Services
from storage.rooms import RoomRepository
from tests.gateway.rooms_support import create_room
from tests.support import AdjustableClock, register

pytestmark = pytest.mark.anyio


def _spec(host: str) -> CreateSpec:
    return CreateSpec(
        code="ABCDEF"[: 6 - 2] + uuid.uuid4().hex[:2].upper(),
        mode=RoomMode.PEER,
        host_id=host,
        settings=RoomSettings(name="plain", is_private=False),
        problem_id=None,
        language="python",
    )


async def test_actor_persists_and_a_restarted_actor_reloads(services: Services) -> None:
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    room_id, host, guest = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    first = RoomActor(room_id, runtime)
    await first.create(_spec(host))
    joined = await first.execute(Join(guest))
    assert [e.type for e in joined.events] == ["participant-joined"]
    reborn = RoomActor(room_id, runtime)
    reloaded = await reborn.state()
    assert reloaded.room == joined.room
    assert reloaded.seq == joined.seq
    events = await services.mongo.db["room_events"].find({"roomId": room_id}).sort("seq", 1).to_list()
    assert [e["seq"] for e in events] == list(range(1, joined.seq + 1))


async def test_idle_room_finishes_itself(services: Services) -> None:
    runtime = RoomRuntime(
        services.config.mongodb_uri, services.config.settings.mongodb_database, idle_finish_s=0
    )
    actor = RoomActor(str(uuid.uuid4()), runtime)
    host = str(uuid.uuid4())
    await actor.create(_spec(host))
    await actor.attach(host, "socket-1")
    await actor._tick()
    assert (await actor.state()).room.status is RoomStatus.WAITING
    await actor.disconnected(host, "socket-1")
    await actor._tick()
    finished = await actor.state()
    assert finished.room.status is RoomStatus.FINISHED
    assert any(e.type == "room-closed" for e in (await actor.wait_events(0, 0.01)).entries)


async def test_force_close_uses_the_finish_path_and_audits(
    app: FastAPI, client: httpx.AsyncClient, services: Services
) -> None:
    host = await register(client)
    room = await create_room(client, host)
    admin_id = str(uuid.uuid4())
    outcome = await force_close(
        services, app.state.rooms, room["roomId"], admin_id, "abuse report", "10.0.0.1"
    )
    assert outcome.room.status is RoomStatus.FINISHED
    entries = await services.audit.for_target("room", room["roomId"])
    assert [(e.action, e.actor_id, e.metadata) for e in entries] == [
        ("admin.room.force_close", admin_id, {"reason": "abuse report"})
    ]
    detail = await client.get(f"/api/rooms/{room['roomId']}", headers=host.headers)
    assert detail.json()["status"] == "finished"


async def test_periodic_snapshot_only_when_the_code_changed(services: Services) -> None:
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host, guest = str(uuid.uuid4()), str(uuid.uuid4())
    actor = RoomActor(str(uuid.uuid4()), runtime)
    await actor.create(_spec(host))
    await actor.execute(Join(guest))
    for user in (host, guest):
        await actor.execute(SetReady(user, True))
    started = await actor.execute(Transition(host, RoomStatus.WARMUP))
    session_id = started.room.session_id
    assert session_id is not None
    peer: Doc[Any] = Doc()
    before = peer.get_state()
    peer.get("code:python", type=Text).insert(0, "a = 1\n")
    await actor.receive(host, [encode(FrameKind.SYNC_UPDATE, peer.get_update(before))])
    store = services.mongo.db["code_snapshots"]
    await actor._periodic_snapshot()
    await actor._periodic_snapshot()
    actor._snaps()._last_periodic = 0.0
    await actor._periodic_snapshot()
    periodic = await store.find({"sessionId": session_id, "trigger": "periodic"}).to_list()
    assert [s["code"] for s in periodic] == ["a = 1\n"]
    assert periodic[0]["linesOfCode"] == 1


async def test_destroy_after_volatile_events_returns(services: Services) -> None:
    """Document frames and pushed results are outbox-only (never written): destroy must not wait for
    them to become durable (it used to hang until the caller timed out)."""
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host = str(uuid.uuid4())
    actor = RoomActor(str(uuid.uuid4()), runtime)
    await actor.create(_spec(host))
    peer: Doc[Any] = Doc()
    before = peer.get_state()
    peer.get("code:python", type=Text).insert(0, "x = 1\n")
    await actor.receive(host, [encode(FrameKind.SYNC_UPDATE, peer.get_update(before))])
    await actor.publish_event("execution-result", {"jobId": "j", "verdict": "accepted"})
    async with asyncio.timeout(20):
        await actor.destroy()
    assert [e.type for e in (await actor.wait_events(0, 0.01)).entries][-1] == "room-closed"
    assert await services.mongo.db["rooms"].find_one({"_id": actor._room_id}) is None


async def test_a_retried_command_is_not_applied_twice(services: Services) -> None:
    """The gateway retries a command when the actor died before answering; if the command had already
    taken effect, the retry must return that outcome, also from a restarted actor that reloaded."""
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host, guest = str(uuid.uuid4()), str(uuid.uuid4())
    room_id = str(uuid.uuid4())
    actor = RoomActor(room_id, runtime)
    await actor.create(_spec(host))
    await actor.execute(Join(guest))
    for user in (host, guest):
        await actor.execute(SetReady(user, True))
    start = Transition(host, RoomStatus.WARMUP)
    first = await actor.execute(start, None, "cmd-start")
    assert "phase-change" in [e.type for e in first.events]
    again = await actor.execute(start, None, "cmd-start")
    assert [(e.seq, e.type) for e in again.events] == [(e.seq, e.type) for e in first.events]
    with pytest.raises(DomainError):  # the same transition without an id is refused: not idempotent
        await actor.execute(start)
    restarted = RoomActor(room_id, runtime)
    replay = await restarted.execute(start, None, "cmd-start")
    assert [(e.seq, e.type, e.data) for e in replay.events] == [(e.seq, e.type, e.data) for e in first.events]
    assert replay.room.status is RoomStatus.WARMUP
    assert replay.room.session_id == first.room.session_id
    changes = await services.mongo.db["room_events"].count_documents(
        {"roomId": room_id, "type": "phase-change"}
    )
    assert changes == 1


async def test_a_retried_chat_message_is_posted_once(services: Services) -> None:
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host = str(uuid.uuid4())
    room_id = str(uuid.uuid4())
    actor = RoomActor(room_id, runtime)
    await actor.create(_spec(host))
    first = await actor.chat_send(host, {"text": "hello"}, "req-1")
    again = await actor.chat_send(host, {"text": "hello"}, "req-1")
    restarted = await RoomActor(room_id, runtime).chat_send(host, {"text": "hello"}, "req-1")
    assert first is not None and again is not None and restarted is not None
    assert first["messageId"] == again["messageId"] == restarted["messageId"] == "req-1"
    other = await actor.chat_send(host, {"text": "hello"}, "req-2")
    assert other is not None and other["messageId"] == "req-2"
    assert await services.mongo.db["chat_messages"].count_documents({"roomId": room_id}) == 2


async def test_presence_counts_each_socket_once(services: Services) -> None:
    """A retried connect or disconnect (same socket id) must not skew the count: the user goes inactive
    exactly when their last socket closes."""
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host, guest = str(uuid.uuid4()), str(uuid.uuid4())
    actor = RoomActor(str(uuid.uuid4()), runtime)
    await actor.create(_spec(host))
    await actor.execute(Join(guest))
    for socket_id in ("a", "a", "b"):
        await actor.attach(guest, socket_id)
    assert await actor.disconnected(guest, "a") is None
    assert await actor.disconnected(guest, "a") is None
    assert guest in actor.connected_users()
    left = await actor.disconnected(guest, "b")
    assert left is not None
    member = left.room.participant(guest)
    assert member is not None and not member.is_active
    assert guest not in actor.connected_users()


async def test_attach_rejoins_in_the_same_step_as_counting_the_socket(services: Services) -> None:
    """A reconnecting user's new socket and the old socket's disconnect can arrive in either order: the
    user must end up active behind the new socket (an inactive writer's edits would be dropped)."""
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host, guest = str(uuid.uuid4()), str(uuid.uuid4())
    actor = RoomActor(str(uuid.uuid4()), runtime)
    await actor.create(_spec(host))
    await actor.execute(Join(guest))
    await actor.attach(guest, "old")
    stale = await actor.state()  # what a gateway read before the race
    await actor.disconnected(guest, "old")  # the old socket's close lands first: guest inactive
    assert not _active(await actor.state(), guest)
    attached = await actor.attach(guest, "new")
    assert _active(attached, guest) and _active(await actor.state(), guest)
    assert _active(stale, guest)  # the stale view said "active": a rejoin decided from it was skipped
    await actor.attach(guest, "newer")
    await actor.disconnected(guest, "new")  # the other order: disconnect after the newer socket counted
    assert _active(await actor.state(), guest)


async def test_attach_refuses_outsiders(services: Services) -> None:
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    actor = RoomActor(str(uuid.uuid4()), runtime)
    await actor.create(_spec(str(uuid.uuid4())))
    with pytest.raises(Forbidden, match="not-participant"):
        await actor.attach(str(uuid.uuid4()), "s")
    assert actor.connected_users() == []


def _active(outcome: Outcome, user_id: str) -> bool:
    member = outcome.room.participant(user_id)
    return bool(member and member.is_active)


async def test_a_room_claimed_after_an_hour_in_the_pool_stays_open(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The idle clock starts when a room is bound to a pooled actor, not when the pool spawned it."""
    runtime = RoomRuntime(
        services.config.mongodb_uri, services.config.settings.mongodb_database, idle_finish_s=600
    )
    clock = AdjustableClock()
    monkeypatch.setattr("actors.room._now", lambda: clock().replace(microsecond=0))
    actor = RoomActor(str(uuid.uuid4()), runtime)  # spawned into the pool
    await actor.ping()
    clock.advance(3600)  # an hour waiting in the pool
    await actor.create(_spec(str(uuid.uuid4())), clock())
    await actor._tick()
    assert (await actor.state()).room.status is RoomStatus.WAITING
    guest = str(uuid.uuid4())
    assert _active(await actor.execute(Join(guest), clock()), guest)
    clock.advance(599)
    await actor._tick()
    assert (await actor.state()).room.status is RoomStatus.WAITING
    clock.advance(2)  # ten minutes with nobody connected: now it finishes
    await actor._tick()
    assert (await actor.state()).room.status is RoomStatus.FINISHED


async def test_a_destroyed_room_refuses_everything_and_stays_gone(services: Services) -> None:
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host, guest = str(uuid.uuid4()), str(uuid.uuid4())
    room_id = str(uuid.uuid4())
    actor = RoomActor(room_id, runtime)
    await actor.create(_spec(host))
    await actor.execute(Join(guest))
    await actor.attach(guest, "s1")
    await actor.destroy()
    await actor.destroy()  # a retry is a no-op
    for call in (
        actor.state(),
        actor.execute(SetReady(host, True)),
        actor.disconnected(guest, "s1"),
        actor.attach(guest, "s2"),
        actor.hello(),
        actor.chat_send(host, {"text": "x"}, "m"),
    ):
        with pytest.raises(NotFound):
            await call
    for name in ("rooms", "room_events", "doc_updates", "sessions", "chat_messages"):
        key = "_id" if name == "rooms" else "roomId"
        assert await services.mongo.db[name].count_documents({key: room_id}) == 0, name
    with pytest.raises(NotFound):
        await RoomActor(room_id, runtime).state()  # a restarted actor finds nothing to serve


async def test_a_destroy_interrupted_after_the_tombstone_is_finished_by_the_restarted_actor(
    services: Services,
) -> None:
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    room_id = str(uuid.uuid4())
    actor = RoomActor(room_id, runtime)
    await actor.create(_spec(str(uuid.uuid4())))
    await actor._doc().flush()
    await RoomRepository(services.mongo).mark_destroyed(room_id, datetime.now(UTC))  # then it "crashed"
    restarted = RoomActor(room_id, runtime)
    with pytest.raises(NotFound):
        await restarted.state()
    await restarted.destroy()  # the gateway's retry waits for the resumed purge
    assert await services.mongo.db["rooms"].count_documents({"_id": room_id}) == 0
    assert await services.mongo.db["room_events"].count_documents({"roomId": room_id}) == 0
