"""`syncode up` (what `make run` starts): embedded SecantusDB, a Ray head and the gateway, healthy,
then stopped completely by Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import free_port

ROOT = Path(__file__).resolve().parent.parent


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(predicate: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.5)  # bounded-poll
    return False


def _healthy(url: str) -> bool:
    try:
        response = httpx.get(url, timeout=5)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.json()["status"] == "ok"


def test_stack_up_is_healthy_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    db_port, ray_port, api_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYNCODE_", "RAY_"))}
    env.update(
        {
            "SYNCODE_DATA_DIR": str(ROOT / ".data" / f"test-{os.getpid()}" / "stack"),
            "SYNCODE_PORT": str(api_port),
            "SYNCODE_EMBEDDED_DB_PORT": str(db_port),
            "SYNCODE_EMBEDDED_RAY_PORT": str(ray_port),
            "SYNCODE_ROOM_SPARE_SLOTS": "1",
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "up"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert _wait(lambda: _healthy(f"http://127.0.0.1:{api_port}/api/health"), 120), (
            "stack never became healthy"
        )
        assert _listening(db_port) and _listening(ray_port)
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
        assert _wait(lambda: not any(_listening(p) for p in (db_port, ray_port, api_port)), 60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert f"mongodb://127.0.0.1:{db_port}" in output
    assert f"http://127.0.0.1:{api_port}/api/health" in output
