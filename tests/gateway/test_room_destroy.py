"""Destroy is a hard, irreversible delete: afterwards every route answers 404, no document of the room
is left, sockets are closed with 4003, and its actor is never restarted into a live room — with and
without sockets connected (a socket's disconnect used to write the room back)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.services import Services
from tests.gateway.rooms_support import create_room, join, post
from tests.gateway.ws_support import close_code, next_event, open_socket
from tests.support import Account, err, register, wait_until

pytestmark = pytest.mark.anyio
ROOM_COLLECTIONS = ("room_events", "doc_updates", "code_snapshots", "chat_messages", "sessions", "runs")


async def _gone_everywhere(client: httpx.AsyncClient, services: Services, host: Account, rid: str) -> None:
    for method, path in (
        ("GET", f"/api/rooms/{rid}"),
        ("POST", f"/api/rooms/{rid}/join"),
        ("POST", f"/api/rooms/{rid}/ready"),
        ("DELETE", f"/api/rooms/{rid}"),
        ("GET", f"/api/rooms/{rid}/participants"),
        ("POST", f"/api/rooms/{rid}/control/lock-editor"),
    ):
        response = await client.request(
            method, path, headers=host.headers, json={} if method == "POST" else None
        )
        assert response.status_code == 404, (method, path, response.text)
    assert await services.mongo.db["rooms"].count_documents({"_id": rid}) == 0
    for name in ROOM_COLLECTIONS:
        assert await services.mongo.db[name].count_documents({"roomId": rid}) == 0, name
    listed = (await client.get("/api/rooms", headers=host.headers)).json()["data"]
    assert rid not in [r["roomId"] for r in listed]


async def _room_with_activity(client: httpx.AsyncClient) -> tuple[Account, Account, dict[str, Any]]:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    await join(client, guest, room)
    await post(client, host, f"/api/rooms/{room['roomId']}/ready")
    return host, guest, room


async def test_destroy_without_sockets_stays_gone(
    app: FastAPI, client: httpx.AsyncClient, services: Services
) -> None:
    host, _, room = await _room_with_activity(client)
    rid = room["roomId"]
    destroyed = await client.delete(f"/api/rooms/{rid}", headers=host.headers)
    assert destroyed.status_code == 200, destroyed.text
    assert destroyed.json()["collabDeleted"] is True
    await _gone_everywhere(client, services, host, rid)

    door = app.state.rooms.client

    async def actor_ended() -> bool:
        return not await door.hosted(rid)

    await wait_until(actor_ended, timeout_s=30)
    await _gone_everywhere(client, services, host, rid)  # nothing brought it back once the actor ended
    assert not await door.hosted(rid)
    assert await door.hosts.host_of(rid) is None  # the purge took its placement with it


async def test_destroy_with_sockets_closes_them_and_stays_gone(
    client: httpx.AsyncClient, live_url: str, services: Services
) -> None:
    host, guest, room = await _room_with_activity(client)
    rid = room["roomId"]
    sockets = []
    for who in (host, guest):
        token = (await client.get(f"/api/rooms/{rid}", headers=who.headers)).json()["collabToken"]
        ws = await open_socket(live_url, rid, token)
        await next_event(ws, "room-state")  # admitted and subscribed before the destroy
        sockets.append((ws, token))
    assert (await client.delete(f"/api/rooms/{rid}", headers=host.headers)).status_code == 200
    for ws, _ in sockets:
        assert await close_code(ws) == 4003
    await _gone_everywhere(client, services, host, rid)
    again = await open_socket(live_url, rid, sockets[1][1])
    assert await close_code(again) == 4004
    err(await client.get(f"/api/rooms/{rid}", headers=guest.headers), 404)
    await _gone_everywhere(client, services, host, rid)
