"""A gateway follows all of its rooms on one host with one long poll (gateway/ws/pollers.py), not one per
room: several rooms with sockets on one host hold exactly one open poll there, and a room's events still
reach its sockets."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.gateway.rooms_support import create_room, join
from tests.gateway.test_room_ws import _token
from tests.gateway.ws_support import next_event, open_socket
from tests.support import register, wait_until

pytestmark = pytest.mark.anyio
ROOMS = 4


async def test_rooms_on_one_host_share_one_poll(
    app: FastAPI, client: httpx.AsyncClient, live_url: str
) -> None:
    door = app.state.rooms.client
    owner, guest = await register(client), await register(client)
    rooms = [await create_room(client, owner) for _ in range(ROOMS)]
    hosts = {await door.host_name(r["roomId"]) for r in rooms}
    sockets = {}
    for room in rooms:
        rid = room["roomId"]
        sockets[rid] = await open_socket(live_url, rid, await _token(client, owner, rid))
        await next_event(sockets[rid], "room-state")
    hub = app.state.hub

    async def followed() -> bool:
        return all(hub.feeds[r["roomId"]].following for r in rooms) and not any(
            p.changed.is_set() for p in hub.pollers.values()
        )

    await wait_until(followed)

    async def one_poll_per_host() -> bool:
        loads = {load["host"]: load for load in await door.hosts.loads()}
        return all(loads[h]["feedPolls"] == 1 for h in hosts)

    await wait_until(one_poll_per_host)
    for room in rooms:  # the session's other tests may have sockets open too
        rid = room["roomId"]
        assert [h for h, p in hub.pollers.items() if rid in p.feeds] == [await door.host_name(rid)]

    target = rooms[-1]
    assert (await join(client, guest, target)).status_code == 200
    joined = await next_event(sockets[target["roomId"]], "participant-joined")
    assert joined["data"]["userId"] == guest.id
    for ws in sockets.values():
        await ws.close()
