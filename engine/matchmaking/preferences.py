"""Matchmaking preferences (reference §10.1): what a user asks of a partner, normalised, and their bitmasks.

Invariant: a `Preferences` is always normalised — no duplicates; languages, difficulties and roles in
canonical enum order; topics trimmed and non-empty; every list within its bound. An empty list means
"any". `Probe` is the same preferences packed for the matching loop (bitmasks, where "any" is all bits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from engine.errors import ErrorCode, InvalidInput
from engine.problems.model import LANGUAGES, Difficulty
from engine.room.roles import RoomRole

MAX_LANGUAGES: Final = 8
MAX_DIFFICULTIES: Final = 3
MAX_PROBLEM_IDS: Final = 20
MAX_TOPICS: Final = 20
MAX_ROLES: Final = 3
TOPIC_MAX_LEN: Final = 50
DIFFICULTIES: Final = tuple(Difficulty)
ROLES: Final = tuple(RoomRole)
ALL_LANGUAGES: Final = (1 << len(LANGUAGES)) - 1
ALL_DIFFICULTIES: Final = (1 << len(DIFFICULTIES)) - 1


@dataclass(frozen=True)
class Preferences:
    languages: tuple[str, ...] = ()
    difficulties: tuple[Difficulty, ...] = ()
    problem_ids: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    roles: tuple[RoomRole, ...] = ()

    @property
    def can_interview(self) -> bool:
        return not self.roles or RoomRole.INTERVIEWER in self.roles

    @property
    def can_be_candidate(self) -> bool:
        return not self.roles or RoomRole.CANDIDATE in self.roles


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _bounded(name: str, values: tuple[str, ...], limit: int) -> tuple[str, ...]:
    if len(values) > limit:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, f"{name}: at most {limit}", {name: f"max {limit}"})
    return values


def _canonical(name: str, values: Iterable[str], order: tuple[str, ...]) -> tuple[str, ...]:
    given = set(values)
    unknown = sorted(given - set(order))
    if unknown:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, f"{name}: unknown {unknown[0]}", {name: "unknown value"}
        )
    return tuple(v for v in order if v in given)


def normalise(
    languages: Iterable[str] = (),
    difficulties: Iterable[str] = (),
    problem_ids: Iterable[str] = (),
    topics: Iterable[str] = (),
    roles: Iterable[str] = (),
) -> Preferences:
    """De-duplicate, re-order into canonical order, trim topics; refuse unknown values and long lists."""
    langs = _bounded("languages", _canonical("languages", languages, LANGUAGES), MAX_LANGUAGES)
    diffs = _canonical("difficulties", difficulties, tuple(d.value for d in DIFFICULTIES))
    role_names = _canonical("roles", roles, tuple(r.value for r in ROLES))
    trimmed = [t.strip() for t in topics]
    if any(not t or len(t) > TOPIC_MAX_LEN for t in trimmed):
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "topics: empty or too long", {"topics": "invalid"})
    return Preferences(
        languages=langs,
        difficulties=tuple(Difficulty(d) for d in diffs),
        problem_ids=_bounded("problemIds", _unique(problem_ids), MAX_PROBLEM_IDS),
        topics=_bounded("topics", _unique(trimmed), MAX_TOPICS),
        roles=tuple(RoomRole(r) for r in role_names),
    )


def language_mask(languages: tuple[str, ...]) -> int:
    if not languages:
        return ALL_LANGUAGES
    return sum(1 << LANGUAGES.index(lang) for lang in languages)


def difficulty_mask(difficulties: tuple[Difficulty, ...]) -> int:
    if not difficulties:
        return ALL_DIFFICULTIES
    return sum(1 << DIFFICULTIES.index(d) for d in difficulties)


def shared_languages(a: Preferences, b: Preferences) -> tuple[str, ...]:
    """The languages both accept, in canonical order (an empty list accepts every language)."""
    mask = language_mask(a.languages) & language_mask(b.languages)
    if not a.languages and not b.languages:
        return ()
    return tuple(lang for i, lang in enumerate(LANGUAGES) if mask >> i & 1)
