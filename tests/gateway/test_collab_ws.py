"""Collaboration over the room websocket with Python Yjs peers: starter code, sync both ways, write
enforcement (observers, locked candidates), malformed frames, chat, code snapshot triggers."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import pytest
from pycrdt import Text
from websockets.exceptions import ConnectionClosed

from engine.identity import UserRole
from gateway.services import Services
from tests.gateway.rooms_support import create_problem, create_room, join, post, to_coding
from tests.gateway.ws_support import close_code, next_event, open_socket
from tests.gateway.yjs_support import Peer
from tests.support import Account, register, wait_until

pytestmark = pytest.mark.anyio


async def _peer(
    client: httpx.AsyncClient, who: Account, room_id: str, live_url: str, join_frame: bool = False
) -> Peer:
    token = (await client.get(f"/api/rooms/{room_id}", headers=who.headers)).json()["collabToken"]
    peer = Peer(await open_socket(live_url, room_id, token, join=join_frame))
    await peer.start()
    return peer


async def test_edits_reach_the_peer_and_the_server(client: httpx.AsyncClient, live_url: str) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    a, b = await _peer(client, host, rid, live_url), await _peer(client, guest, rid, live_url)
    await a.pump(0.5)
    await b.pump(0.5)
    await a.type(0, "def solve():\n")
    await b.until(lambda: "def solve" in str(b.text))
    await b.type(len(str(b.text)), "    return 42\n")
    await a.until(lambda: "return 42" in str(a.text))
    assert str(a.text) == str(b.text)
    late = await _peer(client, host, rid, live_url)
    await late.until(lambda: str(late.text) == str(a.text))
    # the client offered permessage-deflate (websockets does by default); small Yjs frames go uncompressed
    assert a.ws.response is not None and "Sec-WebSocket-Extensions" not in a.ws.response.headers


async def test_observer_and_locked_candidate_writes_are_dropped(
    client: httpx.AsyncClient, live_url: str
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host, config={"maxParticipants": 3})
    rid = room["roomId"]
    await join(client, guest, room)
    watcher = await register(client)
    await join(client, watcher, room, requestedRole="observer")
    h = await _peer(client, host, rid, live_url)
    o = await _peer(client, watcher, rid, live_url)
    c = await _peer(client, guest, rid, live_url)
    for peer in (h, o, c):
        await peer.pump(0.3)
    await o.type(0, "OBSERVER")
    await post(client, host, f"/api/rooms/{rid}/control/lock-editor")
    await c.type(0, "LOCKED")
    await h.type(0, "HOST")
    await c.until(lambda: "HOST" in str(c.text))
    await h.pump(1.0)
    assert "OBSERVER" not in str(h.text)
    assert "LOCKED" not in str(h.text)


async def test_malformed_binary_frame_closes_only_the_sender(
    client: httpx.AsyncClient, live_url: str
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    good, bad = await _peer(client, host, rid, live_url), await _peer(client, guest, rid, live_url)
    await bad.ws.send(b"\x07\xff\xff")
    assert await close_code(bad.ws) == 1007
    await good.pump(0.3)
    await good.type(0, "still fine")
    assert (await client.post(f"/api/rooms/{rid}/join", headers=guest.headers, json={})).status_code == 200
    again = await _peer(client, guest, rid, live_url)
    await again.until(lambda: "still fine" in str(again.text))


async def test_chat_send_react_read_and_history(
    client: httpx.AsyncClient, live_url: str, services: Services
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    token = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["collabToken"]
    ws = await open_socket(live_url, rid, token)
    assert (await next_event(ws, "chat-history"))["data"]["messages"] == []
    await ws.send(
        json.dumps(
            {
                "type": "chat-send",
                "data": {
                    "text": "  hello " + "x" * 5000,
                    "mentions": [
                        {"kind": "user", "value": "@guest", "userId": guest.id},
                        {"kind": "bogus", "value": "x"},
                    ],
                },
            }
        )
    )
    created = (await next_event(ws, "chat-message-created"))["data"]["message"]
    assert created["text"].startswith("hello")
    assert len(created["text"]) == 4000
    assert [m["kind"] for m in created["mentions"]] == ["user"]
    await ws.send(
        json.dumps({"type": "chat-react-toggle", "data": {"messageId": created["messageId"], "emoji": "🔥"}})
    )
    reacted = (await next_event(ws, "chat-reaction-updated"))["data"]
    assert reacted["reactions"] == [{"emoji": "🔥", "userIds": [host.id]}]
    await ws.send(json.dumps({"type": "chat-send", "data": {"text": "   "}}))
    await ws.send(json.dumps({"type": "chat-mark-read", "data": {}}))
    assert (await next_event(ws, "chat-read-updated"))["data"]["userId"] == host.id
    stored = await services.mongo.db["chat_messages"].count_documents({"roomId": rid})
    assert stored == 1
    guest_token = (await client.get(f"/api/rooms/{rid}", headers=guest.headers)).json()["collabToken"]
    other = await open_socket(live_url, rid, guest_token)
    history = (await next_event(other, "chat-history"))["data"]
    assert [m["messageId"] for m in history["messages"]] == [created["messageId"]]
    assert history["messages"][0]["reactions"][0]["emoji"] == "🔥"
    for sock in (ws, other):
        with contextlib.suppress(ConnectionClosed):
            await sock.close()


async def _snapshots(client: httpx.AsyncClient, who: Account, session_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/sessions/{session_id}/snapshots", headers=who.headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_code_snapshot_triggers(client: httpx.AsyncClient, live_url: str) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    peer = await _peer(client, host, rid, live_url)
    await peer.pump(0.3)
    await to_coding(client, host, guest, room)
    await peer.type(0, "print('hi')\n\nx = 1\n")
    session_id = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["sessionId"]

    async def server_has_code() -> bool:
        await post(client, host, f"/api/rooms/{rid}/control/lock-editor")
        await post(client, host, f"/api/rooms/{rid}/control/unlock-editor")
        snaps = await _snapshots(client, host, session_id)
        return any(s["code"].startswith("print('hi')") for s in snaps if s["trigger"] == "submission")

    await wait_until(server_has_code)
    await post(client, host, f"/api/rooms/{rid}/control/transition", {"targetStatus": "finished"})
    snaps = await _snapshots(client, host, session_id)
    triggers = [s["trigger"] for s in snaps]
    assert triggers[0] == "phase_change"
    assert "submission" in triggers
    assert triggers[-1] == "session_end"
    final = snaps[-1]
    assert final["language"] == "python"
    assert final["linesOfCode"] == 2
    assert final["phase"] == "finished"
    outsider = await register(client)
    denied = await client.get(f"/api/sessions/{session_id}/snapshots", headers=outsider.headers)
    assert denied.status_code == 403
    assert denied.json()["code"] == "SESSION_NOT_PARTICIPANT"


async def test_starter_code_is_seeded_on_create_and_on_problem_change(
    client: httpx.AsyncClient, live_url: str, services: Services
) -> None:
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())

    async def problem(starter: dict[str, str]) -> str:
        return await create_problem(client, admin, starterCode=starter)

    first = await problem({"python": "def solve():\n    pass\n"})
    room = await create_room(client, admin, problemId=first)
    peer = await _peer(client, admin, room["roomId"], live_url)
    await peer.until(lambda: str(peer.text) == "def solve():\n    pass\n")
    second = await problem({"python": "IGNORED: python is not empty", "go": "package main\n"})
    changed = await client.put(
        f"/api/rooms/{room['roomId']}/control/problem", headers=admin.headers, json={"problemId": second}
    )
    assert changed.status_code == 200
    go = peer.doc.get("code:go", type=Text)
    await peer.until(lambda: str(go) == "package main\n")
    assert str(peer.text) == "def solve():\n    pass\n"
