"""A banned or deleted account loses its room sockets at once, and collab tokens minted before cannot
open a new one (the attack: keep editing and chatting through a socket or token from before the ban)."""

from __future__ import annotations

import json

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from tests.gateway.rooms_support import create_room, join
from tests.gateway.ws_support import close_code, next_event, open_socket
from tests.support import register

pytestmark = pytest.mark.anyio


async def test_ws_banned_user_socket_closes_and_old_token_is_refused(
    client: httpx.AsyncClient, live_url: str, services: Services
) -> None:
    admin, host, guest = await register(client), await register(client), await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    token = (await client.get(f"/api/rooms/{rid}", headers=guest.headers)).json()["collabToken"]
    ws = await open_socket(live_url, rid, token)
    await next_event(ws, "chat-history")
    await ws.send(json.dumps({"type": "chat-send", "data": {"text": "before the ban"}}))
    await next_event(ws, "chat-message-created")
    banned = await client.patch(f"/api/admin/users/{guest.id}", headers=admin.headers, json={"banned": True})
    assert banned.status_code == 200, banned.text
    assert await close_code(ws, timeout_s=10) == 4001
    again = await open_socket(live_url, rid, token)
    assert await close_code(again, timeout_s=10) == 4001
    messages = await services.mongo.db["chat_messages"].count_documents({"roomId": rid})
    assert messages == 1


async def test_ws_deleted_account_socket_closes(
    client: httpx.AsyncClient, live_url: str, services: Services
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    token = (await client.get(f"/api/rooms/{rid}", headers=guest.headers)).json()["collabToken"]
    ws = await open_socket(live_url, rid, token)
    await next_event(ws, "room-state")
    assert (await client.delete("/api/users/me", headers=guest.headers)).status_code == 204
    assert await close_code(ws, timeout_s=10) == 4001
    assert await close_code(await open_socket(live_url, rid, token), timeout_s=10) == 4001
