"""Reading what bwrap and GNU time report: exit codes and signals, launcher failures, peak memory."""

from __future__ import annotations

import pytest

from engine.execution.measurement import (
    Execution,
    launcher_failure,
    peak_from_report,
    sandbox_started,
    signal_name,
    split_exit_code,
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (0, (0, None)),
        (1, (1, None)),
        (128, (128, None)),
        (137, (137, 9)),
        (139, (139, 11)),
        (255, (255, None)),
    ],
)
def test_split_exit_code_decodes_death_by_signal(code: int, expected: tuple[int, int | None]) -> None:
    assert split_exit_code(code) == expected


def test_signal_name() -> None:
    assert signal_name(9) == "SIGKILL"
    assert signal_name(200) == "signal 200"


def test_launcher_failure_when_bwrap_never_started_the_child() -> None:
    assert launcher_failure(1, "bwrap: Can't mount proc\n", started=False) == "bwrap: Can't mount proc"
    assert launcher_failure(None, "", started=False) == "the sandbox did not start"


def test_launcher_failure_when_the_tool_is_missing() -> None:
    message = "prlimit: failed to execute rustc: No such file or directory"
    assert launcher_failure(1, message + "\n", started=True) == message
    assert launcher_failure(127, "setpriv: setresuid failed\n", started=True) is not None


def test_launcher_failure_is_none_for_the_programs_own_failures() -> None:
    assert launcher_failure(1, "Traceback ...", started=True) is None
    assert launcher_failure(0, "prlimit: looks scary", started=True) is None
    assert launcher_failure(139, "", started=True) is None


@pytest.mark.parametrize(
    ("report", "peak"),
    [
        ("2048\n", 2048),
        ("Command exited with non-zero status 3\n1536\n", 1536),
        ("", 0),
        ("junk", 0),
        ("x77\n", 77),
    ],
)
def test_peak_from_report_takes_the_last_number(report: str, peak: int) -> None:
    assert peak_from_report(report) == peak


def test_sandbox_started_reads_bwraps_json_status() -> None:
    assert sandbox_started('{ "child-pid": 42, "pid-namespace": 1 }\n{ "exit-code": 0 }\n')
    assert not sandbox_started('{ "exit-code": 1 }\n')
    assert not sandbox_started("not json\n[1, 2]\n")


def test_execution_exited_cleanly_only_without_any_failure() -> None:
    clean = Execution(exit_code=0, signal=None, wall_ms=1, cpu_ms=1, peak_memory_kb=1)
    assert clean.exited_cleanly
    for dirty in (
        Execution(exit_code=1, signal=None, wall_ms=1, cpu_ms=1, peak_memory_kb=1),
        Execution(exit_code=137, signal=9, wall_ms=1, cpu_ms=1, peak_memory_kb=1),
        Execution(exit_code=0, signal=None, wall_ms=1, cpu_ms=1, peak_memory_kb=1, timed_out=True),
        Execution(exit_code=0, signal=None, wall_ms=1, cpu_ms=1, peak_memory_kb=1, stderr_truncated=True),
        Execution(exit_code=0, signal=None, wall_ms=1, cpu_ms=1, peak_memory_kb=1, sandbox_error="x"),
    ):
        assert not dirty.exited_cleanly
