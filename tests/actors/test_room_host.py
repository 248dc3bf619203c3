"""RoomHost as a plain object (no Ray) on the real database: many rooms in one host, capacity, the
one-ticker idle finish, eviction and re-activation (also of the idle clock), a restarted host bringing its
placed rooms back, and refusals (unknown operations, rooms that are not live)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from actors import deploy
from actors.gone import RoomActorGone
from actors.room import CreateSpec, RoomRuntime
from actors.room_host import HostConfig, RoomHost
from engine.room import Join, RoomMode, RoomStatus
from engine.room.state import RoomSettings
from gateway.services import Services
from storage.placements import PlacementRepository

pytestmark = pytest.mark.anyio


def _spec(owner: str) -> CreateSpec:
    return CreateSpec(
        code=uuid.uuid4().hex[:6].upper(),
        mode=RoomMode.PEER,
        host_id=owner,
        settings=RoomSettings(name="hosted", is_private=False),
        problem_id=None,
        language="python",
    )


def _host(
    services: Services, *, capacity: int = 10, evict_after_s: float = 300.0, idle_s: int = 600
) -> RoomHost:
    runtime = RoomRuntime(
        services.config.mongodb_uri, services.config.settings.mongodb_database, idle_finish_s=idle_s
    )
    name = f"roomhost:plain-{uuid.uuid4().hex[:6]}:0"  # a host of its own database: no real host has it
    return RoomHost(HostConfig(name, runtime, capacity, evict_after_s=evict_after_s, ticking=False))


async def _create(host: RoomHost, services: Services) -> tuple[str, str]:
    room_id, owner = str(uuid.uuid4()), str(uuid.uuid4())
    assert await host.reserve(room_id)
    await PlacementRepository(services.mongo).place(room_id, host._config.name, datetime.now(UTC))
    await host.create(room_id, _spec(owner), datetime.now(UTC), str(uuid.uuid4()))
    return room_id, owner


async def test_rooms_share_a_host_but_keep_their_own_state(services: Services) -> None:
    host = _host(services)
    (a, _), (b, _) = await _create(host, services), await _create(host, services)
    guest = str(uuid.uuid4())
    await host.call(a, "execute", Join(guest), datetime.now(UTC), None)
    state_a, state_b = await host.call(a, "state"), await host.call(b, "state")
    assert state_a.room.participant(guest) is not None
    assert state_b.room.participant(guest) is None
    load = await host.load()
    assert (load["rooms"], load["reserved"]) == (2, 0)
    figures = {f["roomId"]: f for f in (await host.stats())["roomFigures"]}
    assert set(figures) == {a, b}
    assert figures[a]["documentBytes"] > 0


async def test_capacity_counts_rooms_and_reservations(services: Services) -> None:
    host = _host(services, capacity=2)
    await _create(host, services)
    assert await host.reserve("pending-room")
    assert not await host.reserve("one-too-many")
    assert await host.reserve("pending-room")  # a repeated reservation keeps its slot


async def test_unknown_rooms_and_operations_are_refused(services: Services) -> None:
    host = _host(services)
    with pytest.raises(RoomActorGone):
        await host.call(str(uuid.uuid4()), "state")
    room_id, _ = await _create(host, services)
    with pytest.raises(ValueError, match="unknown room operation"):
        await host.call(room_id, "_persist")


async def test_idle_room_is_evicted_and_comes_back_with_its_state(services: Services) -> None:
    host = _host(services, evict_after_s=0)
    room_id, owner = await _create(host, services)
    await host.call(room_id, "attach", owner, "s-1", datetime.now(UTC), str(uuid.uuid4()))
    await host.tick_once()
    assert await host.hosted(room_id)  # a connected socket keeps it in memory
    await host.call(room_id, "disconnected", owner, "s-1", datetime.now(UTC))
    before = await host.call(room_id, "state")
    await host.tick_once()
    assert not await host.hosted(room_id)
    assert (await host.load())["dormant"] == 1
    after = await host.call(room_id, "state")  # re-activated from MongoDB on the next touch
    assert after.room == before.room
    assert after.seq == before.seq
    assert await host.hosted(room_id)


async def test_evicted_room_still_finishes_for_idleness_on_time(services: Services) -> None:
    host = _host(services, evict_after_s=0, idle_s=0)
    room_id, _ = await _create(host, services)
    host._rooms[room_id]._last_presence = datetime.now(UTC)
    await host._evict(room_id, host._rooms[room_id])
    assert not await host.hosted(room_id)
    await host.tick_once()  # due: woken, ticked, finished
    stored = await services.mongo.db["rooms"].find_one({"_id": room_id})
    assert stored is not None
    assert stored["status"] == RoomStatus.FINISHED.value


async def test_restarted_host_restores_its_live_rooms(services: Services) -> None:
    first = _host(services)
    live, _ = await _create(first, services)
    finished, owner = await _create(first, services)
    await first.call(finished, "finish", owner, "done", datetime.now(UTC), None)
    await first.call(live, "state")
    again = RoomHost(first._config)  # what Ray's restart of the process gives
    await again.ping()
    assert again._restore is not None
    await again._restore
    assert await again.hosted(live)
    assert not await again.hosted(finished)
    with pytest.raises(RoomActorGone):
        await again.call(finished, "state")


def test_host_names_sort_by_number_and_a_foreign_name_sorts_last() -> None:
    """deploy.room_hosts' order (a name not ending in a number once made every room announcement fail)."""
    names = ["roomhost:db:10", "roomhost:db:x1f", "roomhost:db:2", "roomhost:another:0"]
    assert sorted(names, key=deploy._host_order) == [
        "roomhost:another:0",
        "roomhost:db:2",
        "roomhost:db:10",
        "roomhost:db:x1f",
    ]
