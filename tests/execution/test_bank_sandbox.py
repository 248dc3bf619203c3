"""Every bank problem through the real sandbox (the toolchains the product judges with, not the authors'):
both reference solutions are accepted on every example and test case within the problem's limits, and
the starter code of all eight languages compiles and runs cleanly on the first example (a wrong answer
is fine, a compilation error, runtime error or time limit is not).

Jobs of one problem run `JOBS_AT_ONCE` at a time (one per core); CPU time, which decides the time limit,
does not depend on how many jobs share the machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from actors.sandbox import Sandbox, run_job
from engine.execution.languages import Language
from engine.execution.limits import Limits, judging_limits
from engine.execution.results import JobResult
from engine.execution.verdicts import Verdict
from engine.problems.bank import BankEntry
from storage.bank import BANK_DIR, load_problem, problem_dirs
from tests.execution.conftest import needs_sandbox

pytestmark = [pytest.mark.anyio, needs_sandbox]

NOW = datetime(2026, 11, 28, tzinfo=UTC)
FOLDERS = problem_dirs(BANK_DIR)
JOBS_AT_ONCE = 2
STARTER_VERDICTS = {Verdict.ACCEPTED, Verdict.WRONG_ANSWER}
Case = tuple[str, str | None]


def _limits(entry: BankEntry) -> Limits:
    problem = entry.problem
    assert problem.time_limit_ms is not None and problem.memory_limit_mb is not None
    return Limits(time_ms=problem.time_limit_ms, memory_mb=problem.memory_limit_mb)


def _reference_limits(limits: Limits, cases: list[Case]) -> Limits:
    """The problem's limits as the judge uses them (the output cap fits the largest expected output)."""
    return judging_limits(limits, [expected for _, expected in cases])


def _cases(entry: BankEntry) -> list[Case]:
    examples: list[Case] = [(e.input, e.output) for e in entry.problem.examples]
    return examples + [(t.input, t.expected_output) for t in entry.tests]


def _explain(name: str, result: JobResult) -> str:
    lines = [f"{name}: {result.verdict}; compile: {result.compile.message[:1500]}"]
    for case in result.cases:
        run = case.execution
        if case.verdict is not Verdict.ACCEPTED and run is not None:
            lines.append(
                f"  case {case.index}: {case.verdict} exit={run.exit_code} signal={run.signal}"
                f" cpu={run.cpu_ms}ms wall={run.wall_ms}ms peak={run.peak_memory_kb}KiB"
                f" stdout={run.stdout[:200]!r} stderr={run.stderr[-500:]!r}"
            )
    return "\n".join(lines)


async def _bounded(gate: asyncio.Semaphore, job: Awaitable[JobResult]) -> JobResult:
    async with gate:
        return await job


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
async def test_reference_solutions_and_starters_run_in_the_sandbox(sandbox: Sandbox, folder: Path) -> None:
    entry = await asyncio.to_thread(load_problem, folder, NOW)
    problem = entry.problem
    limits = _limits(entry)
    cases = _cases(entry)
    first_example: list[Case] = [cases[0]]
    reference_limits = _reference_limits(limits, cases)
    jobs: dict[str, Awaitable[JobResult]] = {
        f"solution {language}": run_job(language, source, cases, reference_limits, sandbox=sandbox)
        for language, source in sorted(problem.solutions.items())
    }
    jobs |= {
        f"starter {language}": run_job(
            language, problem.starter_code[language], first_example, limits, sandbox=sandbox
        )
        for language in Language
    }
    gate = asyncio.Semaphore(JOBS_AT_ONCE)
    results = dict(
        zip(jobs, await asyncio.gather(*(_bounded(gate, job) for job in jobs.values())), strict=True)
    )

    assert sorted(problem.solutions) == ["cpp", "python"]
    failures = []
    for name, result in results.items():
        if name.startswith("solution"):
            ok = result.compile.ok and len(result.cases) == len(cases)
            ok = ok and all(case.verdict is Verdict.ACCEPTED for case in result.cases)
            ok = ok and all(
                case.execution is not None and case.execution.cpu_ms <= limits.time_ms
                for case in result.cases
            )
        else:
            ok = result.compile.ok and [case.verdict in STARTER_VERDICTS for case in result.cases] == [True]
        if not ok:
            failures.append(_explain(name, result))
    assert failures == [], "\n".join(failures)
