"""What a user is told about themselves (`Status`), and what one engine step changed (`Changes`).

Invariant: a user is in exactly one status at a time: idle, searching (a waiting ticket), proposed (a
seat in an open proposal) or matched (a room was made and not yet dismissed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.matchmaking.proposals import Matched, Proposal, Seat
from engine.matchmaking.tickets import Ticket


@dataclass(frozen=True)
class Idle:
    pass


@dataclass(frozen=True)
class Searching:
    ticket: Ticket
    position: int
    waited_s: float
    estimated_wait_s: int | None


@dataclass(frozen=True)
class Proposed:
    ticket: Ticket
    proposal: Proposal
    seat: Seat


Status = Idle | Searching | Proposed | Matched


@dataclass
class Changes:
    """What to persist: the new value by id, or None for a deletion."""

    tickets: dict[str, Ticket | None] = field(default_factory=dict)
    proposals: dict[str, Proposal | None] = field(default_factory=dict)
    results: dict[str, Matched | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.tickets or self.proposals or self.results)
