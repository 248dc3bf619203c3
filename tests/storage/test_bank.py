"""The shipped problem bank: every file meets the schema, the bank meets its counts and topic coverage,
and every reference solution passes every test case within the time limit."""

from __future__ import annotations

import tempfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.problems.bank import bank_errors
from storage.bank import BANK_DIR, load_bank, load_problem, problem_dirs
from tests.judge import build, run, same_output

NOW = datetime(2026, 11, 28, tzinfo=UTC)
FOLDERS = problem_dirs(BANK_DIR)


def test_every_problem_file_is_valid_and_the_bank_is_complete() -> None:
    bank = load_bank(NOW)
    assert [f"{f.slug}: {f.problems}" for f in bank.failures] == []
    assert bank_errors([e.problem for e in bank.entries]) == []
    for entry in bank.entries:
        p = entry.problem
        raw = tomllib.loads((BANK_DIR / str(p.slug) / "problem.toml").read_text())
        generated = [t for t in raw["tests"] if "input_file" in t and t.get("hidden")]
        assert generated, f"{p.slug} has no generated (large) hidden case"
        assert p.time_limit_ms is not None
        assert p.optimal_time
        assert p.optimal_space


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_reference_solutions_pass_every_case_in_time(folder: Path) -> None:
    entry = load_problem(folder, NOW)
    problem = entry.problem
    assert problem.time_limit_ms is not None
    limit_s = problem.time_limit_ms / 1000
    cases = [(f"example{i}", e.input, e.output) for i, e in enumerate(problem.examples)]
    cases += [(f"test{i}", c.input, c.expected_output) for i, c in enumerate(entry.tests)]
    for language, source in problem.solutions.items():
        with tempfile.TemporaryDirectory() as work:
            command = build(language, source, Path(work))
            for name, stdin, expected in cases:
                outcome = run(command, stdin, wall_limit_s=limit_s * 10)
                assert outcome.returncode == 0, f"{language} {name}: exit {outcome.returncode}"
                assert same_output(outcome.stdout, expected), f"{language} {name}: wrong answer"
                assert outcome.cpu_s <= limit_s, f"{language} {name}: {outcome.cpu_s:.2f}s CPU > {limit_s}s"
