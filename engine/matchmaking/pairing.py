"""Compatibility of two tickets and of a ticket with an open room (reference §10.3), role assignment,
the room language and the problem choice.

Hard constraints (never relaxed): every non-empty list pair overlaps (languages, difficulties, topics;
problem ids when both gave some), a role assignment exists (an empty role list means any role,
observer-only never pairs), neither declined the other (tickets.hard_compatible), and — when either side
constrained the problem — a published problem qualifies that neither has solved. Skill is the soft
constraint (see skill.window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Protocol

from engine.matchmaking.preferences import ALL_DIFFICULTIES, DIFFICULTIES
from engine.matchmaking.tickets import Probe, Ticket, probe
from engine.problems.model import LANGUAGES, Difficulty
from engine.room.roles import RoomRole


class Chooser(Protocol):
    """The randomness the caller passes in (random.Random satisfies it)."""

    def randrange(self, stop: int, /) -> int: ...


@dataclass(frozen=True)
class CatalogueProblem:
    id: str
    difficulty: Difficulty
    tags: frozenset[str]
    updated_at: datetime

    @cached_property
    def difficulty_bit(self) -> int:
        return 1 << DIFFICULTIES.index(self.difficulty)


@dataclass(frozen=True)
class Catalogue:
    """The published problems, most recently updated first; `version` changes when the set changes."""

    problems: tuple[CatalogueProblem, ...] = ()
    version: str = ""

    @cached_property
    def by_id(self) -> dict[str, CatalogueProblem]:
        return {p.id: p for p in self.problems}


@dataclass(frozen=True)
class OpenRoom:
    """A public waiting room with somebody in it and a free slot (the "existing rooms first" step)."""

    room_id: str
    code: str
    host_id: str
    language: str | None
    problem_id: str | None
    difficulty: Difficulty | None
    tags: frozenset[str]
    member_ids: frozenset[str]
    free_roles: frozenset[RoomRole]
    open_seats: int
    created_at: datetime


@dataclass(frozen=True)
class PairPlan:
    """Who interviews (and hosts), who is the candidate, in which language, on which problem."""

    interviewer: Ticket
    candidate: Ticket
    language: str
    problem_id: str | None
    difficulty: Difficulty | None


def room_language(a: Probe, b: Probe) -> str:
    """The first shared language in canonical order; with no language given, python (LANGUAGES[0])."""
    shared = a.languages & b.languages
    return LANGUAGES[(shared & -shared).bit_length() - 1] if shared else LANGUAGES[0]


def _effective(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """Both gave → the intersection; one gave → that; neither → None (any)."""
    if a is not None and b is not None:
        return a & b
    return a if a is not None else b


def _fits(p: CatalogueProblem, diffs: int, topics: frozenset[str] | None) -> bool:
    return bool(p.difficulty_bit & diffs) and (topics is None or not p.tags.isdisjoint(topics))


def choose_problem(
    a: Probe, b: Probe | None, catalogue: Catalogue, rng: Chooser
) -> tuple[CatalogueProblem | None, bool]:
    """(problem, ok). A problem neither has solved, within the effective ids, difficulties and topics:
    random among given ids, else the most recently updated. No constraint and nothing left → (None, ok);
    a constraint and nothing qualifies → (None, not ok): the pair is skipped."""
    diffs = a.difficulties & (b.difficulties if b else ALL_DIFFICULTIES)
    topics = _effective(a.topics, b.topics if b else None)
    ids = _effective(a.problem_ids, b.problem_ids if b else None)
    solved_b = b.solved if b else frozenset()
    if ids is not None:
        found = (catalogue.by_id.get(i) for i in sorted(ids) if i not in a.solved and i not in solved_b)
        pool = [p for p in found if p is not None and _fits(p, diffs, topics)]
        return (pool[rng.randrange(len(pool))], True) if pool else (None, False)
    for problem in catalogue.problems:
        if problem.id not in a.solved and problem.id not in solved_b and _fits(problem, diffs, topics):
            return problem, True
    return None, not (a.constrains or (b is not None and b.constrains))


def plan_pair(a: Probe, b: Probe, catalogue: Catalogue, rng: Chooser) -> PairPlan | None:
    """The room two hard-compatible tickets get: the first interviews when it can, else the second; or
    None when the problem rule refuses them."""
    problem, ok = choose_problem(a, b, catalogue, rng)
    if not ok:
        return None
    first_interviews = a.interviews and b.candidate
    return PairPlan(
        interviewer=a.ticket if first_interviews else b.ticket,
        candidate=b.ticket if first_interviews else a.ticket,
        language=room_language(a, b),
        problem_id=problem.id if problem else None,
        difficulty=problem.difficulty if problem else None,
    )


def solo_problem(ticket: Ticket, catalogue: Catalogue, rng: Chooser) -> CatalogueProblem | None:
    """A problem for one user (an AI room): their constraints, not solved by them."""
    return choose_problem(probe(ticket), None, catalogue, rng)[0]


def _room_role(ticket: Ticket, room: OpenRoom) -> RoomRole | None:
    wanted = ticket.preferences.roles or (RoomRole.INTERVIEWER, RoomRole.CANDIDATE)
    free = room.free_roles | {RoomRole.OBSERVER}
    return next((role for role in wanted if role in free), None)


def room_fit(ticket: Ticket, room: OpenRoom) -> RoomRole | None:
    """The role the ticket's user would take in `room`, or None when the room does not fit their
    non-empty preference lists (language, difficulty, problem, topic) or has no seat they want (an
    empty role list wants the interviewer or candidate seat, never only to watch)."""
    prefs = ticket.preferences
    if room.open_seats <= 0 or ticket.user_id in room.member_ids or room.room_id in ticket.tried_rooms:
        return None
    if prefs.languages and room.language not in prefs.languages:
        return None
    if prefs.difficulties and room.difficulty not in prefs.difficulties:
        return None
    if prefs.problem_ids and room.problem_id not in prefs.problem_ids:
        return None
    if prefs.topics and room.tags.isdisjoint(prefs.topics):
        return None
    return _room_role(ticket, room)
