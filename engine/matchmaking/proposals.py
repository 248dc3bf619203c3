"""Proposals: a decided match waiting for its parties' accepts, then for its room.

Theory of operation (one table; `next_state` is the only place a proposal changes state):

    state       event                       next        effect
    proposed    accept (not yet everyone)   proposed    the seat is marked accepted
    proposed    accept (everyone now)       confirmed   room work becomes leasable
    proposed    decline / deadline passes   closed      accepters back at their place, the rest last
    confirmed   accept (again)              confirmed   nothing
    confirmed   lease                       confirmed   one executor holds the room work for LEASE_S
    confirmed   settle (room made)          closed      every party is matched to the room
    confirmed   settle (failed)             closed      every party back at their place
    any         a party cancels             closed      the other parties back at their place

A ticket that did not ask for confirmation is accepted from the start, so a match between two such
tickets is confirmed at once (the reference's behaviour). Invariant: a user is in at most one ticket or
proposal (the Matchmaker checks it), and a proposal's seats hold the tickets exactly as they waited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from engine.errors import Conflict, ErrorCode, Gone
from engine.matchmaking.tickets import Ticket
from engine.problems.model import Difficulty
from engine.room.roles import RoomRole

PROPOSAL_TTL_S: Final = 30
LEASE_S: Final = 60
"""How long one gateway may take to create (or join) the room before another may try."""
MATCHED_TTL_S: Final = 600
"""How long `matched` is reported after the room was made (until the user dismisses it)."""


class ProposalState(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CLOSED = "closed"


class ProposalEvent(StrEnum):
    ACCEPT = "accept"
    ALL_ACCEPTED = "all-accepted"
    DECLINE = "decline"
    LEASE = "lease"
    SETTLE = "settle"
    CANCEL = "cancel"


TRANSITIONS: Final[dict[tuple[ProposalState, ProposalEvent], ProposalState]] = {
    (ProposalState.PROPOSED, ProposalEvent.ACCEPT): ProposalState.PROPOSED,
    (ProposalState.PROPOSED, ProposalEvent.ALL_ACCEPTED): ProposalState.CONFIRMED,
    (ProposalState.PROPOSED, ProposalEvent.DECLINE): ProposalState.CLOSED,
    (ProposalState.PROPOSED, ProposalEvent.CANCEL): ProposalState.CLOSED,
    (ProposalState.CONFIRMED, ProposalEvent.ALL_ACCEPTED): ProposalState.CONFIRMED,
    (ProposalState.CONFIRMED, ProposalEvent.LEASE): ProposalState.CONFIRMED,
    (ProposalState.CONFIRMED, ProposalEvent.SETTLE): ProposalState.CLOSED,
    (ProposalState.CONFIRMED, ProposalEvent.CANCEL): ProposalState.CLOSED,
}


def next_state(state: ProposalState, event: ProposalEvent) -> ProposalState:
    found = TRANSITIONS.get((state, event))
    if found is not None:
        return found
    if state is ProposalState.CONFIRMED:
        raise Conflict(ErrorCode.MATCH_ALREADY_CONFIRMED, "Everyone accepted; the room is being made")
    raise Gone(ErrorCode.MATCH_EXPIRED, f"The match is {state.value}; cannot {event.value}")


class PlanKind(StrEnum):
    NEW_ROOM = "new-room"
    EXISTING_ROOM = "existing-room"


@dataclass(frozen=True)
class Plan:
    """What room the match leads to: a new peer room, or a seat in an existing public room."""

    kind: PlanKind
    language: str | None
    problem_id: str | None
    difficulty: Difficulty | None
    room_id: str | None = None
    room_code: str | None = None
    host_id: str | None = None


@dataclass(frozen=True)
class Seat:
    ticket: Ticket
    role: RoomRole
    accepted: bool

    @property
    def user_id(self) -> str:
        return self.ticket.user_id


@dataclass(frozen=True)
class Lease:
    token: str
    until: datetime


@dataclass(frozen=True)
class Proposal:
    match_id: str
    seats: tuple[Seat, ...]
    """New room: (interviewer = host, candidate). Existing room: the one joining user."""
    plan: Plan
    created_at: datetime
    deadline: datetime
    state: ProposalState = ProposalState.PROPOSED
    lease: Lease | None = None

    def seat_of(self, user_id: str) -> Seat | None:
        return next((s for s in self.seats if s.user_id == user_id), None)

    def others(self, user_id: str) -> tuple[Seat, ...]:
        return tuple(s for s in self.seats if s.user_id != user_id)

    def partner_of(self, user_id: str) -> str | None:
        """The other seat's user, or the host of the existing room."""
        other = self.others(user_id)
        return other[0].user_id if other else self.plan.host_id

    def accepted_by(self, user_id: str) -> Proposal:
        seats = tuple(replace(s, accepted=True) if s.user_id == user_id else s for s in self.seats)
        event = ProposalEvent.ALL_ACCEPTED if all(s.accepted for s in seats) else ProposalEvent.ACCEPT
        return replace(self, seats=seats, state=next_state(self.state, event))

    def leased(self, token: str, now: datetime) -> Proposal:
        state = next_state(self.state, ProposalEvent.LEASE)
        return replace(self, state=state, lease=Lease(token, now + timedelta(seconds=LEASE_S)))

    def lease_free(self, now: datetime) -> bool:
        return self.state is ProposalState.CONFIRMED and (self.lease is None or self.lease.until <= now)


def propose(match_id: str, seats: tuple[Seat, ...], plan: Plan, now: datetime) -> Proposal:
    """A new proposal; confirmed at once when no seat needs to accept."""
    everyone = all(s.accepted for s in seats)
    event = ProposalEvent.ALL_ACCEPTED if everyone else ProposalEvent.ACCEPT
    return Proposal(
        match_id=match_id,
        seats=seats,
        plan=plan,
        created_at=now,
        deadline=now + timedelta(seconds=PROPOSAL_TTL_S),
        state=next_state(ProposalState.PROPOSED, event),
    )


@dataclass(frozen=True)
class Work:
    """Room work a gateway performs for a confirmed proposal under the lease `token`."""

    match_id: str
    token: str
    plan: Plan
    seats: tuple[tuple[str, RoomRole], ...]


@dataclass(frozen=True)
class Matched:
    """A user's match once the room exists (reported until dismissed or MATCHED_TTL_S)."""

    user_id: str
    request_id: str
    match_id: str
    room_id: str
    matched_with: str | None
    role: RoomRole
    ticket: Ticket
    matched_at: datetime
    expires_at: datetime
