"""Graceful drain of a real gateway process (`syncode serve`) with typing Yjs peers on it: `syncode drain`
(SIGTERM by pid file) → health says `draining`, a new socket is closed with 4011 at once, every room
socket is closed with 4011, the peers reconnect through the session's gateway and converge with the
server with no edit lost, a request in flight completes normally after the listener closed, and the
process exits 0 within a bound."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from actors import deploy
from gateway.cli import main, pid_file
from gateway.services import Services
from gateway.ws import codes
from tests import processes
from tests.conftest import ROOT
from tests.gateway.rooms_support import create_room, join
from tests.gateway.ws_support import close_code, open_socket
from tests.ops.peers_support import collab_token, connect_typist, converge, server_text
from tests.support import Account, register, wait_until

pytestmark = pytest.mark.anyio
GRACE_S = 1.5
"""`--drain-grace-s`: how long the drained gateway keeps listening (health `draining`) after the drain."""
EXIT_BOUND_S = 15.0


@dataclass
class Gateway:
    proc: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
async def gateway(services: Services, tmp_path: Path) -> AsyncIterator[Gateway]:
    """A second gateway process on its own port, joined to the session's Ray and database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    settings = services.config.settings
    env = {
        **os.environ,
        "RAY_ADDRESS": deploy.cluster_address(),
        "SYNCODE_MONGODB_URI": services.config.mongodb_uri,
        "SYNCODE_MONGODB_DATABASE": settings.mongodb_database,
        "SYNCODE_DATA_DIR": str(services.config.data_dir),
        "SYNCODE_PORT": str(port),
        "SYNCODE_SEED_ON_START": "false",
        "PYTHONFAULTHANDLER": "1",
        "SYNCODE_ROOM_SPARE_SLOTS": str(settings.room_spare_slots),
        "SYNCODE_ROOMS_PER_HOST": str(settings.rooms_per_host),
    }
    argv = [sys.executable, "-m", "gateway.cli", "serve", "--drain-grace-s", str(GRACE_S)]
    with (tmp_path / "gateway.log").open("wb") as log:
        proc = processes.spawn(argv, cwd=ROOT, env=env, stdout=log, stderr=log)
    started = Gateway(proc, port)

    async def healthy() -> bool:
        assert proc.poll() is None, (tmp_path / "gateway.log").read_text()[-3000:]
        try:
            async with httpx.AsyncClient() as http:
                response = await http.get(f"http://{started.base}/api/health", timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    try:
        await wait_until(healthy, timeout_s=90, step_s=0.2)
        yield started
    finally:
        await asyncio.to_thread(processes.stop, proc)


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


async def _login_in_flight(
    base: str, who: Account, sent: asyncio.Event, release: asyncio.Event
) -> httpx.Response:
    """A login whose body is finished only when `release` is set: in flight on the server meanwhile (on
    a connection the server has already served a request on, so it is accepted, not in the backlog).
    `sent` is set once its headers and the first half of the body are on the wire."""
    body = json.dumps({"identifier": who.username, "password": who.password}).encode()
    half = len(body) // 2

    async def content() -> AsyncIterator[bytes]:
        yield body[:half]
        sent.set()  # httpx asks for the next chunk after it wrote the first
        await release.wait()
        yield body[half:]

    async with httpx.AsyncClient(base_url=f"http://{base}", timeout=60) as http:
        warm = await http.get("/api/users/me", headers=who.headers)
        assert warm.status_code == 200, warm.text
        headers = {"content-type": "application/json", "content-length": str(len(body))}
        return await http.post("/api/auth/login", content=content(), headers=headers)


async def test_drain_moves_sockets_finishes_requests_and_exits_zero(
    app: FastAPI,
    client: httpx.AsyncClient,
    live_url: str,
    gateway: Gateway,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SYNCODE_DATA_DIR", str(app.state.services.config.data_dir))
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    assert (await join(client, guest, room)).status_code == 200
    assert pid_file(app.state.services.config.data_dir, gateway.port).read_text().strip() == str(
        gateway.proc.pid
    )
    typists = [
        await connect_typist(gateway.base, rid, await collab_token(client, who, rid), tag)
        for who, tag in ((host, "h"), (guest, "g"))
    ]
    typing = [asyncio.create_task(t.type_until_closed()) for t in typists]

    async def under_way() -> bool:
        text = await server_text(app, rid)
        return "<h3>" in text and "<g3>" in text

    await wait_until(under_way, timeout_s=20)
    sent, release = asyncio.Event(), asyncio.Event()
    in_flight = asyncio.create_task(_login_in_flight(gateway.base, guest, sent, release))
    await asyncio.wait_for(sent.wait(), 10)
    started = time.monotonic()
    drained = asyncio.create_task(asyncio.to_thread(main, ["drain", "--port", str(gateway.port)]))

    async with httpx.AsyncClient(base_url=f"http://{gateway.base}") as fresh:

        async def reports_draining() -> bool:
            response = await fresh.get("/api/health", timeout=5)
            return response.status_code == 503 and response.json()["status"] == "draining"

        await wait_until(reports_draining, timeout_s=10)
    late = await open_socket(gateway.base, rid, typists[0].token, join=False)
    assert await close_code(late, timeout_s=10) == codes.RESYNC
    assert await asyncio.wait_for(asyncio.gather(*typing), 10) == [codes.RESYNC, codes.RESYNC]

    for typist in typists:  # the load balancer's next pick: the session's own gateway
        await typist.reconnect(live_url, rid)
        await typist.type_some(5)
    text = await converge(app, rid, typists)
    assert all(chunk in text for t in typists for chunk in t.chunks)

    await wait_until(lambda: _closed(gateway.port), timeout_s=10)  # the listener is gone...
    assert not in_flight.done()
    release.set()  # ...and the request that was in flight still completes
    response = await asyncio.wait_for(in_flight, 10)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["id"] == guest.id
    assert await asyncio.wait_for(drained, EXIT_BOUND_S) == 0
    assert gateway.proc.wait(timeout=EXIT_BOUND_S) == 0
    elapsed = time.monotonic() - started
    assert elapsed < EXIT_BOUND_S
    assert f"draining gateway pid {gateway.proc.pid}" in capsys.readouterr().out
    print(f"\ndrain: SIGTERM to exit {elapsed:.2f} s (grace {GRACE_S} s)")  # noqa: T201 - the figure
    assert not pid_file(app.state.services.config.data_dir, gateway.port).exists()
    for typist in typists:
        await typist.peer.ws.close()


async def _closed(port: int) -> bool:
    return not await _listening(port)


def test_drain_without_a_running_gateway_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SYNCODE_DATA_DIR", str(tmp_path))
    assert main(["drain", "--port", "1"]) == 1
    pid_file(tmp_path, 1).write_text("999999999\n")
    assert main(["drain", "--port", "1"]) == 1
