"""The shipped problem bank for AI tests, parsed without generating the large test files (the AI never
reads them): file-based cases are left out, so loading the whole bank takes milliseconds."""

from __future__ import annotations

import dataclasses
import functools
import tomllib
import uuid
from datetime import UTC, datetime
from typing import Any

from engine.problems.bank import BankEntry, parse_problem
from engine.problems.model import Problem
from storage.bank import BANK_DIR, problem_dirs

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def _inline_only(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    files = {str(t[k]): "" for t in raw["tests"] for k in ("input_file", "expected_file") if k in t}
    return raw, files


@functools.cache
def bank() -> tuple[BankEntry, ...]:
    entries = []
    for folder in problem_dirs(BANK_DIR):
        raw, files = _inline_only(tomllib.loads((folder / "problem.toml").read_text()))
        entry = parse_problem(raw, files, NOW)
        inline = tuple(c for c, t in zip(entry.tests, raw["tests"], strict=True) if "input_file" not in t)
        problem = dataclasses.replace(
            entry.problem,
            test_case_count=len(inline),
            hidden_test_case_count=sum(c.is_hidden for c in inline),
        )
        entries.append(BankEntry(problem=problem, tests=inline))
    return tuple(entries)


def problem(slug: str) -> BankEntry:
    return next(e for e in bank() if e.problem.slug == slug)


def private_copy(entry: BankEntry) -> tuple[Problem, tuple[Any, ...]]:
    """The problem under a fresh id and title (the session's seeder may store the bank one)."""
    suffix = uuid.uuid4().hex[:8]
    copy = dataclasses.replace(
        entry.problem, id=str(uuid.uuid4()), slug=None, title=f"{entry.problem.title} {suffix}"
    )
    return copy, entry.tests
