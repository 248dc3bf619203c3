"""Escape attempts, run as the sandbox uid through the real sandbox: network, secrets, the repository,
another job's folder, writing outside /tmp, a fork bomb, a 2 GB allocation, an endless loop, and
processes that try to outlive their job."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from actors.processes import pids_of_uid
from actors.sandbox import Sandbox, run_job, run_once
from engine.execution.languages import SANDBOX_TMP, Language
from engine.execution.limits import Limits
from engine.execution.measurement import Execution
from engine.execution.verdicts import Verdict
from tests.execution.conftest import assert_no_processes, needs_sandbox, solo_sandbox
from tests.support import wait_until

pytestmark = [pytest.mark.anyio, needs_sandbox]

REPO = Path(__file__).resolve().parents[2]
ROOMY = Limits(time_ms=10_000, memory_mb=256)
SLEEPER = "import time\ntime.sleep(60)\n"  # bounded-poll: the sandboxed program sleeps, not the test

PROBE_PATHS = """\
import os, sys
for path in sys.stdin.read().split():
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        print(path, "READABLE")
    except OSError as exc:
        print(path, "denied", type(exc).__name__)
"""


async def _python(sandbox: Sandbox, source: str, stdin: str = "", limits: Limits = ROOMY) -> Execution:
    result = await run_once(Language.PYTHON, source, stdin, limits, sandbox=sandbox)
    run = result.cases[0].execution
    assert run is not None, result.compile.message
    return run


def _host_addresses() -> list[str]:
    found: set[str] = set()
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: picks the outgoing address, sends nothing
        found.add(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        found.update(socket.gethostbyname_ex(socket.gethostname())[2])
    return sorted(address for address in found if not address.startswith("127."))


@contextlib.contextmanager
def _listener(address: str) -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind((address, 0))
        server.listen()
        server.setblocking(False)
        yield server


@pytest.mark.parametrize("where", ["loopback", "host address"])
async def test_escape_network_is_unreachable(sandbox: Sandbox, where: str) -> None:
    addresses = ["127.0.0.1"] if where == "loopback" else _host_addresses()[:1]
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address")
    probe = """\
import socket, sys
host, port = sys.stdin.read().split()
try:
    socket.create_connection((host, int(port)), timeout=3).close()
    print("CONNECTED")
except OSError as exc:
    print("blocked", exc.errno)
"""
    with _listener(addresses[0]) as server:
        run = await _python(sandbox, probe, f"{addresses[0]} {server.getsockname()[1]}")
        assert run.stdout.startswith("blocked"), run.stdout + run.stderr
        with pytest.raises(BlockingIOError):
            server.accept()


async def test_escape_sandbox_identity_is_unprivileged_and_isolated(tmp_path: Path) -> None:
    uid = 61121
    probe = """\
import os, socket
print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups())
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(status["CapEff"].strip(), status["CapPrm"].strip(), status["NoNewPrivs"].strip())
print(sorted(int(pid) for pid in os.listdir("/proc") if pid.isdigit()))
print(socket.gethostname(), [name for _, name in socket.if_nameindex()])
print(sorted(os.environ))
"""
    run = await _python(solo_sandbox(tmp_path, uid), probe)
    ids, caps, pids, net, env = run.stdout.splitlines()
    assert ids == f"{uid} {uid} {uid} []"
    assert caps == "0000000000000000 0000000000000000 1"
    assert pids == "[1]"
    assert net == "sandbox ['lo']"
    assert env == "['HOME', 'LANG', 'PATH', 'PWD']"


async def test_escape_user_namespaces_and_kernel_extras_are_refused(sandbox: Sandbox) -> None:
    probe = """\
import ctypes, threading
libc = ctypes.CDLL(None, use_errno=True)
print("unshare user", libc.unshare(0x10000000), ctypes.get_errno())
print("keyctl", libc.syscall(250, 0), ctypes.get_errno())
done = []
thread = threading.Thread(target=done.append, args=(1,))
thread.start()
thread.join()
print("thread", done)
"""
    run = await _python(sandbox, probe)
    assert run.stdout.splitlines() == ["unshare user -1 1", "keyctl -1 1", "thread [1]"], run.stderr


async def test_escape_secrets_and_the_repository_are_unreadable(sandbox: Sandbox) -> None:
    targets = [
        "/etc/shadow",
        "/etc/passwd",
        "/root",
        "/root/.bashrc",
        "/home",
        str(REPO),
        str(REPO / "pyproject.toml"),
        str(REPO / ".venv" / "bin" / "python"),
        str(REPO / ".data"),
        str(sandbox.config.base_dir),
        "/sys/fs/cgroup",
        "/var/run",
    ]
    run = await _python(sandbox, PROBE_PATHS, "\n".join(targets))
    verdicts = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    assert set(verdicts) == set(targets), run.stderr
    assert not [path for path, verdict in verdicts.items() if verdict == "READABLE"]


async def test_escape_another_jobs_folder_is_unreadable_and_cancelled_jobs_clean_up(tmp_path: Path) -> None:
    victim_uid, intruder_uid = 61122, 61123
    victim, intruder = solo_sandbox(tmp_path, victim_uid), solo_sandbox(tmp_path, intruder_uid)
    long_job = Limits(time_ms=1000, memory_mb=64, wall_ms=60_000)

    def victim_dirs() -> list[Path]:
        return list(tmp_path.glob(f"job-{victim_uid}-*"))

    async def victim_running() -> bool:
        return bool(victim_dirs()) and bool(pids_of_uid(victim_uid))

    async with asyncio.TaskGroup() as tasks:
        job = tasks.create_task(run_once(Language.PYTHON, SLEEPER, "", long_job, sandbox=victim))
        await wait_until(victim_running, timeout_s=30)
        (folder,) = victim_dirs()
        targets = [str(folder), str(folder / "main.py"), str(tmp_path)]
        run = await _python(intruder, PROBE_PATHS, "\n".join(targets))
        job.cancel()
    assert run.stdout.count("denied") == 3, run.stdout + run.stderr
    assert job.cancelled()
    assert not folder.exists()
    assert_no_processes(victim_uid)
    assert_no_processes(intruder_uid)


async def test_escape_nothing_outside_tmp_is_writable(sandbox: Sandbox) -> None:
    probe = """\
import os
for root, dirs, _ in os.walk("/"):
    if root in ("/proc", "/sys"):
        dirs[:] = []
        continue
    if os.access(root, os.W_OK):
        print("WRITABLE", root)
for path in ("/x", "/usr/x", "/etc/x", "/work/x", "/dev/shm/x", "/dev/x", "/tmp/x"):
    try:
        open(path, "w").close()
        print("wrote", path)
    except OSError:
        print("refused", path)
"""
    run = await _python(sandbox, probe)
    writable = [line.split(" ", 1)[1] for line in run.stdout.splitlines() if line.startswith("WRITABLE")]
    assert writable == [SANDBOX_TMP], run.stdout + run.stderr
    wrote = [line.split(" ", 1)[1] for line in run.stdout.splitlines() if line.startswith("wrote")]
    assert wrote == [f"{SANDBOX_TMP}/x"]


async def _prompt_work_s() -> float:
    started = time.perf_counter()
    sum(range(200_000))
    await asyncio.sleep(0)  # bounded-poll: one event-loop turn, measuring responsiveness
    return time.perf_counter() - started


async def test_escape_fork_bomb_is_contained_and_the_machine_stays_responsive(tmp_path: Path) -> None:
    uid = 61124
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    limits = Limits(time_ms=2000, memory_mb=64, processes=32)
    crowd: list[int] = []

    async def crowded() -> bool:
        crowd.append(len(pids_of_uid(uid)))
        return crowd[-1] >= 16

    async with asyncio.TaskGroup() as tasks:
        job = tasks.create_task(
            run_once(Language.PYTHON, bomb, "", limits, sandbox=solo_sandbox(tmp_path, uid))
        )
        await wait_until(crowded, timeout_s=30, step_s=0.01)
        work = [await _prompt_work_s() for _ in range(5)]
        crowd.extend(len(pids_of_uid(uid)) for _ in range(20))
    assert max(work) < 1.0, work
    assert max(crowd) <= limits.processes
    assert job.result().cases[0].verdict in {Verdict.TIME_LIMIT_EXCEEDED, Verdict.RUNTIME_ERROR}
    assert_no_processes(uid)


async def test_escape_two_gigabyte_allocation_is_refused(sandbox: Sandbox) -> None:
    run = await _python(sandbox, "buffer = bytearray(2 * 1024**3)\nprint('allocated')\n")
    assert "allocated" not in run.stdout
    assert "MemoryError" in run.stderr
    assert run.peak_memory_kb < 256 * 1024
    c_source = """\
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    size_t size = (size_t)2 << 30;
    char *block = malloc(size);
    if (!block) { puts("refused"); return 1; }
    memset(block, 1, size);
    puts("allocated");
    return 0;
}
"""
    result = await run_job(Language.C, c_source, [("", None)], ROOMY, sandbox=sandbox)
    case = result.cases[0]
    assert case.execution is not None, result.compile.message
    assert case.execution.stdout == "refused\n"
    assert case.verdict is Verdict.RUNTIME_ERROR


async def test_escape_endless_loop_is_killed(tmp_path: Path) -> None:
    uid = 61125
    limits = Limits(time_ms=1000, memory_mb=64)
    result = await run_once(
        Language.PYTHON, "while True:\n    pass\n", "", limits, sandbox=solo_sandbox(tmp_path, uid)
    )
    case = result.cases[0]
    assert case.verdict is Verdict.TIME_LIMIT_EXCEEDED
    assert case.execution is not None
    assert case.execution.wall_ms < limits.wall_limit_ms + 5000
    assert_no_processes(uid)


@pytest.mark.parametrize("ending", ["exits", "times out"])
async def test_escape_no_process_outlives_its_job(tmp_path: Path, ending: str) -> None:
    uid = 61126
    source = f"""\
import os, signal, time
signal.signal(signal.SIGHUP, signal.SIG_IGN)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(120)  # bounded-poll: a sandboxed orphan that must be killed
    os._exit(0)
print("parent", flush=True)
while {ending == "times out"}:
    pass
"""
    limits = Limits(time_ms=1000, memory_mb=64)
    run = await _python(solo_sandbox(tmp_path, uid), source, limits=limits)
    assert run.stdout == "parent\n"
    over_time = run.timed_out or run.cpu_ms > limits.time_ms
    assert (over_time, run.exit_code == 0) == ((True, False) if ending == "times out" else (False, True))
    assert_no_processes(uid)
    assert not await asyncio.to_thread(lambda: list(tmp_path.glob("job-*")))
