"""The sandbox command line: bwrap, then setpriv, then prlimit, then the tool; host facts passed in."""

from __future__ import annotations

import pytest

from engine.execution.languages import SANDBOX_TMP, Language, spec_for
from engine.execution.limits import MIB, Limits
from engine.execution.sandbox import (
    MEASURE_TOOL,
    NAMESPACES,
    HostFds,
    HostLayout,
    ProcessLimits,
    SandboxStep,
    build_argv,
    cgroup_prefix,
    host_argv,
    process_limits,
)

MERGED_USR = HostLayout(
    symlinks={"/bin": "usr/bin", "/lib": "usr/lib", "/lib64": "usr/lib64"},
    present=frozenset({"/usr", "/bin", "/lib", "/lib64", "/etc/alternatives", "/etc/ld.so.cache"}),
    typescript_dir="/srv/node_modules/typescript",
)
FDS = HostFds(status=3, report=4)
FDS7 = HostFds(status=7, report=8, seccomp=9)
CAPS = ProcessLimits(cpu_s=3, processes=64, file_bytes=16 * MIB, open_files=128, data_bytes=288 * MIB)
STEP = SandboxStep(
    command=("python3", "-B", "main.py"),
    env=(("EXTRA", "1"),),
    host_work_dir="/var/jobs/job-61001-abc",
    work_writable=False,
    uid=61001,
    gid=61001,
    limits=CAPS,
    tmp_bytes=64 * MIB,
)


def _after(argv: list[str], flag: str, count: int = 1) -> list[list[str]]:
    return [argv[i + 1 : i + 1 + count] for i, arg in enumerate(argv) if arg == flag]


def test_build_argv_chains_bwrap_setpriv_prlimit_then_the_command() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS7)
    assert argv[0] == "bwrap"
    assert argv.index("bwrap") < argv.index("setpriv") < argv.index("prlimit")
    assert argv[-3:] == ["python3", "-B", "main.py"]
    assert argv[argv.index("prlimit") :].index("--") == len(argv[argv.index("prlimit") :]) - 4


def test_build_argv_unshares_every_namespace_but_user_and_ties_the_sandbox_to_its_parent() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS7)
    bwrap = argv[: argv.index("setpriv")]
    assert "--unshare-all" not in bwrap
    assert "--unshare-user" not in bwrap
    assert all(flag in bwrap for flag in NAMESPACES)
    assert "--unshare-net" in bwrap
    for flag in ("--die-with-parent", "--as-pid-1", "--new-session", "--clearenv"):
        assert flag in bwrap
    assert _after(argv, "--json-status-fd") == [["7"]]
    assert _after(argv, "--seccomp") == [["9"]]
    assert "--seccomp" not in build_argv(STEP, MERGED_USR, FDS)


def test_build_argv_drops_to_the_slot_uid_without_privileges() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS)
    setpriv = argv[argv.index("setpriv") : argv.index("prlimit")]
    assert setpriv[1:5] == ["--reuid", "61001", "--regid", "61001"]
    for flag in ("--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"):
        assert flag in setpriv


def test_build_argv_sets_each_rlimit_soft_and_hard_and_never_address_space() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS)
    prlimit = argv[argv.index("prlimit") : argv.index("--", argv.index("prlimit"))]
    assert prlimit[1:] == [
        "--cpu=3:3",
        "--nproc=64:64",
        f"--fsize={16 * MIB}:{16 * MIB}",
        "--nofile=128:128",
        "--core=0:0",
        f"--data={288 * MIB}:{288 * MIB}",
    ]
    assert not any(arg.startswith("--as=") for arg in argv)


def test_build_argv_mirrors_merged_usr_symlinks_and_binds_only_what_exists() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS)
    assert ["/usr", "/usr"] in _after(argv, "--ro-bind", 2)
    assert _after(argv, "--symlink", 2) == [["usr/bin", "/bin"], ["usr/lib", "/lib"], ["usr/lib64", "/lib64"]]
    binds = [pair[0] for pair in _after(argv, "--ro-bind", 2)]
    assert "/etc/alternatives" in binds
    assert "/etc/java-17-openjdk" not in binds
    split = HostLayout(present=frozenset({"/usr", "/bin", "/lib"}))
    split_argv = build_argv(STEP, split, FDS)
    assert ["/bin", "/bin"] in _after(split_argv, "--ro-bind", 2)
    assert "/lib64" not in split_argv


def test_build_argv_exposes_no_host_secret_or_repository_path() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS)
    assert not any(arg.startswith(("/root", "/home", "/etc/shadow", "/etc/passwd")) for arg in argv)
    assert "/" not in [pair[0] for pair in _after(argv, "--bind", 2) + _after(argv, "--ro-bind", 2)]


def test_build_argv_work_dir_is_read_only_unless_compiling() -> None:
    run = build_argv(STEP, MERGED_USR, FDS)
    assert ["/var/jobs/job-61001-abc", "/work"] in _after(run, "--ro-bind", 2)
    assert _after(run, "--bind", 2) == []
    compile_step = build_argv(SandboxStep(**{**STEP.__dict__, "work_writable": True}), MERGED_USR, FDS)
    assert _after(compile_step, "--bind", 2) == [["/var/jobs/job-61001-abc", "/work"]]
    assert _after(run, "--chdir") == [["/work"]]


def test_build_argv_tmp_is_a_private_sized_tmpfs_and_proc_dev_are_fresh() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS)
    tmpfs_at = argv.index("--tmpfs")
    assert argv[tmpfs_at - 4 : tmpfs_at + 2] == [
        *("--perms", "1777", "--size", str(64 * MIB), "--tmpfs", SANDBOX_TMP),
    ]
    assert _after(argv, "--proc") == [["/proc"]]
    assert _after(argv, "--dev") == [["/dev"]]


def test_build_argv_environment_is_minimal_plus_the_languages() -> None:
    argv = build_argv(STEP, MERGED_USR, FDS)
    assert _after(argv, "--setenv", 2) == [
        ["PATH", "/usr/bin:/bin"],
        ["HOME", SANDBOX_TMP],
        ["LANG", "C.UTF-8"],
        ["EXTRA", "1"],
    ]


def test_build_argv_mounts_typescript_only_when_asked_and_present() -> None:
    assert "/opt/typescript" not in build_argv(STEP, MERGED_USR, FDS)
    with_ts = SandboxStep(**{**STEP.__dict__, "mount_typescript": True})
    assert ["/srv/node_modules/typescript", "/opt/typescript"] in _after(
        build_argv(with_ts, MERGED_USR, FDS), "--ro-bind", 2
    )
    assert "/opt/typescript" not in build_argv(with_ts, HostLayout(present=frozenset({"/usr"})), FDS)


def test_process_limits_add_the_runtimes_headroom_and_threads() -> None:
    limits = Limits(time_ms=2500, memory_mb=256)
    java = process_limits(limits, spec_for(Language.JAVA))
    assert java.cpu_s == 3
    assert java.data_bytes == (256 + spec_for(Language.JAVA).data_headroom_mb) * MIB
    assert java.processes == limits.processes + spec_for(Language.JAVA).extra_processes
    assert java.open_files == limits.open_files
    assert java.file_bytes == limits.file_bytes


@pytest.mark.parametrize("procs", [None, "/sys/fs/cgroup/pids/job/cgroup.procs"])
def test_host_argv_prefixes_the_cgroup_join_and_the_rusage_reporter(procs: str | None) -> None:
    argv = host_argv(STEP, MERGED_USR, HostFds(status=5, report=6), procs)
    start = argv.index(MEASURE_TOOL)
    assert argv[:start] == ([] if procs is None else cgroup_prefix(procs))
    assert argv[start : start + 4] == [MEASURE_TOOL, "--quiet", "--format=%M", "--output=/dev/fd/6"]
    assert argv[start + 4 :] == build_argv(STEP, MERGED_USR, HostFds(status=5, report=6))


def test_cgroup_prefix_joins_then_execs_the_rest() -> None:
    assert cgroup_prefix("/cg/cgroup.procs") == [
        "/bin/sh",
        "-c",
        'echo $$ > "$1" && shift && exec "$@"',
        "sh",
        "/cg/cgroup.procs",
    ]
