"""Crash recovery: SIGKILL a RoomActor's process mid-session; the next request succeeds with identical
state, and a connected websocket gets a resync and keeps receiving events. A host ended for good and
started again under its name by another gateway is found anew by this one (its cached handle is stale)."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from actors import deploy
from actors.placement import HostDirectory
from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.gateway.ws_support import next_event, open_socket
from tests.support import register, wait_until

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


async def test_host_started_again_under_its_name_is_found_anew(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    door, services = app.state.rooms.client, app.state.services
    assert (await client.get(f"/api/rooms/{rid}", headers=host.headers)).status_code == 200
    name = await door.hosts.host_of(rid)
    assert name is not None and (await door.hosts.probe())["hostsNotAnswering"] == []
    old_pid = await door.pid(rid)

    await asyncio.to_thread(deploy.kill_actor, name)

    async def name_free() -> bool:
        return await asyncio.to_thread(deploy.get_actor, name) is None

    await wait_until(name_free)
    other_gateway = HostDirectory(door.hosts._runtime, services.mongo)
    found = await other_gateway.handle_of(rid)  # starts the host again by name: a new actor
    assert found is not None and found[0] == name

    assert (await join(client, guest, room)).status_code == 200, "this gateway's door found the new host"
    assert await door.pid(rid) != old_pid
    probed = await door.hosts.probe()
    assert probed["hostsNotAnswering"] == [] and probed["hostsAnswering"] >= 1
    health = await client.get("/api/health")
    assert health.status_code == 200, health.text
    assert health.json()["details"]["ray"]["hostsNotAnswering"] == []
