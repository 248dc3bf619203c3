"""`syncode up`: the embedded stack for one machine — SecantusDB, a Ray head, the gateway.

Each piece is skipped when its external counterpart is configured (SYNCODE_MONGODB_URI, RAY_ADDRESS).
Children run in the foreground of this process; Ctrl-C (or SIGTERM) stops everything it started.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from actors.ray_config import head_env
from gateway.settings import Config

DB_PORT = 27017
STOP_GRACE_S = 10
RAY_PORT = 6379


def db_command(data_dir: Path, host: str = "127.0.0.1", port: int = DB_PORT) -> list[str]:
    binary = (
        os.environ.get("SYNCODE_DB_BIN")
        or shutil.which("secantusd-py")
        or str(Path(".venv-db/bin/secantusd-py").resolve())
    )
    storage = data_dir / "db"
    storage.mkdir(parents=True, exist_ok=True)
    return [
        binary,
        "--host",
        host,
        "--port",
        str(port),
        "--storage-path",
        str(storage),
        "--log-level",
        "WARNING",
    ]


def wait_for_port(
    host: str, port: int, timeout_s: float, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout_s}s")


def ray_auth_env(data_dir: Path) -> dict[str, str]:
    """Token auth for the embedded cluster: one token per data dir, shared by the head and the gateway."""
    token_path = data_dir / "ray-auth-token"
    if not token_path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        token_path.write_text(secrets.token_hex(32))
        token_path.chmod(0o600)
    return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token_path)}


def ray_head_command(data_dir: Path, port: int = RAY_PORT) -> list[str]:
    ray_bin = str(Path(sys.executable).with_name("ray"))
    temp = data_dir / "ray"
    temp.mkdir(parents=True, exist_ok=True)
    return [
        ray_bin,
        "start",
        "--head",
        "--block",
        f"--port={port}",
        f"--temp-dir={temp}",
        "--include-dashboard=false",
        "--disable-usage-stats",
        "--node-ip-address=127.0.0.1",
    ]


def wait_for_ray(address: str, env: dict[str, str], timeout_s: float, proc: subprocess.Popen[bytes]) -> None:
    """Block until the head answers `ray status` (its port opens before it can serve drivers)."""
    ray_bin = str(Path(sys.executable).with_name("ray"))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ray head exited with {proc.returncode}")
        probe = subprocess.run(
            [ray_bin, "status", f"--address={address}"], env=env, capture_output=True, check=False, timeout=60
        )
        if probe.returncode == 0:
            return
        time.sleep(0.5)
    raise TimeoutError(f"ray head at {address} not ready after {timeout_s}s")


def run_stack(config: Config) -> int:
    """Start what is not configured externally, then the gateway; stop all of it on exit."""
    children: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, _raise_interrupt)
    env = dict(os.environ)
    db_port, ray_port = config.settings.embedded_db_port, config.settings.embedded_ray_port
    try:
        if not config.settings.mongodb_uri:
            db = subprocess.Popen(
                db_command(config.data_dir, port=db_port), start_new_session=True, preexec_fn=_background
            )
            children.append(db)
            wait_for_port("127.0.0.1", db_port, 60, db)
            print(f"database   mongodb://127.0.0.1:{db_port} (data in {config.data_dir / 'db'})", flush=True)
        if not config.settings.ray_address:
            env.update(ray_auth_env(config.data_dir))
            env.update(head_env())
            head = subprocess.Popen(
                ray_head_command(config.data_dir, port=ray_port), env=env, start_new_session=True
            )
            children.append(head)
            wait_for_port("127.0.0.1", ray_port, 90, head)
            wait_for_ray(f"127.0.0.1:{ray_port}", env, 90, head)
            env["RAY_ADDRESS"] = f"127.0.0.1:{ray_port}"
            print(f"ray        {env['RAY_ADDRESS']} (namespace syncode)", flush=True)
        api = f"http://{config.settings.host}:{config.settings.port}"
        print(f"gateway    {api}/api  docs {api}/api/docs  health {api}/api/health", flush=True)
        gateway = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve"], env=env, start_new_session=True
        )
        children.append(gateway)
        return gateway.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(children)


DB_NICENESS = 10


def _background() -> None:  # pragma: no cover - runs in the child between fork and exec
    """The embedded database at a lower CPU priority than the gateway: its writes are batched and
    asynchronous (no keystroke waits for one), while the gateway's socket loop is what a user feels.
    On a saturated 2-core machine (100 typing rooms) the database took ~60-77 % of a core."""
    os.nice(DB_NICENESS)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Stop children newest first (gateway, Ray head, database), each with its whole process group."""
    for child in reversed(children):
        _signal_group(child, signal.SIGTERM)
        try:
            child.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            child.wait(timeout=10)


def _signal_group(child: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, sig)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
