"""The room door retries only what is safe: an actor that dies right after a non-idempotent method has
applied (armed with `arm_crash`, so the death lands at the worst moment) gives a clear 503, and the
method has applied exactly once; a safe method is retried and answers."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from actors.clients import RoomClient
from actors.room import CreateSpec
from engine.errors import Unavailable
from engine.room import RoomMode
from engine.room.state import RoomSettings
from gateway.services import Services
from tests.gateway.rooms_support import create_room, join, to_coding
from tests.support import register

pytestmark = pytest.mark.anyio


async def _coding_room(client: httpx.AsyncClient) -> str:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    await join(client, guest, room)
    await to_coding(client, host, guest, room)
    return str(room["roomId"])


async def _arm(door: RoomClient, room_id: str, method: str) -> None:
    assert await door.arm_crash(room_id, method) is True


async def _snapshots(services: Services, room_id: str) -> int:
    return await services.mongo.db["code_snapshots"].count_documents({"roomId": room_id})


@pytest.mark.parametrize("method", ["code_snapshot", "record_snapshot", "final_document"])
async def test_retries_an_unsafe_snapshot_after_a_crash_is_not_repeated(
    app: FastAPI, client: httpx.AsyncClient, services: Services, method: str
) -> None:
    rid = await _coding_room(client)
    door: RoomClient = app.state.rooms.client
    before = await _snapshots(services, rid)
    await _arm(door, rid, method)
    calls: dict[str, Callable[[], Awaitable[object]]] = {
        "code_snapshot": lambda: door.code_snapshot(rid, "submission"),
        "record_snapshot": lambda: door.record_snapshot(rid, "manual", "print(1)\n", "python"),
        "final_document": lambda: door.final_document(rid),
    }
    with pytest.raises(Unavailable, match="may or may not have taken effect"):
        await calls[method]()
    assert await _snapshots(services, rid) == before + 1
    assert (await door.state(rid)).room.id == rid  # the restarted actor serves the room again
    assert await _snapshots(services, rid) == before + 1


async def test_retries_an_unsafe_reaction_toggle_after_a_crash_is_not_undone(
    app: FastAPI, client: httpx.AsyncClient, services: Services
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    door: RoomClient = app.state.rooms.client
    message = await door.chat_send(rid, host.id, {"text": "hi"}, "m-1")
    assert message is not None
    await _arm(door, rid, "chat_react")
    with pytest.raises(Unavailable):
        await door.chat_react(rid, host.id, "m-1", "🔥")
    stored = await services.mongo.db["chat_messages"].find_one({"roomId": rid, "messageId": "m-1"})
    assert stored is not None
    assert stored["reactions"] == [{"emoji": "🔥", "userIds": [host.id]}]  # applied once, not toggled back


async def test_retries_a_safe_create_after_a_crash_applies_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """`create` carries a command id: the door sends it again to the restarted actor, which answers
    with the first outcome instead of refusing or creating twice."""
    rid = await _coding_room(client)  # a room host is running, so the placement below is quick
    host = await register(client)
    services: Services = app.state.services
    rooms = app.state.rooms
    room_id = str(uuid.uuid4())
    await rooms.client.place(room_id)
    await _arm(rooms.client, room_id, "create")
    spec = CreateSpec(
        "RETRY" + rid[:1].upper(),
        RoomMode.PEER,
        host.id,
        RoomSettings(name="r", is_private=True),
        None,
        "python",
    )
    first = await rooms.client.create(room_id, spec, services.now(), "create-1")
    assert first.room.host_id == host.id
    events = await services.mongo.db["room_events"].count_documents(
        {"roomId": room_id, "type": "room-created"}
    )
    assert events == 1
