"""Verdicts: one per test case from its measured run, and one per submission.

Theory of operation. The measured run is first reduced to `Evidence`, a handful of booleans. `RULES` is
the table that turns evidence into a verdict: the first rule whose predicate holds wins, and a run that
matches none is `accepted`. The order encodes precedence: a sandbox failure hides everything; a run
killed for time is a time limit even if it also printed too much; output and memory come before a bare
runtime error (a program killed for its output, or dying because an allocation failed, also exits
non-zero); a wrong answer is only possible for a run that ended cleanly.

Memory: RLIMIT_DATA makes allocations fail rather than letting the process grow, so a run is over its
memory limit when its peak resident set reached the limit, or when it failed *and* either its peak came
within `MEMORY_SUSPECT_RATIO` of the limit or its output carries a runtime's out-of-memory message.

A submission's verdict is its compile verdict unless that is `accepted`, then its first non-accepted
case in order, else `accepted`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from engine.execution.compare import outputs_match
from engine.execution.limits import Limits
from engine.execution.measurement import Execution, signal_name


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    WRONG_ANSWER = "wrong_answer"
    TIME_LIMIT_EXCEEDED = "time_limit_exceeded"
    MEMORY_LIMIT_EXCEEDED = "memory_limit_exceeded"
    RUNTIME_ERROR = "runtime_error"
    COMPILATION_ERROR = "compilation_error"
    OUTPUT_LIMIT_EXCEEDED = "output_limit_exceeded"
    SYSTEM_ERROR = "system_error"


MEMORY_SUSPECT_RATIO: Final = 0.9
OOM_STDOUT_TAIL_CHARS: Final = 512
OUT_OF_MEMORY_MARKERS: Final = (
    "MemoryError",
    "java.lang.OutOfMemoryError",
    "JavaScript heap out of memory",
    "Array buffer allocation failed",
    "runtime: out of memory",
    "memory allocation of",
    "std::bad_alloc",
    "Cannot allocate memory",
)


@dataclass(frozen=True)
class Evidence:
    sandbox_failed: bool
    over_time: bool
    output_truncated: bool
    over_memory: bool
    memory_suspect: bool
    failed: bool
    matches: bool | None


RULES: Final[tuple[tuple[Verdict, Callable[[Evidence], bool]], ...]] = (
    (Verdict.SYSTEM_ERROR, lambda e: e.sandbox_failed),
    (Verdict.TIME_LIMIT_EXCEEDED, lambda e: e.over_time),
    (Verdict.OUTPUT_LIMIT_EXCEEDED, lambda e: e.output_truncated),
    (Verdict.MEMORY_LIMIT_EXCEEDED, lambda e: e.over_memory or (e.failed and e.memory_suspect)),
    (Verdict.RUNTIME_ERROR, lambda e: e.failed),
    (Verdict.WRONG_ANSWER, lambda e: e.matches is False),
)


def mentions_out_of_memory(run: Execution) -> bool:
    """A runtime's out-of-memory message in stderr or at the end of stdout (where the JVM's
    `ExitOnOutOfMemoryError` writes it)."""
    text = run.stderr + run.stdout[-OOM_STDOUT_TAIL_CHARS:]
    return any(marker in text for marker in OUT_OF_MEMORY_MARKERS)


def evidence(run: Execution, limits: Limits, expected: str | None) -> Evidence:
    limit_kb = limits.memory_mb * 1024
    return Evidence(
        sandbox_failed=run.sandbox_error is not None,
        over_time=run.timed_out or run.cpu_ms > limits.time_ms,
        output_truncated=run.output_truncated,
        over_memory=run.peak_memory_kb >= limit_kb,
        memory_suspect=run.peak_memory_kb >= MEMORY_SUSPECT_RATIO * limit_kb or mentions_out_of_memory(run),
        failed=run.exit_code != 0 or run.signal is not None,
        matches=None if expected is None else outputs_match(run.stdout, expected),
    )


def decide(facts: Evidence) -> Verdict:
    for verdict, holds in RULES:
        if holds(facts):
            return verdict
    return Verdict.ACCEPTED


def case_verdict(run: Execution, limits: Limits, expected: str | None) -> Verdict:
    return decide(evidence(run, limits, expected))


def compile_verdict(run: Execution | None) -> Verdict:
    """`accepted` when there is nothing to compile or the compiler succeeded."""
    if run is None:
        return Verdict.ACCEPTED
    if run.sandbox_error is not None:
        return Verdict.SYSTEM_ERROR
    return Verdict.ACCEPTED if run.exited_cleanly else Verdict.COMPILATION_ERROR


def job_verdict(compiled: Verdict, cases: Iterable[Verdict]) -> Verdict:
    if compiled is not Verdict.ACCEPTED:
        return compiled
    return next((verdict for verdict in cases if verdict is not Verdict.ACCEPTED), Verdict.ACCEPTED)


def failure_message(verdict: Verdict, run: Execution | None, limits: Limits) -> str | None:
    """The reference's `error` text for a verdict (None for accepted and wrong answers)."""
    if verdict is Verdict.TIME_LIMIT_EXCEEDED:
        return f"Time limit exceeded ({limits.time_ms} ms CPU, {limits.wall_limit_ms} ms wall)"
    if verdict is Verdict.MEMORY_LIMIT_EXCEEDED:
        return f"Memory limit exceeded ({limits.memory_mb} MB)"
    if verdict is Verdict.OUTPUT_LIMIT_EXCEEDED:
        return f"Output limit exceeded ({limits.output_bytes} bytes per stream)"
    if verdict is Verdict.COMPILATION_ERROR:
        return "Compilation failed"
    if verdict is Verdict.SYSTEM_ERROR:
        return (run.sandbox_error if run else None) or "Sandbox failure"
    if verdict is Verdict.RUNTIME_ERROR and run is not None:
        if run.signal is not None:
            return f"Runtime error ({signal_name(run.signal)})"
        return f"Runtime error (exit code {run.exit_code})"
    return None
