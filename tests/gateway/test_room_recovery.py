"""Crash recovery: SIGKILL a RoomActor's process mid-session; the next request succeeds with identical
state, and a connected websocket gets a resync and keeps receiving events."""

from __future__ import annotations

import os
import signal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.gateway.ws_support import next_event, open_socket
from tests.support import register

pytestmark = pytest.mark.anyio
VOLATILE = {"collabToken", "elapsedMs", "participants"}


def _stable(detail: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in detail.items() if k not in VOLATILE}
    body["participants"] = [
        {k: v for k, v in p.items() if k != "isConnected"} for p in detail["participants"]
    ]
    return body


async def test_sigkilled_room_actor_recovers_state_and_sockets(
    app: FastAPI, client: httpx.AsyncClient, live_url: str
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    await to_coding(client, host, guest, room)
    await post(client, host, f"/api/rooms/{rid}/control/lock-editor")
    before = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
    ws = await open_socket(live_url, rid, before["collabToken"])
    await next_event(ws, "room-state")
    door = app.state.rooms.client
    old_pid = await door.pid(rid)
    os.kill(old_pid, signal.SIGKILL)
    after = await client.get(f"/api/rooms/{rid}", headers=host.headers)
    assert after.status_code == 200, after.text
    assert _stable(after.json()) == _stable(before)
    assert after.json()["elapsedMs"] >= before["elapsedMs"]
    assert await door.pid(rid) != old_pid
    resync = await next_event(ws, "resync", timeout_s=60)
    assert resync["data"]["phase"] == "coding"
    assert resync["data"]["editorLocked"] is True
    await post(client, host, f"/api/rooms/{rid}/control/unlock-editor")
    unlocked = await next_event(ws, "editor-lock")
    assert unlocked["data"]["locked"] is False
    await ws.close()
