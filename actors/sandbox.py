"""The sandboxed code runner: compile once, run every test case, measure each run, leave nothing behind.

Each job takes a slot uid (61001..61016 by default) for its whole life, so concurrent jobs never share
a uid: in this process a `SlotPool` hands them out; across processes on the machine an abstract unix
socket named after the uid is the lock (the kernel drops it when its holder dies). The job gets a fresh
work dir (owned by the slot uid, mode 0700, under a root-only base dir), compiles once in the sandbox
(work dir writable, `COMPILE_LIMITS`), then runs each case in a new sandbox (work dir read-only, so a
case cannot leave files for the next one; /tmp is a fresh size-limited tmpfs). The command lines come
from `engine.execution.sandbox`; the seccomp filter from `engine.execution.seccomp` (x86_64 only).
Processes are started, measured and killed by `actors.processes`; slot uids come from `actors.slots`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import platform
import shutil
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from actors.processes import KILL_GRACE_S, SandboxUnavailableError, execute, sweep
from actors.slots import SlotPool
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
from engine.execution.measurement import Execution
from engine.execution.results import CaseResult, CompileResult, JobResult
from engine.execution.sandbox import (
    ETC_PATHS,
    MEASURE_TOOL,
    ROOT_DIRS,
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
CGROUP_PID_MARGIN: Final = 4
PIDS_CGROUP_ROOT: Final = Path("/sys/fs/cgroup/pids")
SECCOMP_MACHINE: Final = "x86_64"
DEFAULT_TYPESCRIPT_DIR: Final = (
    Path(__file__).resolve().parent.parent / ".data" / "node" / "node_modules" / "typescript"
)
Case = tuple[str, str | None]


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
class ToolRun:
    """An analysis tool to run over a job's source: resolved argv, env, limits, read-only binds."""

    command: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    limits: Limits
    mounts: tuple[tuple[str, str], ...] = ()


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

    async def run_tools(
        self, language: Language | str, source: str, tools: Sequence[ToolRun]
    ) -> list[Execution]:
        """Run each tool once over the source (the work dir read-only), in order, in one slot."""
        _check_host()
        spec = spec_for(language)
        async with self._slots.slot() as uid, self._job(uid, spec, source) as job:
            return [
                await self._step(
                    job,
                    spec,
                    tool.command,
                    tool.env,
                    tool.limits,
                    writable=False,
                    stdin=b"",
                    mounts=tool.mounts,
                )
                for tool in tools
            ]

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
        mounts: tuple[tuple[str, str], ...] | None = None,
    ) -> Execution:
        """One sandboxed process; `mounts` (tools) replaces the language's own TypeScript mount."""
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
            mount_typescript=spec.uses_typescript and mounts is None,
            mounts=mounts or (),
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
