"""Stock Yjs clients (npm yjs + y-websocket, in Node) against our websocket: concurrent typing
converges with the server's document, forbidden writers are dropped, and an actor crash loses nothing."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pycrdt import Doc, Text

from tests import processes
from tests.conftest import ROOT
from tests.gateway.rooms_support import create_room, join, post
from tests.support import Account, register

pytestmark = pytest.mark.anyio
NODE_MODULES = ROOT / ".data" / "collab-node" / "node_modules"
TYPIST = ROOT / "tests" / "collab" / "node" / "typist.js"


async def _token(client: httpx.AsyncClient, who: Account, room_id: str) -> str:
    token: str = (await client.get(f"/api/rooms/{room_id}", headers=who.headers)).json()["collabToken"]
    return token


async def _typist(
    live_url: str, room_id: str, token: str, out: Path, *extra: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        "node",
        str(TYPIST),
        "--url",
        f"ws://{live_url}/ws/rooms",
        "--room",
        room_id,
        "--token",
        token,
        "--out",
        str(out),
        "--timeout-ms",
        "240000",
        *extra,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        preexec_fn=processes.die_with_parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _result(proc: asyncio.subprocess.Process, out: Path) -> dict[str, Any]:
    _, err = await asyncio.wait_for(proc.communicate(), 300)
    assert proc.returncode == 0, err.decode()[-2000:]
    data: dict[str, Any] = json.loads(await asyncio.to_thread(out.read_text))
    return data


async def _server_text(app: FastAPI, room_id: str) -> str:
    state = await app.state.rooms.client.document_state(room_id)
    doc: Doc = Doc()  # type: ignore[type-arg]
    doc.apply_update(state)
    return str(doc.get("code:python", type=Text))


@pytest.fixture(autouse=True)
def _node_clients_installed() -> None:
    assert NODE_MODULES.joinpath("y-websocket").exists(), "run make bootstrap (installs the Node Yjs clients)"


async def test_two_stock_clients_converge_with_the_server(
    app: FastAPI, client: httpx.AsyncClient, live_url: str, tmp_path: Path
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    procs = [
        await _typist(
            live_url,
            rid,
            await _token(client, who, rid),
            tmp_path / f"{i}.json",
            "--edits",
            "1000",
            "--rate",
            "0",
            "--seed",
            str(i + 1),
        )
        for i, who in enumerate((host, guest))
    ]
    a, b = [await _result(p, tmp_path / f"{i}.json") for i, p in enumerate(procs)]
    assert a["edits"] == b["edits"] == 1000
    assert a["text"] == b["text"]
    assert a["text"] == await _server_text(app, rid)


async def test_observer_and_locked_candidate_edits_never_appear(
    app: FastAPI, client: httpx.AsyncClient, live_url: str, tmp_path: Path
) -> None:
    host, guest, watcher = await register(client), await register(client), await register(client)
    room = await create_room(client, host, config={"maxParticipants": 3})
    rid = room["roomId"]
    await join(client, guest, room)
    await join(client, watcher, room, requestedRole="observer")
    await post(client, host, f"/api/rooms/{rid}/control/lock-editor")
    readonly = [
        await _typist(
            live_url,
            rid,
            await _token(client, who, rid),
            tmp_path / f"r{i}.json",
            "--edits",
            "50",
            "--seed",
            str(10 + i),
            "--readonly-expected",
        )
        for i, who in enumerate((watcher, guest))
    ]
    writer = await _typist(
        live_url, rid, await _token(client, host, rid), tmp_path / "w.json", "--edits", "50", "--seed", "3"
    )
    for i, proc in enumerate(readonly):
        result = await _result(proc, tmp_path / f"r{i}.json")
        assert result["ownEditsAccepted"] is False
    final = await _result(writer, tmp_path / "w.json")
    assert final["text"] == await _server_text(app, rid)


async def test_actor_crash_while_typing_loses_no_edit(
    app: FastAPI, client: httpx.AsyncClient, live_url: str, tmp_path: Path
) -> None:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    await join(client, guest, room)
    procs = [
        await _typist(
            live_url,
            rid,
            await _token(client, who, rid),
            tmp_path / f"{i}.json",
            "--edits",
            "600",
            "--rate",
            "150",
            "--seed",
            str(20 + i),
            "--quiet-ms",
            "3000",
        )
        for i, who in enumerate((host, guest))
    ]
    deadline = asyncio.get_running_loop().time() + 60
    while len(await _server_text(app, rid)) < 200:
        assert asyncio.get_running_loop().time() < deadline, "typists never got going"
        await asyncio.sleep(0.2)  # bounded-poll: wait for the typing to be under way
    os.kill(await app.state.rooms.client.pid(rid), signal.SIGKILL)
    a, b = [await _result(p, tmp_path / f"{i}.json") for i, p in enumerate(procs)]
    assert a["text"] == b["text"]
    assert a["text"] == await _server_text(app, rid)
    assert a["reconnects"] + b["reconnects"] >= 1
