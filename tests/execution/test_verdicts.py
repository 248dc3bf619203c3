"""The verdict table, case and submission verdicts, and the reference's fields derived from results."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.execution.languages import Language
from engine.execution.limits import Limits
from engine.execution.measurement import Execution
from engine.execution.results import CaseResult, CompileResult, JobResult, reference_fields
from engine.execution.verdicts import (
    RULES,
    Evidence,
    Verdict,
    case_verdict,
    compile_verdict,
    decide,
    failure_message,
    job_verdict,
    mentions_out_of_memory,
)

LIMITS = Limits(time_ms=1000, memory_mb=100)
CLEAN = Execution(exit_code=0, signal=None, wall_ms=50, cpu_ms=40, peak_memory_kb=10_000, stdout="42\n")
NOTHING = Evidence(
    sandbox_failed=False,
    over_time=False,
    output_truncated=False,
    over_memory=False,
    memory_suspect=False,
    failed=False,
    matches=None,
)


def _run(**changes: object) -> Execution:
    return replace(CLEAN, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        ({}, Verdict.ACCEPTED),
        ({"matches": True}, Verdict.ACCEPTED),
        ({"matches": False}, Verdict.WRONG_ANSWER),
        ({"failed": True, "matches": False}, Verdict.RUNTIME_ERROR),
        ({"failed": True, "memory_suspect": True}, Verdict.MEMORY_LIMIT_EXCEEDED),
        ({"memory_suspect": True, "matches": True}, Verdict.ACCEPTED),
        ({"over_memory": True, "matches": True}, Verdict.MEMORY_LIMIT_EXCEEDED),
        ({"output_truncated": True, "over_memory": True, "failed": True}, Verdict.OUTPUT_LIMIT_EXCEEDED),
        ({"over_time": True, "output_truncated": True, "failed": True}, Verdict.TIME_LIMIT_EXCEEDED),
        ({"sandbox_failed": True, "over_time": True, "failed": True}, Verdict.SYSTEM_ERROR),
    ],
)
def test_decide_applies_the_rules_in_precedence_order(facts: dict[str, bool], verdict: Verdict) -> None:
    assert decide(replace(NOTHING, **facts)) is verdict


def test_rules_table_never_yields_compilation_error_or_accepted() -> None:
    produced = {verdict for verdict, _ in RULES}
    assert Verdict.COMPILATION_ERROR not in produced
    assert Verdict.ACCEPTED not in produced


@pytest.mark.parametrize(
    ("run", "expected", "verdict"),
    [
        (CLEAN, "42", Verdict.ACCEPTED),
        (CLEAN, None, Verdict.ACCEPTED),
        (CLEAN, "43", Verdict.WRONG_ANSWER),
        (_run(exit_code=1), "42", Verdict.RUNTIME_ERROR),
        (_run(exit_code=139, signal=11), None, Verdict.RUNTIME_ERROR),
        (_run(exit_code=137, signal=9, timed_out=True), "42", Verdict.TIME_LIMIT_EXCEEDED),
        (_run(cpu_ms=1001), "42", Verdict.TIME_LIMIT_EXCEEDED),
        (_run(cpu_ms=1000), "42", Verdict.ACCEPTED),
        (_run(exit_code=137, signal=9, stdout_truncated=True), None, Verdict.OUTPUT_LIMIT_EXCEEDED),
        (_run(stderr_truncated=True), "42", Verdict.OUTPUT_LIMIT_EXCEEDED),
        (_run(peak_memory_kb=100 * 1024), "42", Verdict.MEMORY_LIMIT_EXCEEDED),
        (_run(exit_code=139, signal=11, peak_memory_kb=95 * 1024), None, Verdict.MEMORY_LIMIT_EXCEEDED),
        (_run(exit_code=1, stderr="MemoryError\n"), None, Verdict.MEMORY_LIMIT_EXCEEDED),
        (
            _run(exit_code=3, stdout="Terminating: java.lang.OutOfMemoryError"),
            None,
            Verdict.MEMORY_LIMIT_EXCEEDED,
        ),
        (_run(exit_code=1, peak_memory_kb=50 * 1024), None, Verdict.RUNTIME_ERROR),
        (_run(stderr="MemoryError"), "42", Verdict.ACCEPTED),
        (_run(sandbox_error="bwrap: no"), "42", Verdict.SYSTEM_ERROR),
    ],
)
def test_case_verdict_from_a_measured_run(run: Execution, expected: str | None, verdict: Verdict) -> None:
    assert case_verdict(run, LIMITS, expected) is verdict


def test_mentions_out_of_memory_knows_each_runtimes_message() -> None:
    for message in (
        "MemoryError",
        "Exception in thread main java.lang.OutOfMemoryError: Java heap space",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "fatal error: runtime: out of memory",
        "memory allocation of 1048576 bytes failed",
        "terminate called after throwing an instance of 'std::bad_alloc'",
    ):
        assert mentions_out_of_memory(_run(stderr=message))
    assert not mentions_out_of_memory(_run(stderr="Segmentation fault"))


def test_compile_verdict() -> None:
    assert compile_verdict(None) is Verdict.ACCEPTED
    assert compile_verdict(CLEAN) is Verdict.ACCEPTED
    assert compile_verdict(_run(exit_code=1)) is Verdict.COMPILATION_ERROR
    assert compile_verdict(_run(exit_code=137, signal=9, timed_out=True)) is Verdict.COMPILATION_ERROR
    assert compile_verdict(_run(exit_code=1, sandbox_error="x")) is Verdict.SYSTEM_ERROR


def test_job_verdict_is_the_compile_failure_else_the_first_failing_case() -> None:
    accepted, wrong, slow = Verdict.ACCEPTED, Verdict.WRONG_ANSWER, Verdict.TIME_LIMIT_EXCEEDED
    assert job_verdict(Verdict.COMPILATION_ERROR, [accepted]) is Verdict.COMPILATION_ERROR
    assert job_verdict(Verdict.SYSTEM_ERROR, []) is Verdict.SYSTEM_ERROR
    assert job_verdict(accepted, [accepted, wrong, slow]) is wrong
    assert job_verdict(accepted, [slow, wrong]) is slow
    assert job_verdict(accepted, [accepted, accepted]) is accepted
    assert job_verdict(accepted, []) is accepted


def test_failure_message_names_the_limit_or_the_failure() -> None:
    assert failure_message(Verdict.ACCEPTED, CLEAN, LIMITS) is None
    assert failure_message(Verdict.WRONG_ANSWER, CLEAN, LIMITS) is None
    assert "1000 ms" in str(failure_message(Verdict.TIME_LIMIT_EXCEEDED, CLEAN, LIMITS))
    assert "100 MB" in str(failure_message(Verdict.MEMORY_LIMIT_EXCEEDED, CLEAN, LIMITS))
    assert "65536 bytes" in str(failure_message(Verdict.OUTPUT_LIMIT_EXCEEDED, CLEAN, LIMITS))
    assert failure_message(Verdict.COMPILATION_ERROR, None, LIMITS) == "Compilation failed"
    assert failure_message(Verdict.SYSTEM_ERROR, _run(sandbox_error="bwrap: x"), LIMITS) == "bwrap: x"
    assert failure_message(Verdict.SYSTEM_ERROR, None, LIMITS) == "Sandbox failure"
    crashed = _run(exit_code=139, signal=11)
    assert failure_message(Verdict.RUNTIME_ERROR, crashed, LIMITS) == "Runtime error (SIGSEGV)"
    assert failure_message(Verdict.RUNTIME_ERROR, _run(exit_code=2), LIMITS) == "Runtime error (exit code 2)"


def _job(cases: list[CaseResult]) -> JobResult:
    compiled = CompileResult(Verdict.ACCEPTED, None)
    verdict = job_verdict(compiled.verdict, (case.verdict for case in cases))
    return JobResult(Language.PYTHON, verdict, compiled, tuple(cases), LIMITS)


def test_case_passed_is_only_known_for_completed_runs_with_an_expected_output() -> None:
    accepted = CaseResult(0, Verdict.ACCEPTED, "42", CLEAN)
    wrong = CaseResult(1, Verdict.WRONG_ANSWER, "41", CLEAN)
    memory = CaseResult(2, Verdict.MEMORY_LIMIT_EXCEEDED, "42", _run(peak_memory_kb=10**6))
    crashed = CaseResult(3, Verdict.RUNTIME_ERROR, "42", _run(exit_code=1))
    free = CaseResult(4, Verdict.ACCEPTED, None, CLEAN)
    passed = [case.passed for case in (accepted, wrong, memory, crashed, free)]
    assert passed == [True, False, False, None, None]
    job = _job([accepted, wrong, memory, crashed, free])
    assert (job.passed_count, job.failed_count, job.error_count) == (1, 2, 2)
    assert job.total_duration_ms == 5 * CLEAN.wall_ms
    assert job.verdict is Verdict.WRONG_ANSWER


def test_reference_fields_of_a_completed_case() -> None:
    fields = reference_fields(CaseResult(0, Verdict.WRONG_ANSWER, "41\n", _run(stdout="42  \n\n")), LIMITS)
    assert fields == {
        "verdict": "wrong_answer",
        "status": "completed",
        "stdout": "42  \n\n",
        "stderr": "",
        "exitCode": 0,
        "durationMs": 50,
        "cpuTimeMs": 40,
        "memoryUsageMb": 9.8,
        "timedOut": False,
        "outputTruncated": False,
        "error": None,
        "passed": False,
        "expectedOutput": "41\n",
        "actualOutput": "42",
    }


def test_reference_fields_of_a_timed_out_case() -> None:
    run = _run(exit_code=137, signal=9, timed_out=True, cpu_ms=900, wall_ms=3000)
    fields = reference_fields(CaseResult(0, Verdict.TIME_LIMIT_EXCEEDED, "42", run), LIMITS)
    assert fields["status"] == "failed"
    assert fields["exitCode"] == -1
    assert fields["timedOut"] is True
    assert fields["passed"] is None
    assert fields["actualOutput"] is None
    assert "Time limit exceeded" in fields["error"]


def test_reference_fields_of_a_case_that_never_ran() -> None:
    case = CaseResult(0, Verdict.COMPILATION_ERROR, "42", None)
    fields = reference_fields(case, LIMITS, compile_message="main.c:1: error")
    assert fields["status"] == "failed"
    assert fields["exitCode"] == -1
    assert fields["error"] == "main.c:1: error"
    assert fields["stderr"] == "main.c:1: error"
    assert fields["passed"] is None


def test_compile_result_message_joins_stdout_and_stderr() -> None:
    assert CompileResult(Verdict.ACCEPTED, None).message == ""
    failed = CompileResult(Verdict.COMPILATION_ERROR, _run(exit_code=2, stdout="a.ts(1,1): error\n"))
    assert failed.message == "a.ts(1,1): error"
    assert not failed.ok
    both = CompileResult(Verdict.COMPILATION_ERROR, _run(exit_code=1, stdout="out", stderr="err"))
    assert both.message == "out\nerr"
