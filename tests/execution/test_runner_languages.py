"""Every language through the real sandbox: hello world, then one compile running echo (accepted),
wrong answer, runtime error, time limit, memory limit and output limit cases, then a syntax error."""

from __future__ import annotations

import asyncio

import pytest

from actors.sandbox import Sandbox, run_job, run_once
from engine.execution.languages import Language
from engine.execution.limits import OUTPUT_LIMIT_BYTES, Limits
from engine.execution.results import JobResult, reference_fields
from engine.execution.verdicts import Verdict
from tests.execution.conftest import SESSION_UIDS, needs_sandbox
from tests.execution.programs import BEHAVIOURS, HELLO, SYNTAX_ERRORS

pytestmark = [pytest.mark.anyio, needs_sandbox]

LANGUAGES = list(Language)
MATRIX_LIMITS = Limits(time_ms=1000, memory_mb=128)
MATRIX = [
    ("echo\nab c\n  d\n", "ab c  \n  d\n\n", Verdict.ACCEPTED),
    ("wrong\n", "yes", Verdict.WRONG_ANSWER),
    ("crash\n", None, Verdict.RUNTIME_ERROR),
    ("spin\n", None, Verdict.TIME_LIMIT_EXCEEDED),
    ("hog\n", None, Verdict.MEMORY_LIMIT_EXCEEDED),
    ("flood\n", None, Verdict.OUTPUT_LIMIT_EXCEEDED),
]


def _explain(result: JobResult) -> str:
    lines = [f"{result.language}: {result.verdict}; compile: {result.compile.message[:500]}"]
    for case in result.cases:
        run = case.execution
        if run is not None:
            lines.append(
                f"  {case.index} {case.verdict} exit={run.exit_code} signal={run.signal} cpu={run.cpu_ms}"
                f" wall={run.wall_ms} peak={run.peak_memory_kb}KiB stderr={run.stderr[-300:]!r}"
            )
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_run_once_hello_world(sandbox: Sandbox, language: Language) -> None:
    result = await run_once(language, HELLO[language], sandbox=sandbox)
    assert result.verdict is Verdict.ACCEPTED, _explain(result)
    assert result.compile.ok
    (case,) = result.cases
    assert case.execution is not None
    assert case.execution.stdout == "Hello, World!\n"
    assert case.execution.stderr == ""
    assert 0 < case.execution.peak_memory_kb < 128 * 1024
    assert case.execution.wall_ms > 0
    fields = reference_fields(case, result.limits)
    assert (fields["status"], fields["exitCode"], fields["passed"], fields["timedOut"]) == (
        "completed",
        0,
        None,
        False,
    )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_run_job_gives_each_case_its_verdict(sandbox: Sandbox, language: Language) -> None:
    cases = [(stdin, expected) for stdin, expected, _ in MATRIX]
    result = await run_job(language, BEHAVIOURS[language], cases, MATRIX_LIMITS, sandbox=sandbox)
    assert [case.verdict for case in result.cases] == [verdict for *_, verdict in MATRIX], _explain(result)
    assert result.verdict is Verdict.WRONG_ANSWER
    echo, wrong, crash, spin, hog, flood = (case.execution for case in result.cases)
    assert echo is not None and echo.stdout == "ab c\n  d\n"
    assert wrong is not None and wrong.stdout == "nope\n"
    assert crash is not None and crash.exit_code != 0
    assert spin is not None and (spin.timed_out or spin.cpu_ms > MATRIX_LIMITS.time_ms)
    assert hog is not None and "x" * 10 not in hog.stdout
    assert flood is not None and flood.stdout_truncated and len(flood.stdout) == OUTPUT_LIMIT_BYTES
    assert (result.passed_count, result.failed_count) == (1, 1)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_run_job_reports_syntax_errors_as_compilation_errors(
    sandbox: Sandbox, language: Language
) -> None:
    source, fragment = SYNTAX_ERRORS[language]
    result = await run_job(language, source, [("", "x"), ("", None)], sandbox=sandbox)
    assert result.verdict is Verdict.COMPILATION_ERROR, _explain(result)
    assert [case.verdict for case in result.cases] == [Verdict.COMPILATION_ERROR] * 2
    assert all(case.execution is None for case in result.cases)
    assert fragment in result.compile.message
    fields = reference_fields(result.cases[0], result.limits, result.compile.message)
    assert fragment in fields["error"]


async def test_run_job_concurrent_jobs_never_share_a_uid(sandbox: Sandbox) -> None:
    source = "import os\nprint(os.getuid())\n"
    results = await asyncio.gather(*(run_once(Language.PYTHON, source, sandbox=sandbox) for _ in range(3)))
    uids = {int(result.cases[0].execution.stdout) for result in results if result.cases[0].execution}
    assert len(uids) == 3
    assert uids <= set(SESSION_UIDS)
