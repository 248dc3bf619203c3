"""`syncode rooms move` / `rooms drain-node` against the test session's Ray and database: a room with
typing Yjs peers moved to another host keeps working (the peers are closed with 4011, reconnect and
converge with no edit lost); refusals exit 1 and say why."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from actors import deploy
from gateway.cli import main
from gateway.services import Services
from gateway.ws import codes
from tests.gateway.rooms_support import create_room, join
from tests.ops.peers_support import collab_token, connect_typist, converge, server_text
from tests.support import register, wait_until

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def _cli_env(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNCODE_MONGODB_URI", services.config.mongodb_uri)
    monkeypatch.setenv("SYNCODE_MONGODB_DATABASE", services.config.settings.mongodb_database)
    monkeypatch.setenv("SYNCODE_DATA_DIR", str(services.config.data_dir))
    monkeypatch.setenv("SYNCODE_ROOMS_PER_HOST", str(services.config.settings.rooms_per_host))


async def test_rooms_move_keeps_a_typing_room_working(
    app: FastAPI, client: httpx.AsyncClient, live_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    assert (await join(client, guest, room)).status_code == 200
    typists = [
        await connect_typist(live_url, rid, await collab_token(client, who, rid), tag)
        for who, tag in ((host, "h"), (guest, "g"))
    ]
    typing = [asyncio.create_task(t.type_until_closed()) for t in typists]

    async def under_way() -> bool:
        text = await server_text(app, rid)
        return "<h3>" in text and "<g3>" in text

    await wait_until(under_way, timeout_s=20)
    hosts = app.state.rooms.client.hosts
    before = await hosts.host_of(rid)
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["rooms", "move", rid]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"moved {rid}  {before} -> "), line
    after = line.rsplit(" ", 1)[1]
    assert after != before
    hosts.forget(rid)  # the placement record, not this gateway's cache, says where the room lives
    assert await hosts.host_of(rid) == after

    assert await asyncio.wait_for(asyncio.gather(*typing), 15) == [codes.RESYNC, codes.RESYNC]
    for typist in typists:
        await typist.reconnect(live_url, rid)
        await typist.type_some(5)
    text = await converge(app, rid, typists)
    assert all(chunk in text for t in typists for chunk in t.chunks)
    new_host, old_host = deploy.get_actor(after), deploy.get_actor(before)
    assert new_host is not None and old_host is not None
    assert await new_host.hosted.remote(rid) is True
    assert await old_host.hosted.remote(rid) is False
    for typist in typists:
        await typist.peer.ws.close()


async def test_rooms_commands_refuse_what_they_cannot_do(
    app: FastAPI, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = (await create_room(client, await register(client)))["roomId"]
    current = await app.state.rooms.client.hosts.host_of(rid)
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["rooms", "move", rid, "--to", current]) == 0
    assert capsys.readouterr().out.strip() == f"room {rid} is already on {current}"
    assert await asyncio.to_thread(main, ["rooms", "move", rid, "--to", "roomhost:nowhere:9"]) == 1
    assert "cannot take the room" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["rooms", "move", "no-such-room"]) == 1
    assert "is not placed on any host" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["rooms", "drain-node", "ffffnotanode"]) == 1
    assert "no live node with id 'ffffnotanode'" in capsys.readouterr().out
    assert await app.state.rooms.client.hosts.host_of(rid) == current  # nothing moved
