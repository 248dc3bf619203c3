"""The problem aggregate as the domain sees it, and the small rules around it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

LANGUAGES = ("python", "javascript", "typescript", "java", "cpp", "c", "go", "rust")
BANK_NAMESPACE = uuid.UUID("5b2f0b9e-3d1c-4c52-9f5e-6f1f3b7f2a10")


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"

    @property
    def rank(self) -> int:
        return list(Difficulty).index(self)


class AttemptStatus(StrEnum):
    SOLVED = "solved"
    ATTEMPTED = "attempted"
    TODO = "todo"


class ProblemSort(StrEnum):
    TITLE = "title"
    DIFFICULTY = "difficulty"
    CREATED_AT = "createdAt"
    POPULARITY = "popularity"
    TOTAL_SUBMISSIONS = "totalSubmissions"


@dataclass(frozen=True)
class Example:
    input: str
    output: str
    explanation: str | None = None


@dataclass(frozen=True)
class TestCase:
    input: str
    expected_output: str
    is_hidden: bool
    description: str | None = None
    timeout_ms: int | None = None
    memory_mb: int | None = None


@dataclass(frozen=True)
class Problem:
    """A problem; `slug` is set for bank problems, `deleted_at` for soft-deleted ones."""

    id: str
    title: str
    description: str
    difficulty: Difficulty
    tags: tuple[str, ...]
    company: str | None
    constraints: str | None
    examples: tuple[Example, ...]
    starter_code: dict[str, str]
    time_limit_ms: int | None
    memory_limit_mb: int | None
    is_published: bool
    created_at: datetime
    updated_at: datetime
    test_case_count: int = 0
    hidden_test_case_count: int = 0
    total_submissions: int = 0
    accepted_submissions: int = 0
    slug: str | None = None
    hints: tuple[str, ...] = ()
    optimal_time: str | None = None
    optimal_space: str | None = None
    solutions: dict[str, str] = field(default_factory=dict)
    deleted_at: datetime | None = None


def bank_problem_id(slug: str) -> str:
    """Bank problems get a stable id derived from their slug (same id on every machine)."""
    return str(uuid.uuid5(BANK_NAMESPACE, slug))


def acceptance_rate(total: int, accepted: int) -> float | None:
    """Percentage with two decimals; None before the first submission."""
    return round(accepted / total * 100, 2) if total else None


def popularity(total: int, accepted: int) -> float:
    return accepted / total if total else 0.0


def tag_name(slug: str) -> str:
    """Display name of a tag slug: `two-pointers` -> `Two Pointers`."""
    return " ".join(part.capitalize() for part in slug.split("-"))


def attempt_status(solved: bool, attempted: bool) -> AttemptStatus | None:
    if solved:
        return AttemptStatus.SOLVED
    return AttemptStatus.ATTEMPTED if attempted else None
