"""The room websocket over a real uvicorn server: authentication and admission close codes, both client
styles, events for state changes, replacement, kicks, presence, destroy."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from gateway.services import Services
from tests.gateway.rooms_support import create_room, join, post
from tests.gateway.ws_support import close_code, next_event, open_socket
from tests.support import Account, register, wait_until

pytestmark = pytest.mark.anyio


async def _token(client: httpx.AsyncClient, who: Account, room_id: str) -> str:
    detail = await client.get(f"/api/rooms/{room_id}", headers=who.headers)
    assert detail.status_code == 200, detail.text
    token: str = detail.json()["collabToken"]
    return token


async def test_bad_tokens_unknown_rooms_and_outsiders_are_refused(
    client: httpx.AsyncClient, services: Services, live_url: str
) -> None:
    host = await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    assert await close_code(await open_socket(live_url, rid, "garbage")) == 4001
    other = await create_room(client, host)
    assert (
        await close_code(await open_socket(live_url, rid, await _token(client, host, other["roomId"])))
        == 4001
    )
    ghost = str(uuid.uuid4())
    forged = services.tokens.issue(
        "collab", host.id, services.now(), extra={"roomId": ghost, "role": "observer"}
    )
    assert await close_code(await open_socket(live_url, ghost, forged)) == 4004
    outsider = await register(client)
    minted = services.tokens.issue(
        "collab", outsider.id, services.now(), extra={"roomId": rid, "role": "observer"}
    )
    assert await close_code(await open_socket(live_url, rid, minted)) == 4007


async def test_join_frame_state_and_events_reach_every_socket(
    client: httpx.AsyncClient, live_url: str
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    host_ws = await open_socket(live_url, rid, await _token(client, host, rid))
    guest_ws = await open_socket(live_url, rid, await _token(client, guest, rid), join=False)
    state = await next_event(host_ws, "room-state")
    assert state["data"]["phase"] == "waiting"
    await guest_ws.send(json.dumps({"type": "join", "data": {"roomId": rid}}))
    assert (await next_event(guest_ws, "room-state"))["data"]["editorLocked"] is False
    await post(client, host, f"/api/rooms/{rid}/control/lock-editor")
    for ws in (host_ws, guest_ws):
        event = await next_event(ws, "editor-lock")
        assert event["data"]["locked"] is True
        assert isinstance(event["seq"], int)
    await post(client, guest, f"/api/rooms/{rid}/ready", {"ready": True})
    ready = await next_event(host_ws, "participant-ready")
    assert ready["data"] == {**ready["data"], "userId": guest.id, "isReady": True}
    await guest_ws.send(json.dumps({"type": "join", "data": {"roomId": str(uuid.uuid4())}}))
    assert await close_code(guest_ws) == 4001
    await host_ws.close()


async def test_second_socket_replaces_first_and_kick_closes(client: httpx.AsyncClient, live_url: str) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    first = await open_socket(live_url, rid, await _token(client, guest, rid))
    await next_event(first, "room-state")
    second = await open_socket(live_url, rid, await _token(client, guest, rid))
    await next_event(second, "room-state")
    assert await close_code(first) == 4009
    await client.delete(f"/api/rooms/{rid}/participants/{guest.id}", headers=host.headers)
    assert await close_code(second) == 4002


async def test_presence_follows_the_socket(client: httpx.AsyncClient, live_url: str) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    ws = await open_socket(live_url, rid, await _token(client, guest, rid))
    await next_event(ws, "room-state")

    async def guest_state(active: bool, connected: bool) -> bool:
        detail = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
        me = next(p for p in detail["participants"] if p["userId"] == guest.id)
        return bool(me["isActive"] == active and me["isConnected"] == connected)

    await wait_until(lambda: guest_state(True, True))
    await ws.close()
    await wait_until(lambda: guest_state(False, False))


async def test_destroy_closes_sockets_with_4003(client: httpx.AsyncClient, live_url: str) -> None:
    host = await register(client)
    room = await create_room(client, host)
    ws = await open_socket(live_url, room["roomId"], await _token(client, host, room["roomId"]))
    await next_event(ws, "room-state")
    assert (await client.delete(f"/api/rooms/{room['roomId']}", headers=host.headers)).status_code == 200
    assert await close_code(ws) == 4003
