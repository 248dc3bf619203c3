"""The suite's own safety nets, run in a child pytest: a timed-out async test fails alone (the next one
gets a working event loop and session fixtures), and children the session started die with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

SESSION_TESTS = """
import asyncio
import time

import anyio
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
async def shared() -> list[int]:
    return [1]


@pytest.mark.timeout(2)
async def test_a_hangs_in_a_thread(shared: list[int]) -> None:
    await asyncio.to_thread(time.sleep, 6)  # the loop waits in select() meanwhile


@pytest.mark.timeout(2)
async def test_b_hangs_in_the_loop(shared: list[int]) -> None:
    await anyio.sleep(60)


async def test_c_runs_after(shared: list[int]) -> None:
    await anyio.sleep(0.01)
    assert shared == [1]


async def test_d_runs_after_too(shared: list[int]) -> None:
    assert shared == [1]
"""

ORPHAN_TEST = """
import os
import sys
import time

from tests import processes


def test_spawn_then_die(tmp_path) -> None:
    child = processes.spawn([sys.executable, "-c", "import time; time.sleep(600)"])  # bounded-poll: a hang
    (tmp_path.parent / "child.pid").write_text(str(child.pid))
    time.sleep(600)  # bounded-poll: the child session hangs here until it is killed
"""


def _pytest(folder: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        *args,
        str(folder),
    ], env


def test_deadlines_timed_out_async_test_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "test_session.py").write_text(SESSION_TESTS)
    argv, env = _pytest(tmp_path, "-p", "tests.deadlines", "-o", "timeout=30")
    result = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert "2 failed, 2 passed" in out, out
    assert "WouldBlock" not in out, out
    assert "ran past its 2 s deadline" in out, out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_processes_children_die_with_a_killed_session(tmp_path: Path) -> None:
    (tmp_path / "test_orphan.py").write_text(ORPHAN_TEST)
    argv, env = _pytest(tmp_path, "-o", "timeout=0", "--basetemp", str(tmp_path / "base"))
    session = subprocess.Popen(
        argv, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    pid_file = tmp_path / "base" / "child.pid"
    deadline = time.monotonic() + 60
    while not pid_file.exists():
        assert time.monotonic() < deadline and session.poll() is None, "the child session never spawned"
        time.sleep(0.05)  # bounded-poll on a file another process writes
    child = int(pid_file.read_text())
    assert _alive(child)
    session.send_signal(signal.SIGKILL)
    session.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(child):
        assert time.monotonic() < deadline, "the session's child outlived it"
        time.sleep(0.05)  # bounded-poll
