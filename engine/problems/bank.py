"""The shipped problem bank: schema of a problem file and the rules the whole bank must meet.

Input is the parsed `problem.toml` plus the text of its generated test files; output is a Problem and
its test cases, or a BankError listing every violation. Pure: the caller reads the files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.problems.model import LANGUAGES, Difficulty, Example, Problem, TestCase, bank_problem_id

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COMPILED = {"cpp", "c", "java", "go", "rust"}
MIN_EXAMPLES, MIN_TESTS, MIN_HIDDEN, HINTS = 2, 10, 6, 3
BANK_MINIMUMS = {Difficulty.EASY: 12, Difficulty.MEDIUM: 18, Difficulty.HARD: 10}
BANK_MIN_TOTAL = 40
REQUIRED_TOPICS = (
    "arrays",
    "strings",
    "hashing",
    "two-pointers",
    "sliding-window",
    "stack",
    "binary-search",
    "linked-list",
    "trees",
    "graphs",
    "shortest-path",
    "topological-sort",
    "dynamic-programming",
    "greedy",
    "heap",
    "intervals",
    "backtracking",
    "bit-manipulation",
)
REQUIRED_KEYS = (
    "slug",
    "title",
    "difficulty",
    "tags",
    "time_limit_ms",
    "memory_limit_mb",
    "optimal_time",
    "optimal_space",
    "statement",
    "constraints",
    "hints",
    "examples",
    "tests",
    "starter",
    "solutions",
)


class BankError(ValueError):
    """A problem file breaks the bank's schema."""

    def __init__(self, slug: str, problems: list[str]) -> None:
        super().__init__(f"{slug}: " + "; ".join(problems))
        self.slug = slug
        self.problems = problems


@dataclass(frozen=True)
class BankEntry:
    problem: Problem
    tests: tuple[TestCase, ...]


def _schema_errors(raw: Mapping[str, Any]) -> list[str]:
    errors = [f"missing {key}" for key in REQUIRED_KEYS if key not in raw]
    if errors:
        return errors
    if not SLUG.match(str(raw["slug"])):
        errors.append("slug must be lowercase kebab-case")
    if raw["difficulty"] not in Difficulty.__members__.values():
        errors.append(f"unknown difficulty {raw['difficulty']!r}")
    if len(raw["hints"]) != HINTS:
        errors.append(f"needs exactly {HINTS} hints")
    if len(raw["examples"]) < MIN_EXAMPLES or not all(e.get("explanation") for e in raw["examples"]):
        errors.append(f"needs >= {MIN_EXAMPLES} examples, each with an explanation")
    hidden = sum(1 for t in raw["tests"] if t.get("hidden"))
    if len(raw["tests"]) < MIN_TESTS or hidden < MIN_HIDDEN:
        errors.append(f"needs >= {MIN_TESTS} tests with >= {MIN_HIDDEN} hidden")
    errors += [
        f"statement lacks '{s}'" for s in ("## Input format", "## Output format") if s not in raw["statement"]
    ]
    errors += [f"missing starter code for {lang}" for lang in LANGUAGES if lang not in raw["starter"]]
    solutions = set(raw["solutions"])
    if "python" not in solutions or not solutions & COMPILED:
        errors.append("needs reference solutions in python and one compiled language")
    return errors


def _case(raw: Mapping[str, Any], files: Mapping[str, str], errors: list[str]) -> TestCase | None:
    text_in = raw.get("input") if "input" in raw else files.get(str(raw.get("input_file")))
    text_out = raw.get("expected") if "expected" in raw else files.get(str(raw.get("expected_file")))
    if text_in is None or text_out is None:
        errors.append(f"test file missing: {raw.get('input_file')}/{raw.get('expected_file')}")
        return None
    return TestCase(
        input=text_in,
        expected_output=text_out,
        is_hidden=bool(raw.get("hidden", False)),
        description=raw.get("description"),
    )


def parse_problem(raw: Mapping[str, Any], files: Mapping[str, str], now: datetime) -> BankEntry:
    """Validate one problem file; `files` maps tests/ file names to their text."""
    errors = _schema_errors(raw)
    if errors:
        raise BankError(str(raw.get("slug", "?")), errors)
    tests = [_case(t, files, errors) for t in raw["tests"]]
    if errors:
        raise BankError(raw["slug"], errors)
    cases = tuple(t for t in tests if t is not None)
    constraints = raw["constraints"]
    problem = Problem(
        id=bank_problem_id(raw["slug"]),
        slug=raw["slug"],
        title=raw["title"].strip(),
        description=raw["statement"].strip(),
        difficulty=Difficulty(raw["difficulty"]),
        tags=tuple(raw["tags"]),
        company=raw.get("company"),
        constraints="\n".join(f"- {c}" for c in constraints)
        if isinstance(constraints, list)
        else constraints,
        examples=tuple(Example(e["input"], e["output"], e.get("explanation")) for e in raw["examples"]),
        starter_code=dict(raw["starter"]),
        time_limit_ms=int(raw["time_limit_ms"]),
        memory_limit_mb=int(raw["memory_limit_mb"]),
        is_published=True,
        created_at=now,
        updated_at=now,
        test_case_count=len(cases),
        hidden_test_case_count=sum(1 for c in cases if c.is_hidden),
        hints=tuple(raw["hints"]),
        optimal_time=raw["optimal_time"],
        optimal_space=raw["optimal_space"],
        solutions=dict(raw["solutions"]),
    )
    return BankEntry(problem=problem, tests=cases)


def bank_errors(problems: list[Problem]) -> list[str]:
    """What the bank as a whole lacks: counts per difficulty, total, topic coverage, unique titles."""
    errors: list[str] = []
    counts = Counter(p.difficulty for p in problems)
    if len(problems) < BANK_MIN_TOTAL:
        errors.append(f"bank has {len(problems)} problems, needs {BANK_MIN_TOTAL}")
    errors += [
        f"needs >= {need} {level.value} problems, has {counts[level]}"
        for level, need in BANK_MINIMUMS.items()
        if counts[level] < need
    ]
    tags = {t for p in problems for t in p.tags}
    errors += [f"no problem covers {topic}" for topic in REQUIRED_TOPICS if topic not in tags]
    titles = Counter(p.title.lower() for p in problems)
    errors += [f"duplicate title {t!r}" for t, n in titles.items() if n > 1]
    return errors
