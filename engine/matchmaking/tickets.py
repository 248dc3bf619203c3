"""Tickets: one user waiting in the queue, with the facts the matching loop needs.

Invariant: `seq` is the ticket's place in the FIFO order and is kept when the ticket returns to the queue
after somebody else declined (or let a proposal time out); a decliner gets a new, larger `seq` and a
fresh `entered_at` (the back of the queue). `avoid` holds the users this ticket must not be paired with
again (declines, both ways), bounded by AVOID_MAX.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Final

from engine.matchmaking.preferences import Preferences, difficulty_mask, language_mask
from engine.matchmaking.skill import Skill

TICKET_TTL_S: Final = 120
"""A ticket nobody polls for this long expires (every poll extends it, as the reference)."""
AVOID_MAX: Final = 50
TRIED_ROOMS_MAX: Final = 50


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    user_id: str
    seq: int
    entered_at: datetime
    expires_at: datetime
    preferences: Preferences
    skill: Skill = field(default_factory=Skill)
    solved: frozenset[str] = frozenset()
    require_confirmation: bool = False
    avoid: frozenset[str] = frozenset()
    tried_rooms: frozenset[str] = frozenset()

    def waited_s(self, now: datetime) -> float:
        return max(0.0, (now - self.entered_at).total_seconds())

    def polled(self, now: datetime) -> Ticket:
        return replace(self, expires_at=max(self.expires_at, now + timedelta(seconds=TICKET_TTL_S)))

    def avoiding(self, user_id: str) -> Ticket:
        kept = sorted(self.avoid | {user_id})[-AVOID_MAX:]
        return replace(self, avoid=frozenset(kept))

    def having_tried(self, room_id: str) -> Ticket:
        kept = sorted(self.tried_rooms | {room_id})[-TRIED_ROOMS_MAX:]
        return replace(self, tried_rooms=frozenset(kept))

    def to_back(self, seq: int, now: datetime) -> Ticket:
        return replace(self, seq=seq, entered_at=now, expires_at=now + timedelta(seconds=TICKET_TTL_S))


@dataclass(frozen=True, slots=True)
class Probe:
    """A ticket packed for the hot loop of a matching cycle."""

    ticket: Ticket
    seq: int
    user_id: str
    languages: int
    difficulties: int
    constrains: bool
    """The ticket names problems, difficulties or topics (so a pair without a fitting problem fails)."""
    interviews: bool
    candidate: bool
    topics: frozenset[str] | None
    problem_ids: frozenset[str] | None
    avoid: frozenset[str]
    solved: frozenset[str]
    mu: float
    sigma: float
    entered_ts: float


def probe(ticket: Ticket) -> Probe:
    prefs = ticket.preferences
    return Probe(
        ticket=ticket,
        seq=ticket.seq,
        user_id=ticket.user_id,
        languages=language_mask(prefs.languages),
        difficulties=difficulty_mask(prefs.difficulties),
        constrains=bool(prefs.problem_ids or prefs.difficulties or prefs.topics),
        interviews=prefs.can_interview,
        candidate=prefs.can_be_candidate,
        topics=frozenset(prefs.topics) if prefs.topics else None,
        problem_ids=frozenset(prefs.problem_ids) if prefs.problem_ids else None,
        avoid=ticket.avoid,
        solved=ticket.solved,
        mu=ticket.skill.mu,
        sigma=ticket.skill.sigma,
        entered_ts=ticket.entered_at.timestamp(),
    )


def hard_compatible(a: Probe, b: Probe) -> bool:
    """Preferences overlap, roles can be assigned, nobody declined the other."""
    return (
        a.languages & b.languages != 0
        and a.difficulties & b.difficulties != 0
        and ((a.interviews and b.candidate) or (b.interviews and a.candidate))
        and (a.topics is None or b.topics is None or not a.topics.isdisjoint(b.topics))
        and (a.problem_ids is None or b.problem_ids is None or not a.problem_ids.isdisjoint(b.problem_ids))
        and b.user_id not in a.avoid
        and a.user_id not in b.avoid
    )
