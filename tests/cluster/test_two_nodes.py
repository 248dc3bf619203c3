"""Rooms on two Ray nodes of one machine: a host on the second node serves rooms for the session's
gateway; losing that node mid-typing brings its rooms back on the first node (Ray restarts the host
there, it reloads the rooms from MongoDB, clients resync) with no edit lost; draining the node moves its
rooms off it while clients type, also with no edit lost. Recovery time is printed."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from actors import deploy
from actors.placement import HostDirectory, _answer
from tests.cluster.nodes import Node, start_node
from tests.collab.test_yjs_interop import _node_clients_installed, _result, _server_text, _token, _typist
from tests.gateway.rooms_support import create_room
from tests.support import register

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("_node_clients_installed")]
__all__ = ["_node_clients_installed"]
ROOMS = 3


@pytest.fixture
async def node_b() -> AsyncIterator[Node]:
    node = await start_node()
    try:
        yield node
    finally:
        if node.proc.poll() is None:
            node.lose()


async def _host_on(directory: HostDirectory, database: str, node: Node) -> str:
    """Start a room host on `node` (as a drain or the spread policy would)."""
    for _ in range(5):  # the affinity is soft (a host must be able to restart elsewhere): retry if missed
        name = deploy.host_name(
            database, max(int(n.rsplit(":", 1)[1]) for n in deploy.room_hosts(database)) + 1
        )
        handle = deploy.spawn_host(directory._config(name), node_id=node.node_id)
        assert await _answer(handle.ping.remote(), 120) == name
        load = await _answer(handle.load.remote(), 30)
        if load["node"] == node.node_id:
            return name
        deploy.kill_actor(name)
    raise AssertionError("no host started on the second node")


async def _rooms_on(app: FastAPI, host: str) -> list[tuple[str, str]]:
    """ROOMS rooms moved onto `host`; (room id, the owner's collab token) each."""
    transport = httpx.ASGITransport(app=app, client=(f"10.78.{uuid.uuid4().int % 250}.9", 4000))
    rooms = []
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        for _ in range(ROOMS):
            owner = await register(http)
            rid = (await create_room(http, owner))["roomId"]
            assert await app.state.rooms.client.hosts.move(rid, target=host) == host
            rooms.append((rid, await _token(http, owner, rid)))
    return rooms


async def _typists(live_url: str, rooms: list[tuple[str, str]], tmp_path: Path) -> list[object]:
    return [
        await _typist(
            live_url, rid, token, tmp_path / f"{i}.json", "--edits", "60", "--rate", "10", "--seed", str(i)
        )
        for i, (rid, token) in enumerate(rooms)
    ]


async def _under_way(app: FastAPI, rooms: list[tuple[str, str]]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 90
    for rid, _ in rooms:
        while len(await _server_text(app, rid)) < 5:
            assert loop.time() < deadline, "typists never got going"
            await asyncio.sleep(0.1)  # bounded-poll: wait for the typing to be under way


async def _converged(app: FastAPI, rooms: list[tuple[str, str]], procs: list[object], tmp_path: Path) -> None:
    results = [await _result(p, tmp_path / f"{i}.json") for i, p in enumerate(procs)]  # type: ignore[arg-type]
    for (rid, _), result in zip(rooms, results, strict=True):
        assert result["text"] == await _server_text(app, rid)
        assert len(result["text"]) > 0


async def test_lost_node_rooms_come_back_on_the_other_node(
    app: FastAPI, live_url: str, tmp_path: Path, node_b: Node
) -> None:
    door = app.state.rooms.client
    database = door.runtime.database
    host = await _host_on(door.hosts, database, node_b)
    rooms = await _rooms_on(app, host)
    procs = await _typists(live_url, rooms, tmp_path)
    await _under_way(app, rooms)
    lost_at = time.monotonic()
    node_b.lose()
    await asyncio.gather(*(door.state(rid) for rid, _ in rooms))  # the door waits out the restart
    recovered_s = time.monotonic() - lost_at
    print(f"\nnode loss: {ROOMS} rooms answering again {recovered_s:.2f} s after the node died")  # noqa: T201 - the figure the issue asks for
    load = await _answer(deploy.get_actor(host).load.remote(), 30)  # type: ignore[union-attr]
    assert load["node"] != node_b.node_id  # the same host, restarted on the surviving node
    await _converged(app, rooms, procs, tmp_path)


async def test_draining_a_node_moves_its_rooms_while_clients_type(
    app: FastAPI, live_url: str, tmp_path: Path, node_b: Node
) -> None:
    door = app.state.rooms.client
    host = await _host_on(door.hosts, door.runtime.database, node_b)
    rooms = await _rooms_on(app, host)
    procs = await _typists(live_url, rooms, tmp_path)
    await _under_way(app, rooms)
    moved = await door.hosts.drain_node(node_b.node_id)
    assert sorted(r for r, _ in moved) == sorted(r for r, _ in rooms)
    assert deploy.get_actor(host) is None  # the drained host has ended
    for rid, _ in rooms:
        new_host = await door.hosts.host_of(rid)
        assert new_host is not None
        assert new_host != host
        load = await _answer(deploy.get_actor(new_host).load.remote(), 30)  # type: ignore[union-attr]
        assert load["node"] != node_b.node_id
    await _converged(app, rooms, procs, tmp_path)
