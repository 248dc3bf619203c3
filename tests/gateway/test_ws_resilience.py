"""A socket either works or is closed with a code: one user's malformed frames never make another user's
socket deaf or mute, and every valid frame sent before a malformed one is applied and fanned out."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from actors.clients import RoomClient
from tests.gateway.rooms_support import create_room, join
from tests.gateway.ws_support import close_code, open_socket
from tests.gateway.yjs_support import Peer
from tests.support import Account, register, wait_until

pytestmark = pytest.mark.anyio
ROUNDS = 50
MALFORMED = b"\x07\xff\xff"


async def _token(client: httpx.AsyncClient, who: Account, room_id: str) -> str:
    token: str = (await client.get(f"/api/rooms/{room_id}", headers=who.headers)).json()["collabToken"]
    return token


async def _peer(live_url: str, room_id: str, token: str) -> Peer:
    """A client reconnecting with the collab token it already holds (as y-websocket does)."""
    peer = Peer(await open_socket(live_url, room_id, token, join=False))
    await peer.start()
    return peer


async def _server_code(live_url: str, room_id: str, token: str) -> str:
    """What the server document holds, as a fresh socket sees it."""
    fresh = await _peer(live_url, room_id, token)
    await fresh.pump(0.2)
    code = str(fresh.text)
    await fresh.ws.close()
    return code


async def _round(i: int, live_url: str, room_id: str, a_token: str, watcher: Peer) -> None:
    """A fresh socket of A sends a valid edit, then a malformed frame (at once in even rounds, so both
    arrive in one batch; after the edit is out in odd rounds). A is closed with 1007; B got the edit and
    B's own edit still reaches the server."""
    mine, theirs = f"a{i};", f"b{i};"
    sender = await _peer(live_url, room_id, a_token)
    await sender.until(lambda: str(sender.text) == str(watcher.text))
    await sender.type(0, mine)
    if i % 2:
        await watcher.until(lambda: mine in str(watcher.text), timeout_s=10)
    await sender.ws.send(MALFORMED)
    assert await close_code(sender.ws) == 1007, f"round {i}"
    await watcher.until(lambda: mine in str(watcher.text), timeout_s=10)
    await watcher.type(0, theirs)

    async def server_has_both() -> bool:
        code = await _server_code(live_url, room_id, a_token)
        return mine in code and theirs in code

    await wait_until(server_has_both, timeout_s=10)


@pytest.mark.timeout(300)
async def test_ws_valid_then_malformed_never_silences_the_peer(
    client: httpx.AsyncClient, live_url: str
) -> None:
    a, b = await register(client), await register(client)
    room = await create_room(client, a)
    rid = room["roomId"]
    await join(client, b, room)
    a_token, b_token = await _token(client, a, rid), await _token(client, b, rid)
    watcher = await _peer(live_url, rid, b_token)
    await watcher.pump(0.2)
    for i in range(ROUNDS):
        await _round(i, live_url, rid, a_token, watcher)


async def test_ws_keystrokes_reach_local_peers_without_waiting_for_the_actor(
    client: httpx.AsyncClient, live_url: str, app: FastAPI
) -> None:
    """The hot path: with the room actor holding every relayed batch (as a slow or busy actor would),
    an edit still reaches the other socket on this gateway; the actor gets it once it answers again."""
    a, b = await register(client), await register(client)
    room = await create_room(client, a)
    rid = room["roomId"]
    await join(client, b, room)
    writer = await _peer(live_url, rid, await _token(client, a, rid))
    reader = await _peer(live_url, rid, await _token(client, b, rid))
    await writer.pump(0.2)
    await reader.pump(0.2)
    door: RoomClient = app.state.rooms.client
    assert await door.arm_hold(rid, "relayed", True)
    await writer.type(0, "fast")
    await reader.until(lambda: "fast" in str(reader.text), timeout_s=10)
    assert "fast" not in await _actor_code(app, rid)
    await door.arm_hold(rid, "relayed", False)

    async def actor_has_it() -> bool:
        return "fast" in await _actor_code(app, rid)

    await wait_until(actor_has_it, timeout_s=10)


async def _actor_code(app: FastAPI, room_id: str) -> str:
    door: RoomClient = app.state.rooms.client
    _, code = await door.code(room_id)
    return code
