"""Two gateway processes on different ports, joined to the same Ray cluster, serve the same room and
both deliver its events to their own websocket clients."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from actors import deploy
from gateway.services import Services
from tests import processes
from tests.conftest import ROOT
from tests.gateway.rooms_support import create_room, join, post
from tests.gateway.ws_support import next_event, open_socket
from tests.support import free_port, register, wait_until

pytestmark = pytest.mark.anyio


@pytest.fixture
async def second_gateway(services: Services) -> AsyncIterator[str]:
    port = free_port()
    settings = services.config.settings
    env = {
        **os.environ,
        "RAY_ADDRESS": deploy.cluster_address(),
        "SYNCODE_MONGODB_URI": services.config.mongodb_uri,
        "SYNCODE_MONGODB_DATABASE": settings.mongodb_database,
        "SYNCODE_DATA_DIR": str(services.config.data_dir),
        "SYNCODE_PORT": str(port),
        "SYNCODE_SEED_ON_START": "false",
        "SYNCODE_ROOM_SPARE_SLOTS": str(settings.room_spare_slots),
        "SYNCODE_ROOMS_PER_HOST": str(settings.rooms_per_host),
    }
    proc = processes.spawn(
        [sys.executable, "-m", "gateway.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    async def healthy() -> bool:
        try:
            async with httpx.AsyncClient() as http:
                response = await http.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    try:
        await wait_until(healthy, timeout_s=90, step_s=0.5)
        yield f"127.0.0.1:{port}"
    finally:
        await asyncio.to_thread(processes.stop, proc)


async def test_two_gateways_serve_one_room(
    client: httpx.AsyncClient, live_url: str, second_gateway: str
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    async with httpx.AsyncClient(base_url=f"http://{second_gateway}") as other:
        remote = await other.get(f"/api/rooms/{rid}", headers=guest.headers)
        assert remote.status_code == 200, remote.text
        host_ws = await open_socket(
            live_url, rid, (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["collabToken"]
        )
        guest_ws = await open_socket(second_gateway, rid, remote.json()["collabToken"])
        await next_event(host_ws, "room-state")
        await next_event(guest_ws, "room-state")
        locked = await other.post(f"/api/rooms/{rid}/control/lock-editor", headers=host.headers)
        assert locked.status_code == 200, locked.text
        for ws in (host_ws, guest_ws):
            assert (await next_event(ws, "editor-lock"))["data"]["locked"] is True
        await post(client, guest, f"/api/rooms/{rid}/ready", {"ready": True})
        for ws in (host_ws, guest_ws):
            assert (await next_event(ws, "participant-ready"))["data"]["userId"] == guest.id
        await host_ws.close()
        await guest_ws.close()
