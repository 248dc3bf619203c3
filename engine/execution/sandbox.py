"""The sandbox command line, built from data: bubblewrap, then setpriv, then prlimit, then the tool.

    bwrap   namespaces: ipc, pid, net, uts, cgroup (not user, see below); --die-with-parent
            --as-pid-1 --new-session --clearenv + PATH, HOME=/tmp, LANG=C.UTF-8 (+ the language's env)
            filesystem: read-only /usr (and /bin, /lib, /lib64 as binds or symlinks, as on the host),
            an /etc holding only what toolchains need, a size-limited tmpfs /tmp, the job's work dir
            at /work (read-write only while compiling), a fresh /proc and a minimal /dev
            a seccomp filter (`engine.execution.seccomp`: no user namespaces, no exotic kernel APIs)
    setpriv --reuid U --regid G --clear-groups --no-new-privs, no inheritable or bounding capabilities
    prlimit --cpu --nproc --fsize --nofile --core=0 --data, soft = hard (no --as: it breaks the
            JVM, V8 and Go, which reserve far more address space than they use)

Why not `--unshare-all`: it includes a user namespace, and bwrap started by root maps only uid 0 into
it, so setpriv could not switch to the slot uid (mapping the slot uid with `--uid` instead would make
the program host root). Without a user namespace the program is a plain host process of the slot uid
with no capabilities.

Why `--as-pid-1`: with bwrap's own init as pid 1, bwrap exits as soon as the program does and never
reaps that init, so the program's rusage (CPU time, peak memory) never reaches the runner's wait4.
As pid 1 the program ignores signals it sends itself (abort() ends with SIGSEGV instead of SIGABRT);
faults and SIGKILL behave normally, and every other process dies with it.

On the host side, `host_argv` puts two root-run wrappers in front: a shell that joins the job's pids
cgroup and execs on (when there is one), and GNU time, which forks bwrap and reports the tree's peak
resident set (`%M`) on a pipe. The reporter is needed because the runner's own `wait4` would see the
runner's resident set too: `posix_spawn`/`fork` from a large process carries the parent's high-water
mark into the child's `ru_maxrss`. bwrap passes every inherited fd on to the program, so the program
can write to the report pipe too; only what GNU time writes last, after the whole tree is gone, counts,
and writing digits before it can only make the program's own peak look larger.

Invariant: the output depends only on the arguments (host facts come in as a `HostLayout`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from engine.execution.languages import SANDBOX_TMP, TYPESCRIPT_DIR, Env, LanguageSpec
from engine.execution.limits import MIB, Limits

MEASURE_TOOL: Final = "/usr/bin/time"
SANDBOX_WORK_DIR: Final = "/work"
SANDBOX_PATH: Final = "/usr/bin:/bin"
ROOT_DIRS: Final = ("/usr", "/bin", "/lib", "/lib64")
ETC_PATHS: Final = ("/etc/alternatives", "/etc/ld.so.cache", "/etc/java-17-openjdk")
BASE_ENV: Final[Env] = (("PATH", SANDBOX_PATH), ("HOME", SANDBOX_TMP), ("LANG", "C.UTF-8"))
NAMESPACES: Final = (
    *("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"),
)


@dataclass(frozen=True)
class HostLayout:
    """What the host has: `symlinks` maps a root entry to its target (merged /usr), `present` lists the
    paths that exist. The runner looks; the builder decides."""

    symlinks: Mapping[str, str] = field(default_factory=dict)
    present: frozenset[str] = frozenset()
    typescript_dir: str | None = None


@dataclass(frozen=True)
class ProcessLimits:
    """prlimit's values, in its units."""

    cpu_s: int
    processes: int
    file_bytes: int
    open_files: int
    data_bytes: int


@dataclass(frozen=True)
class SandboxStep:
    """One sandboxed process: the resolved tool argv, its env, where it works, as whom, within what."""

    command: tuple[str, ...]
    env: Env
    host_work_dir: str
    work_writable: bool
    uid: int
    gid: int
    limits: ProcessLimits
    tmp_bytes: int
    mount_typescript: bool = False
    mounts: tuple[tuple[str, str], ...] = ()
    """Extra read-only binds, (host path, path inside): the analysis tools outside /usr."""


@dataclass(frozen=True)
class HostFds:
    """The runner's fds the host-side command uses, by number in the spawned process: bwrap's JSON
    status pipe, GNU time's report pipe, and the seccomp filter (None: no filter on this machine)."""

    status: int
    report: int
    seccomp: int | None = None


def process_limits(limits: Limits, spec: LanguageSpec) -> ProcessLimits:
    return ProcessLimits(
        cpu_s=limits.cpu_limit_s,
        processes=limits.processes + spec.extra_processes,
        file_bytes=limits.file_bytes,
        open_files=limits.open_files,
        data_bytes=(limits.memory_mb + spec.data_headroom_mb) * MIB,
    )


def _root_args(layout: HostLayout) -> list[str]:
    args: list[str] = []
    for path in ROOT_DIRS:
        if path in layout.symlinks:
            args += ["--symlink", layout.symlinks[path], path]
        elif path in layout.present:
            args += ["--ro-bind", path, path]
    return args


def _etc_args(layout: HostLayout) -> list[str]:
    args = ["--perms", "0755", "--dir", "/etc"]
    for path in ETC_PATHS:
        if path in layout.present:
            args += ["--ro-bind", path, path]
    return args


def _parents(paths: Iterable[str]) -> list[str]:
    """Every ancestor directory of the paths (not /), shallowest first, each once."""
    found: set[str] = set()
    for path in paths:
        parts = path.strip("/").split("/")[:-1]
        found.update("/" + "/".join(parts[: depth + 1]) for depth in range(len(parts)))
    return sorted(found, key=lambda p: (p.count("/"), p))


def _filesystem_args(step: SandboxStep, layout: HostLayout) -> list[str]:
    args = [*_root_args(layout), *_etc_args(layout)]
    if step.mount_typescript and layout.typescript_dir is not None:
        args += ["--perms", "0755", "--dir", "/opt", "--ro-bind", layout.typescript_dir, TYPESCRIPT_DIR]
    for parent in _parents(inside for _, inside in step.mounts):
        args += ["--perms", "0755", "--dir", parent]
    for host, inside in step.mounts:
        args += ["--ro-bind", host, inside]
    args += ["--perms", "1777", "--size", str(step.tmp_bytes), "--tmpfs", SANDBOX_TMP]
    args += ["--bind" if step.work_writable else "--ro-bind", step.host_work_dir, SANDBOX_WORK_DIR]
    return [*args, "--chdir", SANDBOX_WORK_DIR, "--proc", "/proc", "--dev", "/dev"]


def _env_args(env: Env) -> list[str]:
    args = ["--clearenv"]
    for name, value in (*BASE_ENV, *env):
        args += ["--setenv", name, value]
    return args


def _setpriv_args(uid: int, gid: int) -> list[str]:
    return [
        *("setpriv", "--reuid", str(uid), "--regid", str(gid), "--clear-groups", "--no-new-privs"),
        *("--inh-caps=-all", "--bounding-set=-all"),
    ]


def _prlimit_args(limits: ProcessLimits) -> list[str]:
    values = {
        "cpu": limits.cpu_s,
        "nproc": limits.processes,
        "fsize": limits.file_bytes,
        "nofile": limits.open_files,
        "core": 0,
        "data": limits.data_bytes,
    }
    return ["prlimit", *(f"--{name}={value}:{value}" for name, value in values.items()), "--"]


def build_argv(step: SandboxStep, layout: HostLayout, fds: HostFds) -> list[str]:
    """The sandbox command line for one step; bwrap reports its child's pid and exit on `fds.status`
    and loads the seccomp filter from `fds.seccomp`."""
    seccomp = [] if fds.seccomp is None else ["--seccomp", str(fds.seccomp)]
    return [
        "bwrap",
        *NAMESPACES,
        *("--die-with-parent", "--as-pid-1", "--new-session", "--hostname", "sandbox"),
        *_env_args(step.env),
        *_filesystem_args(step, layout),
        *("--json-status-fd", str(fds.status)),
        *seccomp,
        *_setpriv_args(step.uid, step.gid),
        *_prlimit_args(step.limits),
        *step.command,
    ]


def cgroup_prefix(procs_file: str) -> list[str]:
    """Run the rest of the argv inside a cgroup: a root shell joins it, then execs (same pid)."""
    return ["/bin/sh", "-c", 'echo $$ > "$1" && shift && exec "$@"', "sh", procs_file]


def measure_prefix(report_fd: int) -> list[str]:
    """GNU time: fork the rest, then write its peak resident set in KiB as the last line on the fd."""
    return [MEASURE_TOOL, "--quiet", "--format=%M", f"--output=/dev/fd/{report_fd}"]


def host_argv(step: SandboxStep, layout: HostLayout, fds: HostFds, cgroup_procs: str | None) -> list[str]:
    """What the runner starts: [cgroup join] + GNU time + the sandbox command line."""
    joined = cgroup_prefix(cgroup_procs) if cgroup_procs is not None else []
    return [*joined, *measure_prefix(fds.report), *build_argv(step, layout, fds)]
