"""Browsing public rooms: only joinable ones (public, live, a seat free, no draft problem), filtered by
status, language, difficulty and a search over the room name and the problem title, and every page is
full when more rooms exist (full rooms are filtered by the query, not after it)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from tests.gateway.rooms_support import create_problem, create_room, join
from tests.support import Account, register

pytestmark = pytest.mark.anyio


async def _admin(client: httpx.AsyncClient, services: Services) -> Account:
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    return admin


async def _browse(client: httpx.AsyncClient, who: Account, **params: Any) -> list[str]:
    response = await client.get("/api/rooms/public", headers=who.headers, params=params)
    assert response.status_code == 200, response.text
    return [r["roomId"] for r in response.json()["data"]]


async def test_full_rooms_never_cost_a_page(client: httpx.AsyncClient) -> None:
    host, viewer = await register(client), await register(client)
    tag = uuid.uuid4().hex[:8]
    open_rooms = [
        (await create_room(client, host, name=f"{tag} open {i}", config={"isPrivate": False}))["roomId"]
        for i in range(2)
    ]
    for i in range(3):  # newer than the open ones, and full (2 seats, 2 active)
        full = await create_room(client, host, name=f"{tag} full {i}", config={"isPrivate": False})
        assert (await join(client, await register(client), full)).status_code == 200
    first = await client.get("/api/rooms/public", headers=viewer.headers, params={"search": tag, "limit": 1})
    body = first.json()
    assert [r["roomId"] for r in body["data"]] == [open_rooms[1]]
    assert body["pagination"]["hasMore"] is True
    params = {"search": tag, "limit": 1, "cursor": body["pagination"]["nextCursor"]}
    second = (await client.get("/api/rooms/public", headers=viewer.headers, params=params)).json()
    assert [r["roomId"] for r in second["data"]] == [open_rooms[0]]
    assert second["pagination"]["hasMore"] is False


async def test_filters_and_search_over_problem_titles(client: httpx.AsyncClient, services: Services) -> None:
    admin, viewer = await _admin(client, services), await register(client)
    tag = uuid.uuid4().hex[:8]
    easy = await create_problem(client, admin, title=f"Lantern {tag}")
    hard = await create_problem(client, admin, title=f"Harbor {tag}", difficulty="hard")
    public = {"isPrivate": False, "maxParticipants": 3}
    by_easy = (await create_room(client, admin, name="first", problemId=easy, config=public))["roomId"]
    by_hard = (await create_room(client, admin, name="second", problemId=hard, language="go", config=public))[
        "roomId"
    ]
    named = (await create_room(client, admin, name=f"Lantern club {tag}", config=public))["roomId"]
    assert set(await _browse(client, viewer, search=f"lantern {tag}")) == {by_easy}
    assert set(await _browse(client, viewer, search=tag)) == {by_easy, by_hard, named}
    assert await _browse(client, viewer, search=tag, difficulty="hard") == [by_hard]
    assert await _browse(client, viewer, search=tag, language="go") == [by_hard]
    assert set(await _browse(client, viewer, search=tag, status="waiting")) == {by_easy, by_hard, named}
    assert await _browse(client, viewer, search=tag, status="coding") == []
    finished = await client.get("/api/rooms/public", headers=viewer.headers, params={"status": "finished"})
    assert (finished.status_code, finished.json()["code"]) == (400, "VALIDATION_FAILED")
    unknown = await client.get("/api/rooms/public", headers=viewer.headers, params={"difficulty": "brutal"})
    assert unknown.status_code == 400
    unpublished = await client.patch(
        f"/api/problems/{hard}/publish-status", headers=admin.headers, json={"isPublished": False}
    )
    assert unpublished.status_code == 200, unpublished.text
    assert set(await _browse(client, viewer, search=tag)) == {by_easy, named}
