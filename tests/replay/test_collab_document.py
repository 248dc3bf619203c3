"""The collab plane's document lifecycle: destroy really ends the document (final snapshot, sockets closed
with 4003, document released) and is idempotent; create opens it again and honours the room state it
is given; the snapshot-ready callback keeps its binary state, time and phase; the whiteboard export of a
session that drew nothing is empty, not an error."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from pycrdt import Doc, Text

from gateway.services import Services
from storage.documents import DocumentStore
from tests.gateway.rooms_support import create_room, join, to_coding
from tests.gateway.ws_support import close_code, next_event, open_socket
from tests.replay.support import decode_png
from tests.support import Account, register

pytestmark = pytest.mark.anyio


def _internal(services: Services) -> dict[str, str]:
    return {"X-Internal-Token": services.config.secrets.internal}


async def _token(client: httpx.AsyncClient, who: Account, room_id: str) -> str:
    detail = await client.get(f"/api/rooms/{room_id}", headers=who.headers)
    assert detail.status_code == 200, detail.text
    token: str = detail.json()["collabToken"]
    return token


async def _coding_room(client: httpx.AsyncClient) -> tuple[Account, Account, str, str]:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    await join(client, guest, room)
    await to_coding(client, host, guest, room)
    rid = room["roomId"]
    sid = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["sessionId"]
    return host, guest, rid, sid


async def _session_ends(client: httpx.AsyncClient, who: Account, sid: str) -> int:
    data = (await client.get(f"/api/sessions/{sid}/snapshots", headers=who.headers)).json()["data"]
    return sum(1 for s in data if s["trigger"] == "session_end")


async def test_destroy_ends_the_document_once_and_create_opens_it_again(
    client: httpx.AsyncClient, services: Services, live_url: str
) -> None:
    host, guest, rid, sid = await _coding_room(client)
    headers = _internal(services)
    ws = await open_socket(live_url, rid, await _token(client, guest, rid))
    await next_event(ws, "room-state")
    first = await client.delete(f"/collab/documents/{rid}", headers=headers)
    assert first.status_code == 200, first.text
    assert await close_code(ws) == 4003
    again = await client.delete(f"/collab/documents/{rid}", headers=headers)
    assert again.json() == first.json()
    assert await _session_ends(client, host, sid) == 1
    host_token = await _token(client, host, rid)  # a socket that opens reactivates its user
    late = await open_socket(live_url, rid, host_token)
    assert await close_code(late) == 4004  # the document is released: nothing to sync with
    reopened = await client.post("/collab/documents", headers=headers, json={"roomId": rid})
    assert reopened.status_code == 201 and reopened.json()["created"] is True
    ws = await open_socket(live_url, rid, host_token)
    assert (await next_event(ws, "room-state"))["data"]["phase"] == "coding"
    await ws.close()
    bad = await client.delete("/collab/documents/not-a-uuid", headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "VALIDATION_FAILED"
    missing = await client.delete(f"/collab/documents/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "COLLAB_DOCUMENT_NOT_FOUND"


async def test_snapshot_callback_keeps_state_time_and_phase(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, _, rid, sid = await _coding_room(client)
    other: Doc = Doc()  # type: ignore[type-arg]
    other.get("code:python", type=Text).insert(0, "x = 1\n")
    state = other.get_update()
    moment = int(time.time() * 1000) - 60_000
    body = {
        "roomId": rid,
        "snapshot": list(state),
        "code": "x = 1\n",
        "language": "python",
        "timestamp": moment,
        "trigger": "phase_change",
        "phase": "wrapup",
    }
    ack = await client.post("/api/internal/collab/snapshot", headers=_internal(services), json=body)
    assert ack.json() == {"success": True}
    stored = (await client.get(f"/api/sessions/{sid}/snapshots", headers=host.headers)).json()["data"]
    mine = [s for s in stored if s["trigger"] == "phase_change" and s["phase"] == "wrapup"]
    assert len(mine) == 1 and mine[0]["code"] == "x = 1\n"
    assert mine[0]["timestamp"].startswith(time.strftime("%Y-%m-%dT%H:%M", time.gmtime(moment / 1000)))
    reported = await DocumentStore(services.mongo).reported_state(rid)
    assert reported is not None and reported[0] == state and reported[2] == "phase_change"
    assert int(reported[1].timestamp() * 1000) == moment
    broken = await client.post(
        "/api/internal/collab/snapshot", headers=_internal(services), json={**body, "snapshot": [9, 9, 9]}
    )
    assert broken.status_code == 400 and broken.json()["code"] == "COLLAB_INVALID_REQUEST"


async def test_create_honours_language_lock_and_phase(client: httpx.AsyncClient, services: Services) -> None:
    host = await register(client)
    room = await create_room(client, host)
    rid, headers = room["roomId"], _internal(services)
    body = {"roomId": rid, "initialLanguage": "go", "editorLocked": True, "initialPhase": "waiting"}
    created = await client.post("/collab/documents", headers=headers, json=body)
    assert created.status_code == 201, created.text
    detail = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
    assert detail["language"] == "go" and detail["editorLocked"] is True and detail["status"] == "waiting"
    unlocked = await client.post(
        "/collab/documents", headers=headers, json={"roomId": rid, "editorLocked": False}
    )
    assert unlocked.status_code == 201
    assert (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["editorLocked"] is False
    _, _, coding_rid, _ = await _coding_room(client)
    back = await client.post(
        "/collab/documents", headers=headers, json={"roomId": coding_rid, "initialPhase": "waiting"}
    )
    assert back.status_code == 400 and back.json()["code"] == "ROOM_INVALID_TRANSITION"


async def test_empty_whiteboard_is_an_empty_export(client: httpx.AsyncClient) -> None:
    host, _, _, sid = await _coding_room(client)
    url = f"/api/sessions/{sid}/whiteboard"
    exported = (await client.get(url, headers=host.headers)).json()
    assert exported["shapeCount"] == 0
    assert {r["typeName"] for r in exported["store"].values()} == {"document", "page"}
    svg = await client.get(url, params={"format": "svg"}, headers=host.headers)
    assert svg.status_code == 200 and "data-shape-id" not in svg.text
    width, height, _ = decode_png(
        (await client.get(url, params={"format": "png"}, headers=host.headers)).content
    )
    assert width > 0 and height > 0
    unknown = await client.get(f"/api/sessions/{uuid.uuid4()}/whiteboard", headers=host.headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == "SESSION_NOT_FOUND"
