"""The sandboxed code runner: compile once, run every test case, measure each run, leave nothing behind.

Each job takes a slot uid (61001..61016 by default) for its whole life, so concurrent jobs never share
a uid: in this process a `SlotPool` hands them out; across processes on the machine an abstract unix
socket named after the uid is the lock (the kernel drops it when its holder dies). The job gets a fresh
work dir (owned by the slot uid, mode 0700, under a root-only base dir), compiles once in the sandbox
(work dir writable, `COMPILE_LIMITS`), then runs each case in a new sandbox (work dir read-only, so a
case cannot leave files for the next one; /tmp is a fresh size-limited tmpfs). The command lines come
from `engine.execution.sandbox`; the seccomp filter from `engine.execution.seccomp` (x86_64 only).

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
bwrap drops the capability to signal other uids); RLIMIT_CPU still bounds a busy program, and the next
job on that slot kills whatever is left before it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from engine.execution.languages import (
    Language,
    LanguageSpec,
    compile_command,
    resolve_env,
    run_command,
    source_file_name,
    spec_for,
)
from engine.execution.limits import COMPILE_LIMITS, Limits, clamped
from engine.execution.measurement import (
    Execution,
    launcher_failure,
    peak_from_report,
    sandbox_started,
    split_exit_code,
)
from engine.execution.results import CaseResult, CompileResult, JobResult
from engine.execution.sandbox import (
    ETC_PATHS,
    MEASURE_TOOL,
    ROOT_DIRS,
    SANDBOX_PATH,
    SANDBOX_WORK_DIR,
    HostFds,
    HostLayout,
    SandboxStep,
    host_argv,
    process_limits,
)
from engine.execution.seccomp import filter_program
from engine.execution.verdicts import Verdict, case_verdict, compile_verdict, job_verdict

log = logging.getLogger(__name__)

SLOT_UIDS: Final = tuple(range(61001, 61017))
KILL_GRACE_S: Final = 10.0
SWEEP_ROUNDS: Final = 5
FOREIGN_SLOT_POLL_S: Final = 0.05
READ_CHUNK_BYTES: Final = 64 * 1024
STATUS_CAP_BYTES: Final = 4096
CGROUP_PID_MARGIN: Final = 4
PIDS_CGROUP_ROOT: Final = Path("/sys/fs/cgroup/pids")
SECCOMP_MACHINE: Final = "x86_64"
DEFAULT_TYPESCRIPT_DIR: Final = (
    Path(__file__).resolve().parent.parent / ".data" / "node" / "node_modules" / "typescript"
)
Case = tuple[str, str | None]


class SandboxUnavailableError(RuntimeError):
    """The machine cannot sandbox (not root, bubblewrap missing): an infrastructure failure to retry."""


@dataclass(frozen=True)
class SandboxConfig:
    """Slot uids (non-root, one job each at a time), the root-only base of the job dirs, the TypeScript
    package to mount, and the v1 pids cgroup root (None: RLIMIT_NPROC alone caps processes; the cgroup
    costs node about 13 ms per start on a v1 hierarchy, nothing measurable for native programs)."""

    uids: tuple[int, ...] = SLOT_UIDS
    base_dir: Path = Path(tempfile.gettempdir()) / "syncode-sandbox"
    typescript_dir: Path | None = DEFAULT_TYPESCRIPT_DIR
    pids_cgroup_root: Path | None = PIDS_CGROUP_ROOT
    kill_grace_s: float = KILL_GRACE_S


# --- slots -------------------------------------------------------------------------------------------


def _machine_lock(uid: int) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(f"\0syncode-sandbox-slot-{uid}")
    except OSError:
        sock.close()
        return None
    return sock


class SlotPool:
    """Slot uids, one job each at a time; waiters are served in order."""

    def __init__(self, uids: Iterable[int]) -> None:
        self._free = deque(uids)
        self._waiters: deque[asyncio.Future[None]] = deque()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        uid, lock = await self._acquire()
        try:
            yield uid
        finally:
            lock.close()
            self._free.append(uid)
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    break

    def _claim(self) -> tuple[int, socket.socket] | None:
        for _ in range(len(self._free)):
            uid = self._free.popleft()
            lock = _machine_lock(uid)
            if lock is not None:
                return uid, lock
            self._free.append(uid)
        return None

    async def _acquire(self) -> tuple[int, socket.socket]:
        while (claimed := self._claim()) is None:
            if self._free:  # every free uid is held by another process: nothing signals its release
                await asyncio.sleep(FOREIGN_SLOT_POLL_S)  # bounded-poll
                continue
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter
        return claimed


# --- processes of a slot -------------------------------------------------------------------------------


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


# --- one sandboxed process -----------------------------------------------------------------------------


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


# --- jobs ---------------------------------------------------------------------------------------------


def detect_layout(typescript_dir: Path | None) -> HostLayout:
    symlinks = {path: os.readlink(path) for path in ROOT_DIRS if os.path.islink(path)}
    present = frozenset(path for path in (*ROOT_DIRS, *ETC_PATHS) if os.path.exists(path))
    usable = typescript_dir is not None and (typescript_dir / "bin" / "tsc").is_file()
    return HostLayout(symlinks, present, str(typescript_dir) if usable else None)


def _cgroups_usable(root: Path | None) -> bool:
    return root is not None and (root / "cgroup.procs").is_file() and os.access(root, os.W_OK)


def _make_cgroup(root: Path, uid: int) -> Path | None:
    path = root / f"syncode-{os.getpid()}-{uid}"
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        log.warning("sandbox: no pids cgroup at %s: %s", path, exc)
        return None
    return path


def _remove_cgroup(path: Path) -> None:
    try:
        path.rmdir()
    except OSError as exc:
        log.warning("sandbox: cannot remove cgroup %s: %s", path, exc)


def _make_work_dir(base: Path, uid: int, file_name: str, source: str) -> Path:
    """A fresh dir owned by the slot uid (0700) holding the source (0600), under a root-only base."""
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    work = Path(tempfile.mkdtemp(prefix=f"job-{uid}-", dir=base))
    path = work / file_name
    path.write_text(source, encoding="utf-8")
    for target, mode in ((path, 0o600), (work, 0o700)):
        os.chown(target, uid, uid)
        os.chmod(target, mode)
    return work


def _check_host() -> None:
    if os.geteuid() != 0:
        raise SandboxUnavailableError("the sandbox starts as root to switch to a slot uid")
    missing = [tool for tool in ("bwrap", "setpriv", "prlimit", MEASURE_TOOL) if shutil.which(tool) is None]
    if missing:
        raise SandboxUnavailableError(f"missing on this machine: {', '.join(missing)}")


@dataclass(frozen=True)
class _Job:
    uid: int
    work_dir: Path
    cgroup: Path | None


class Sandbox:
    """Runs jobs in the sandbox; owns the slot pool. One per process is enough (`default_sandbox`)."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        if any(uid <= 0 for uid in self.config.uids):
            raise ValueError("slot uids must be non-root")
        self._slots = SlotPool(self.config.uids)
        self.layout = detect_layout(self.config.typescript_dir)
        self.cgroups = _cgroups_usable(self.config.pids_cgroup_root)
        self.seccomp = filter_program() if platform.machine() == SECCOMP_MACHINE else None
        if self.seccomp is None:
            log.warning(
                "sandbox: no seccomp filter for %s; user namespaces stay available", platform.machine()
            )

    async def run_job(
        self, language: Language | str, source: str, cases: Sequence[Case], limits: Limits | None = None
    ) -> JobResult:
        _check_host()
        spec = spec_for(language)
        chosen = clamped(limits or spec.default_limits)
        async with self._slots.slot() as uid, self._job(uid, spec, source) as job:
            compiled = await self._compile(job, spec, source)
            if compiled.ok:
                results = [
                    await self._case(job, spec, source, chosen, i, case) for i, case in enumerate(cases)
                ]
            else:
                results = [CaseResult(i, compiled.verdict, case[1], None) for i, case in enumerate(cases)]
        verdict = job_verdict(compiled.verdict, (result.verdict for result in results))
        return JobResult(spec.language, verdict, compiled, tuple(results), chosen)

    @contextlib.asynccontextmanager
    async def _job(self, uid: int, spec: LanguageSpec, source: str) -> AsyncIterator[_Job]:
        grace = self.config.kill_grace_s
        await sweep(uid, None, grace)  # leftovers of a runner that died mid-job
        name = source_file_name(spec, source)
        work_dir = await asyncio.to_thread(_make_work_dir, self.config.base_dir, uid, name, source)
        root = self.config.pids_cgroup_root
        cgroup = _make_cgroup(root, uid) if self.cgroups and root is not None else None
        try:
            yield _Job(uid, work_dir, cgroup)
        finally:
            await sweep(uid, cgroup, grace)
            if cgroup is not None:
                _remove_cgroup(cgroup)
            await asyncio.to_thread(shutil.rmtree, work_dir, ignore_errors=True)

    async def _compile(self, job: _Job, spec: LanguageSpec, source: str) -> CompileResult:
        memory_mb = COMPILE_LIMITS.memory_mb
        command = compile_command(spec, source, SANDBOX_WORK_DIR, memory_mb)
        if command is None:
            return CompileResult(Verdict.ACCEPTED, None)
        if spec.uses_typescript and self.layout.typescript_dir is None:
            missing = f"TypeScript is not installed at {self.config.typescript_dir} (run `make bootstrap`)"
            return CompileResult(Verdict.SYSTEM_ERROR, Execution(None, None, 0, 0, 0, sandbox_error=missing))
        env = resolve_env(spec.compile_env, memory_mb)
        run = await self._step(job, spec, command, env, COMPILE_LIMITS, writable=True, stdin=b"")
        return CompileResult(compile_verdict(run), run)

    async def _case(
        self, job: _Job, spec: LanguageSpec, source: str, limits: Limits, index: int, case: Case
    ) -> CaseResult:
        stdin, expected = case
        command = run_command(spec, source, SANDBOX_WORK_DIR, limits.memory_mb)
        env = resolve_env(spec.env, limits.memory_mb)
        run = await self._step(job, spec, command, env, limits, writable=False, stdin=stdin.encode())
        return CaseResult(index, case_verdict(run, limits, expected), expected, run)

    async def _step(
        self,
        job: _Job,
        spec: LanguageSpec,
        command: Sequence[str],
        env: tuple[tuple[str, str], ...],
        limits: Limits,
        *,
        writable: bool,
        stdin: bytes,
    ) -> Execution:
        caps = process_limits(limits, spec)
        step = SandboxStep(
            tuple(command),
            env,
            str(job.work_dir),
            writable,
            job.uid,
            job.uid,
            caps,
            limits.tmp_bytes,
            mount_typescript=spec.uses_typescript,
        )
        procs = None
        if job.cgroup is not None:
            (job.cgroup / "pids.max").write_text(str(caps.processes + CGROUP_PID_MARGIN))
            procs = str(job.cgroup / "cgroup.procs")

        def argv_for(fds: HostFds) -> list[str]:
            return host_argv(step, self.layout, fds, procs)

        grace = self.config.kill_grace_s
        return await execute(argv_for, stdin, job.uid, limits, job.cgroup, grace, self.seccomp)


@functools.cache
def default_sandbox() -> Sandbox:
    return Sandbox()


async def run_job(
    language: Language | str,
    source: str,
    cases: Sequence[Case],
    limits: Limits | None = None,
    *,
    sandbox: Sandbox | None = None,
) -> JobResult:
    """Compile `source` once and run it on every `(stdin, expected | None)` case, in order."""
    return await (sandbox or default_sandbox()).run_job(language, source, cases, limits)


async def run_once(
    language: Language | str,
    source: str,
    stdin: str = "",
    limits: Limits | None = None,
    *,
    sandbox: Sandbox | None = None,
) -> JobResult:
    """An interactive run: one case without expected output (`accepted` when it ends cleanly)."""
    return await run_job(language, source, [(stdin, None)], limits, sandbox=sandbox)
