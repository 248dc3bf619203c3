"""One sandboxed process of a slot uid: start it, drain and cap its output, enforce its wall clock,
measure it, and kill whatever of the slot is left.

Measurement, per sandboxed process (host command: [cgroup join] -> GNU time -> bwrap -> program):
- wall time: the event loop's monotonic clock from spawn until the pidfd reports exit (includes the
  wrappers' and bwrap's setup, a few milliseconds);
- CPU time: `os.wait4` on the spawned process: user + system time of the whole tree. The program runs
  as pid 1 of its pid namespace (`--as-pid-1`): bwrap reaps it, and the namespace's other processes are
  reaped before it exits, so every process's time reaches the rusage;
- peak memory: what GNU time reports for bwrap (`%M`, from its own wait4): the largest resident set of
  any one process of the tree (not a sum). Our own wait4 cannot be used for this: a child forked from
  the runner inherits the runner's resident-set high-water mark in `ru_maxrss`;
- output: stdout and stderr are drained concurrently and capped (64 KiB each by default); a stream
  passing its cap marks the run truncated and kills it.
Processes are started with `subprocess.Popen(close_fds=True)` (bwrap passes every inherited fd on to
the program) but reaped here with `os.wait4` once their pidfd is readable, never by asyncio's child
watcher, which would discard the rusage.

Kill and cleanup: on the wall-clock limit, an output overflow or cancellation every process of the slot
uid gets SIGKILL through a pidfd (the program is pid 1, so its whole namespace goes with it) and bwrap
reaps it and exits on its own (killing bwrap first would orphan the program as a zombie). After every
process the runner checks that no process of the slot uid (or of the job's pids cgroup) remains, killing
and awaiting any it finds; the same sweep runs before a slot is used. A v1 `pids` cgroup is used when
`/sys/fs/cgroup/pids` is writable: one per job, `pids.max` set per step, removed at the end. The work dir
is deleted when the job ends. If the runner process itself dies mid-run, nothing enforces the wall
clock any more (a parent-death signal cannot reach the slot uid: it is cleared by the uid switch, and
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import signal
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from engine.execution.limits import Limits
from engine.execution.measurement import (
    Execution,
    launcher_failure,
    peak_from_report,
    sandbox_started,
    split_exit_code,
)
from engine.execution.sandbox import SANDBOX_PATH, HostFds

log = logging.getLogger(__name__)

KILL_GRACE_S: Final = 10.0
SWEEP_ROUNDS: Final = 5
READ_CHUNK_BYTES: Final = 64 * 1024
STATUS_CAP_BYTES: Final = 4096


class SandboxUnavailableError(RuntimeError):
    """The machine cannot sandbox (not root, bubblewrap missing): an infrastructure failure to retry."""


def _real_uid(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def pids_of_uid(uid: int) -> set[int]:
    """Every process (any state) whose real uid is `uid`, read from /proc/<pid>/status."""
    return {
        int(entry.name)
        for entry in os.scandir("/proc")
        if entry.name.isdigit() and _real_uid(entry.name) == uid
    }


def _cgroup_pids(cgroup: Path | None) -> set[int]:
    if cgroup is None:
        return set()
    try:
        return {int(line) for line in (cgroup / "cgroup.procs").read_text().split()}
    except OSError:
        return set()


async def _readable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


def _belongs(pid: int, uid: int, cgroup: Path | None) -> bool:
    """The process runs as the slot uid, or sits in the job's cgroup."""
    if _real_uid(str(pid)) == uid:
        return True
    if cgroup is None:
        return False
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return False
    return any(":pids:" in line and line.endswith(f"/{cgroup.name}") for line in lines)


def _kill(pids: Iterable[int], uid: int, cgroup: Path | None = None) -> list[int]:
    """SIGKILL each process of the job through a pidfd; returns the open pidfds. Ownership is checked
    after the pidfd is open (it pins the process), so a pid recycled since the scan is never hit."""
    handles = []
    for pid in pids:
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        if not _belongs(pid, uid, cgroup):
            os.close(handle)
            continue
        handles.append(handle)
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(handle, signal.SIGKILL)
    return handles


async def sweep(uid: int, cgroup: Path | None = None, grace_s: float = KILL_GRACE_S) -> None:
    """Kill every process of the slot uid and of the job's cgroup, and wait until they have exited."""
    for _ in range(SWEEP_ROUNDS):
        pids = pids_of_uid(uid) | _cgroup_pids(cgroup)
        if not pids:
            return
        handles = _kill(pids, uid, cgroup)
        try:
            async with asyncio.timeout(grace_s):
                await asyncio.gather(*(_readable(handle) for handle in handles))
        except TimeoutError:
            continue
        finally:
            for handle in handles:
                os.close(handle)
    log.warning("sandbox slot %d: processes %s survive SIGKILL", uid, sorted(pids_of_uid(uid)))


ArgvFor = Callable[[HostFds], Sequence[str]]


@dataclass
class _Spawned:
    popen: subprocess.Popen[bytes]
    pidfd: int
    stdout: int
    stderr: int
    status: int
    report: int
    started: float

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def reaped(self) -> bool:
        return self.popen.returncode is not None

    def close(self) -> None:
        for fd in (self.pidfd, self.stdout, self.stderr, self.status, self.report):
            with contextlib.suppress(OSError):
                os.close(fd)


def _memory_file(data: bytes, name: str) -> int:
    fd = os.memfd_create(name)
    with open(fd, "wb", closefd=False) as stream:
        stream.write(data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _spawn(argv_for: ArgvFor, stdin: bytes, seccomp: bytes | None) -> _Spawned:
    """Start the host command with exactly stdin, stdout, stderr, the two report pipes and the seccomp
    filter open (`close_fds`: bwrap hands every inherited fd on to the program), in a new session."""
    stdin_fd = _memory_file(stdin, "stdin")
    filter_fd = _memory_file(seccomp, "seccomp") if seccomp is not None else None
    pipes = [os.pipe() for _ in range(4)]
    (out_r, out_w), (err_r, err_w), (status_r, status_w), (report_r, report_w) = pipes
    argv = argv_for(HostFds(status=status_w, report=report_w, seccomp=filter_fd))
    started = asyncio.get_running_loop().time()
    try:
        popen = subprocess.Popen(  # noqa: S603 - argv is built by engine.execution.sandbox, no shell
            argv,
            stdin=stdin_fd,
            stdout=out_w,
            stderr=err_w,
            pass_fds=(status_w, report_w) if filter_fd is None else (status_w, report_w, filter_fd),
            start_new_session=True,
            env={"PATH": SANDBOX_PATH},
        )
    except OSError as exc:
        for read, _ in pipes:
            os.close(read)
        raise SandboxUnavailableError(f"cannot start {argv[0]}: {exc}") from exc
    finally:
        for fd in (stdin_fd, out_w, err_w, status_w, report_w, filter_fd):
            if fd is not None:
                os.close(fd)
    for read, _ in pipes:
        os.set_blocking(read, False)
    return _Spawned(popen, os.pidfd_open(popen.pid), out_r, err_r, status_r, report_r, started)


async def _drain(fd: int, cap: int, overflow: asyncio.Event | None, tail: bool = False) -> tuple[bytes, bool]:
    """Read `fd` to EOF keeping the first `cap` bytes (the last ones with `tail`); past the cap, set
    `overflow`."""
    kept = bytearray()
    seen = 0
    while True:
        await _readable(fd)
        try:
            chunk = os.read(fd, READ_CHUNK_BYTES)
        except BlockingIOError:
            continue
        if not chunk:
            return bytes(kept), seen > cap
        seen += len(chunk)
        kept = (kept + chunk)[-cap:] if tail else kept + chunk[: max(cap - len(kept), 0)]
        if seen > cap and overflow is not None:
            overflow.set()


async def _await_exit(
    proc: _Spawned, uid: int, wall_s: float, overflow: asyncio.Event, grace_s: float
) -> bool:
    """Wait for bwrap to exit; past the wall clock or on an output overflow, kill the slot's processes
    (the program is pid 1 of its namespace, so all of them die) and let bwrap exit. True on timeout."""
    exited = asyncio.ensure_future(_readable(proc.pidfd))
    stopped = asyncio.ensure_future(overflow.wait())
    try:
        done, _ = await asyncio.wait({exited, stopped}, timeout=wall_s, return_when=asyncio.FIRST_COMPLETED)
        if exited in done:
            return False
        for handle in _kill(pids_of_uid(uid), uid):
            os.close(handle)
        try:
            await asyncio.wait_for(asyncio.shield(exited), grace_s)
        except TimeoutError:
            os.killpg(proc.pid, signal.SIGKILL)  # still in bwrap's setup, before the uid switch
            await exited
        return stopped not in done
    finally:
        exited.cancel()
        stopped.cancel()


def _reap(proc: _Spawned) -> tuple[int | None, int | None, resource.struct_rusage]:
    """wait4 (pidfd said it exited, so this does not block); Popen is told, so it never waits itself."""
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    proc.popen.returncode = code
    if code < 0:
        return None, -code, usage
    exit_code, number = split_exit_code(code)
    return exit_code, number, usage


async def _abort(proc: _Spawned, uid: int, grace_s: float) -> None:
    """Cancelled or failed mid-run: kill the slot's processes and let bwrap reap them and exit (killing
    bwrap first would orphan the program, leaving a zombie for the machine's init)."""
    for handle in _kill(pids_of_uid(uid), uid):
        os.close(handle)
    try:
        async with asyncio.timeout(grace_s):
            await _readable(proc.pidfd)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    _reap(proc)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


async def _supervise(
    proc: _Spawned, uid: int, limits: Limits, cgroup: Path | None, grace_s: float
) -> Execution:
    loop = asyncio.get_running_loop()
    overflow = asyncio.Event()
    async with asyncio.TaskGroup() as tasks:
        out = tasks.create_task(_drain(proc.stdout, limits.output_bytes, overflow))
        err = tasks.create_task(_drain(proc.stderr, limits.output_bytes, overflow))
        status = tasks.create_task(_drain(proc.status, STATUS_CAP_BYTES, None))
        report = tasks.create_task(_drain(proc.report, STATUS_CAP_BYTES, None, tail=True))
        timed_out = await _await_exit(proc, uid, limits.wall_limit_ms / 1000, overflow, grace_s)
        wall_ms = round((loop.time() - proc.started) * 1000)
        exit_code, number, usage = _reap(proc)
        await sweep(uid, cgroup, grace_s)
        async with asyncio.timeout(grace_s):  # EOF follows once every process of the job is gone
            await asyncio.gather(out, err, status, report)
    (stdout, stdout_cut), (stderr, stderr_cut) = out.result(), err.result()
    return Execution(
        exit_code=exit_code,
        signal=number,
        wall_ms=wall_ms,
        cpu_ms=round((usage.ru_utime + usage.ru_stime) * 1000),
        peak_memory_kb=peak_from_report(_text(report.result()[0])),
        stdout=_text(stdout),
        stderr=_text(stderr),
        stdout_truncated=stdout_cut,
        stderr_truncated=stderr_cut,
        timed_out=timed_out,
        sandbox_error=launcher_failure(exit_code, _text(stderr), sandbox_started(_text(status.result()[0]))),
    )


async def execute(
    argv_for: ArgvFor,
    stdin: bytes,
    uid: int,
    limits: Limits,
    cgroup: Path | None = None,
    grace_s: float = KILL_GRACE_S,
    seccomp: bytes | None = None,
) -> Execution:
    """Run one host command line (`host_argv`, given the fds) to its end and measure it."""
    proc = _spawn(argv_for, stdin, seccomp)
    try:
        return await _supervise(proc, uid, limits, cgroup, grace_s)
    finally:
        if not proc.reaped:
            await _abort(proc, uid, grace_s)
        proc.close()
