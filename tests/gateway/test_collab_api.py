"""The collab-plane internal API and the control plane's collab callbacks, behind X-Internal-Token."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from pycrdt import Doc, Text

from gateway.services import Services
from tests.gateway.rooms_support import create_room, join, to_coding
from tests.gateway.ws_support import close_code, next_event, open_socket
from tests.support import register, wait_until

pytestmark = pytest.mark.anyio


def _internal(services: Services) -> dict[str, str]:
    return {"X-Internal-Token": services.config.secrets.internal}


async def test_internal_routes_need_the_token(client: httpx.AsyncClient) -> None:
    for method, path in (
        ("GET", "/collab/health"),
        ("POST", "/collab/documents"),
        ("POST", "/api/internal/collab/snapshot"),
        ("POST", "/api/internal/collab/user-disconnected"),
    ):
        for headers in ({}, {"X-Internal-Token": "wrong"}):
            response = await client.request(method, path, json={}, headers=headers)
            assert response.status_code == 401, (path, response.text)
            assert response.json()["code"] == "UNAUTHORIZED"


async def test_create_document_is_idempotent_and_accepts_a_snapshot(
    client: httpx.AsyncClient, services: Services
) -> None:
    host = await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    headers = _internal(services)
    body = {
        "roomId": rid,
        "initialContentByLanguage": {"python": "print('starter')\n"},
        "initialLanguage": "python",
    }
    first = await client.post("/collab/documents", headers=headers, json=body)
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True
    assert (await client.post("/collab/documents", headers=headers, json=body)).json()["created"] is False
    other: Doc = Doc()  # type: ignore[type-arg]
    other.get("code:go", type=Text).insert(0, "package main\n")
    adopted = await client.post(
        "/collab/documents", headers=headers, json={"roomId": rid, "snapshot": list(other.get_update())}
    )
    assert adopted.json()["created"] is True
    final = await client.delete(f"/collab/documents/{rid}", headers=headers)
    merged: Doc = Doc()  # type: ignore[type-arg]
    merged.apply_update(bytes(final.json()["finalSnapshot"]))
    assert str(merged.get("code:python", type=Text)) == "print('starter')\n"
    assert str(merged.get("code:go", type=Text)) == "package main\n"
    missing = await client.post("/collab/documents", headers=headers, json={"roomId": str(uuid.uuid4())})
    assert missing.status_code == 404
    assert missing.json()["code"] == "COLLAB_DOCUMENT_NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [
        {"roomId": "not-a-uuid"},
        {"roomId": str(uuid.uuid4()), "snapshot": [1, 2, 999]},
        {"roomId": str(uuid.uuid4()), "initialContentByLanguage": {"cobol": "x"}},
        {"roomId": str(uuid.uuid4()), "extra": True},
    ],
)
async def test_malformed_payloads_are_400(
    client: httpx.AsyncClient, services: Services, body: dict[str, object]
) -> None:
    response = await client.post("/collab/documents", headers=_internal(services), json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_FAILED"


async def test_kick_health_and_callbacks(
    client: httpx.AsyncClient, services: Services, live_url: str
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    headers = _internal(services)
    assert (await client.get("/collab/health", headers=headers)).json()["status"] == "ok"
    token = (await client.get(f"/api/rooms/{rid}", headers=guest.headers)).json()["collabToken"]
    ws = await open_socket(live_url, rid, token)
    await next_event(ws, "room-state")
    kicked = await client.post(f"/collab/documents/{rid}/kick", headers=headers, json={"userId": guest.id})
    assert kicked.json() == {"kicked": True}
    assert await close_code(ws) == 4002

    async def guest_inactive() -> bool:
        detail = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
        return not next(p for p in detail["participants"] if p["userId"] == guest.id)["isActive"]

    await wait_until(guest_inactive)
    await client.post(f"/api/rooms/{rid}/join", headers=guest.headers, json={})
    await to_coding(client, host, guest, room)
    session_id = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["sessionId"]
    snapshot = {
        "roomId": rid,
        "snapshot": [0, 0],
        "code": "x = 1\ny = 2\n",
        "language": "python",
        "timestamp": int(time.time() * 1000),
        "trigger": "periodic",
        "phase": "coding",
    }
    ack = await client.post("/api/internal/collab/snapshot", headers=headers, json=snapshot)
    assert ack.json() == {"success": True}
    stored = (await client.get(f"/api/sessions/{session_id}/snapshots", headers=host.headers)).json()["data"]
    assert any(s["trigger"] == "periodic" and s["linesOfCode"] == 2 for s in stored)
    bad = await client.post(
        "/api/internal/collab/snapshot", headers=headers, json={**snapshot, "trigger": "manual"}
    )
    assert bad.status_code == 400
    gone = await client.post(
        "/api/internal/collab/user-disconnected",
        headers=headers,
        json={"roomId": rid, "userId": guest.id, "timestamp": int(time.time() * 1000)},
    )
    assert gone.json() == {"success": True}
    detail = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
    assert next(p for p in detail["participants"] if p["userId"] == guest.id)["isActive"] is False
