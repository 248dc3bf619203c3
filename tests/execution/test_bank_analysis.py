"""Static analysis of real code: bank problems' reference solutions and their starter code in all eight
languages. Every tool must complete (its output read, nothing timed out) and none may report an error:
this code compiles and is accepted (tests/execution/test_bank_sandbox.py). A sample of the bank keeps
this quick; `.venv/bin/python scripts/bench_analysis.py --all` runs the whole bank (all 43 pass)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from actors.analysis import analyse
from actors.sandbox import Sandbox
from engine.analysis.model import AnalysisStatus, Severity, ToolStatus
from storage.bank import BANK_DIR, load_problem, problem_dirs
from tests.execution.conftest import needs_sandbox

pytestmark = [pytest.mark.anyio, needs_sandbox]

NOW = datetime(2026, 11, 28, tzinfo=UTC)
SAMPLE = problem_dirs(BANK_DIR)[::11]


@pytest.mark.parametrize("folder", SAMPLE, ids=[f.name for f in SAMPLE])
async def test_bank_code_analyses_cleanly(sandbox: Sandbox, folder: Path) -> None:
    problem = (await asyncio.to_thread(load_problem, folder, NOW)).problem
    sources = [(f"starter {lang}", lang, code) for lang, code in sorted(problem.starter_code.items())]
    sources += [(f"solution {lang}", lang, code) for lang, code in sorted(problem.solutions.items())]
    problems = []
    for name, language, code in sources:
        report = await analyse(language, code, sandbox=sandbox)
        failed = [r for r in report.tool_results if r.status is not ToolStatus.COMPLETED]
        errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
        if report.status is not AnalysisStatus.COMPLETED or failed or errors:
            problems.append(f"{name}: {failed} {errors}")
        if language in ("python", "cpp") and name.startswith("solution"):
            assert report.complexity, f"{name}: lizard found no function"
    assert problems == [], "\n".join(problems)
