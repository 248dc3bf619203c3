"""Results of a job (compile once, run every case) and their reference-compatible field view.

Invariant: a `JobResult` has one `CaseResult` per submitted case, in order, even when nothing ran
(compile failure: every case carries the compile verdict and no execution).

The reference's fields (`RunCodeResult` and the per-case submission details) are derived, never stored:
`status` is `completed` only for a clean exit; `passed` is only known for a completed run with an
expected output (else None, like the reference's NULL); `exitCode` is -1 for runs killed by the wall
clock or failed sandboxes. A job that broke before it could run (`failure_fields`) still has every field,
`stdout` included (a finished run always carries it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.execution.compare import trimmed
from engine.execution.disclosure import tally
from engine.execution.languages import Language
from engine.execution.limits import Limits
from engine.execution.measurement import Execution
from engine.execution.verdicts import Verdict, failure_message


@dataclass(frozen=True)
class CompileResult:
    """The compile step (or syntax check); `execution` is None for a language without one."""

    verdict: Verdict
    execution: Execution | None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.ACCEPTED

    @property
    def message(self) -> str:
        """What the compiler printed (tsc reports on stdout, the others on stderr)."""
        if self.execution is None:
            return ""
        parts = (self.execution.stdout.strip(), self.execution.stderr.strip())
        return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class CaseResult:
    index: int
    verdict: Verdict
    expected: str | None
    execution: Execution | None

    @property
    def completed(self) -> bool:
        return self.execution is not None and self.execution.exited_cleanly

    @property
    def passed(self) -> bool | None:
        if not self.completed or self.expected is None:
            return None
        return self.verdict is Verdict.ACCEPTED


@dataclass(frozen=True)
class JobResult:
    language: Language
    verdict: Verdict
    compile: CompileResult
    cases: tuple[CaseResult, ...]
    limits: Limits

    @property
    def passed_count(self) -> int:
        return sum(case.passed is True for case in self.cases)

    @property
    def failed_count(self) -> int:
        return sum(case.passed is False for case in self.cases)

    @property
    def error_count(self) -> int:
        return sum(case.passed is None for case in self.cases)

    @property
    def total_duration_ms(self) -> int:
        return sum(case.execution.wall_ms for case in self.cases if case.execution is not None)


def _exit_code(run: Execution | None) -> int:
    if run is None or run.timed_out or run.sandbox_error is not None or run.exit_code is None:
        return -1
    return run.exit_code


def reference_fields(case: CaseResult, limits: Limits, compile_message: str = "") -> dict[str, Any]:
    """The reference's `RunCodeResult` plus its per-case submission columns, with our verdict."""
    run = case.execution
    error = failure_message(case.verdict, run, limits)
    if case.verdict is Verdict.COMPILATION_ERROR and compile_message:
        error = compile_message
    return {
        "verdict": case.verdict.value,
        "status": "completed" if case.completed else "failed",
        "stdout": run.stdout if run else "",
        "stderr": run.stderr if run else compile_message,
        "exitCode": _exit_code(run),
        "durationMs": run.wall_ms if run else 0,
        "cpuTimeMs": run.cpu_ms if run else 0,
        "memoryUsageMb": round(run.peak_memory_kb / 1024, 1) if run else 0.0,
        "timedOut": case.verdict is Verdict.TIME_LIMIT_EXCEEDED,
        "outputTruncated": run.output_truncated if run else False,
        "error": error,
        "passed": case.passed,
        "expectedOutput": case.expected,
        "actualOutput": trimmed(run.stdout) if run and case.completed else None,
    }


def failure_fields(error: str) -> dict[str, Any]:
    """The reference fields of a job that broke before or while running: nothing ran, nothing printed."""
    return {
        "verdict": Verdict.SYSTEM_ERROR.value,
        "status": "failed",
        "stdout": "",
        "stderr": "",
        "exitCode": -1,
        "durationMs": 0,
        "cpuTimeMs": 0,
        "memoryUsageMb": 0.0,
        "timedOut": False,
        "outputTruncated": False,
        "error": error,
        "passed": None,
        "expectedOutput": None,
        "actualOutput": None,
    }


def broken_job_result(kind: str, error: str) -> dict[str, Any]:
    """What a job that broke stores as its result: a run's complete fields, a submission with no judged
    case (kind "run" | "submission")."""
    if kind != "submission":
        return {**failure_fields(error), "compileOk": False}
    return {
        **tally([]).payload(),
        "verdict": Verdict.SYSTEM_ERROR.value,
        "error": error,
        "total": 0,
        "compileOk": False,
        "compileMessage": "",
        "cases": [],
    }
