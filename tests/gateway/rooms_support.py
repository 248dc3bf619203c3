"""Helpers for room tests: create a room, join it, drive it to a phase."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support import Account


async def create_room(client: httpx.AsyncClient, host: Account, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"mode": "peer", "language": "python", **body}
    response = await client.post("/api/rooms", headers=host.headers, json=payload)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def join(client: httpx.AsyncClient, who: Account, room: dict[str, Any], **body: Any) -> httpx.Response:
    payload = {"roomCode": room["roomCode"], **body}
    return await client.post(f"/api/rooms/{room['roomId']}/join", headers=who.headers, json=payload)


async def post(client: httpx.AsyncClient, who: Account, path: str, json: Any = None) -> httpx.Response:
    return await client.post(path, headers=who.headers, json=json)


async def to_coding(client: httpx.AsyncClient, host: Account, guest: Account, room: dict[str, Any]) -> None:
    rid = room["roomId"]
    for who in (host, guest):
        ready = await post(client, who, f"/api/rooms/{rid}/ready", {"ready": True})
        assert ready.status_code == 200, ready.text
    for target in ("warmup", "coding"):
        moved = await post(client, host, f"/api/rooms/{rid}/control/transition", {"targetStatus": target})
        assert moved.status_code == 200, moved.text


async def create_problem(client: httpx.AsyncClient, admin: Account, **overrides: Any) -> str:
    """A published problem with one test case (`admin` must be an admin); its id."""
    body: dict[str, Any] = {
        "title": f"Problem {uuid.uuid4().hex[:8]}",
        "description": "Print the input.",
        "difficulty": "easy",
        "isPublished": True,
        "testCases": [{"input": "1", "expectedOutput": "1"}],
        **overrides,
    }
    created = await client.post("/api/problems", headers=admin.headers, json=body)
    assert created.status_code == 201, created.text
    problem_id: str = created.json()["id"]
    return problem_id
