"""The Matchmaker: the whole matchmaking state (waiting pool, open proposals, recent matches) and every
operation on it, pure and deterministic (`now`, ids and randomness come in as arguments).

Invariant: a user is in at most one waiting ticket or open proposal; a matched result is kept apart (a
user may hold one while searching again only after dismissing it or entering the queue, which replaces
it). Every change is recorded in `Changes` so the caller persists exactly what changed.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final

from engine.errors import Conflict, ErrorCode, Gone, NotFound
from engine.matchmaking.cycle import Decision, RoomJoin, WaitingPool
from engine.matchmaking.pairing import Catalogue, Chooser, OpenRoom
from engine.matchmaking.preferences import Preferences
from engine.matchmaking.proposals import (
    MATCHED_TTL_S,
    Matched,
    Plan,
    PlanKind,
    Proposal,
    ProposalEvent,
    ProposalState,
    Seat,
    Work,
    next_state,
    propose,
)
from engine.matchmaking.skill import Skill
from engine.matchmaking.status import Changes, Idle, Proposed, Searching, Status
from engine.matchmaking.tickets import TICKET_TTL_S, Ticket
from engine.room.roles import RoomRole

CLOSED_REMEMBERED: Final = 1000
WAITS_REMEMBERED: Final = 200
EXPIRY_WRITE_SLACK_S: Final = 30
"""A poll extends (and writes) a ticket's expiry only once this much of it was used: one write per
30 s of polling instead of one per poll."""


class Matchmaker:
    def __init__(self) -> None:
        self.pool = WaitingPool()
        self._proposals: dict[str, Proposal] = {}
        self._proposal_of: dict[str, str] = {}
        self._results: dict[str, Matched] = {}
        self._closed: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._waits: deque[float] = deque(maxlen=WAITS_REMEMBERED)
        self._next_seq = 1
        self._changes = Changes()

    # --- queries ----------------------------------------------------------------------------------
    def holds(self, user_id: str) -> bool:
        return self.pool.of_user(user_id) is not None or user_id in self._proposal_of

    def knows_ticket(self, user_id: str, ticket_id: str) -> bool:
        """The user's ticket `ticket_id` is waiting, proposed or matched (a retried enqueue)."""
        waiting = self.pool.of_user(user_id)
        match_id = self._proposal_of.get(user_id)
        seat = self._proposals[match_id].seat_of(user_id) if match_id else None
        result = self._results.get(user_id)
        return ticket_id in {
            waiting.ticket_id if waiting else None,
            seat.ticket.ticket_id if seat else None,
            result.request_id if result else None,
        }

    def proposals(self) -> list[Proposal]:
        return list(self._proposals.values())

    def drain(self) -> Changes:
        changes, self._changes = self._changes, Changes()
        return changes

    def status(self, user_id: str, now: datetime, poll: bool = True) -> Status:
        """The user's state; a poll keeps their ticket alive (as the reference)."""
        ticket = self.pool.of_user(user_id)
        if ticket is not None:
            if poll and _stale(ticket, now):
                ticket = ticket.polled(now)
                self.pool.replace(ticket)
                self._changes.tickets[ticket.ticket_id] = ticket
            return Searching(
                ticket, self.pool.position(ticket), ticket.waited_s(now), self._estimate(ticket, now)
            )
        match_id = self._proposal_of.get(user_id)
        if match_id is not None:
            return self._proposed(self._proposals[match_id], user_id, now, poll)
        result = self._results.get(user_id)
        return result if result is not None and result.expires_at > now else Idle()

    def _proposed(self, proposal: Proposal, user_id: str, now: datetime, poll: bool) -> Proposed:
        seat = proposal.seat_of(user_id)
        assert seat is not None  # noqa: S101 - _proposal_of follows the seats
        if poll and _stale(seat.ticket, now):
            seat = replace(seat, ticket=seat.ticket.polled(now))
            proposal = replace(
                proposal, seats=tuple(seat if s.user_id == user_id else s for s in proposal.seats)
            )
            self._store(proposal)
        return Proposed(seat.ticket, proposal, seat)

    def _estimate(self, ticket: Ticket, now: datetime) -> int | None:
        if not self._waits:
            return None
        return max(0, round(sum(self._waits) / len(self._waits) - ticket.waited_s(now)))

    # --- entering and leaving ---------------------------------------------------------------------
    def enqueue(
        self,
        ticket_id: str,
        user_id: str,
        preferences: Preferences,
        now: datetime,
        *,
        skill: Skill | None = None,
        solved: Iterable[str] = (),
        require_confirmation: bool = False,
    ) -> Ticket:
        """A new ticket at the back; a previous matched result is dismissed. 409 when already in."""
        if self.holds(user_id):
            raise Conflict(ErrorCode.MATCH_ALREADY_SEARCHING, "Already in the matchmaking queue")
        self._dismiss(user_id)
        ticket = Ticket(
            ticket_id=ticket_id,
            user_id=user_id,
            seq=self._take_seq(),
            entered_at=now,
            expires_at=now + timedelta(seconds=TICKET_TTL_S),
            preferences=preferences,
            skill=skill or Skill(),
            solved=frozenset(solved),
            require_confirmation=require_confirmation,
        )
        self._wait(ticket)
        return ticket

    def cancel(self, user_id: str, now: datetime) -> None:
        """Leave the queue or an open proposal (the others go back to their place); dismiss a match."""
        ticket = self.pool.of_user(user_id)
        if ticket is not None:
            self._unwait(ticket)
        match_id = self._proposal_of.get(user_id)
        if match_id is not None:
            proposal = self._proposals[match_id]
            next_state(proposal.state, ProposalEvent.CANCEL)
            self._close(proposal)
            for seat in proposal.others(user_id):
                self._wait(seat.ticket)
        self._dismiss(user_id)

    def withdraw(self, user_id: str) -> Ticket:
        """Take a waiting ticket out (to offer something else instead); 404 when not waiting."""
        ticket = self.pool.of_user(user_id)
        if ticket is None:
            raise NotFound(ErrorCode.MATCH_NOT_QUEUED, "Not searching for a match")
        self._unwait(ticket)
        return ticket

    # --- proposals --------------------------------------------------------------------------------
    def accept(self, user_id: str, match_id: str, now: datetime) -> Proposal:
        proposal = self._open(user_id, match_id, now)
        accepted = proposal.accepted_by(user_id)
        self._store(accepted)
        return accepted

    def decline(self, user_id: str, match_id: str, now: datetime) -> None:
        proposal = self._open(user_id, match_id, now)
        next_state(proposal.state, ProposalEvent.DECLINE)
        self._refused(proposal, {user_id}, now)

    def _open(self, user_id: str, match_id: str, now: datetime) -> Proposal:
        proposal = self._proposals.get(match_id)
        if proposal is None or proposal.seat_of(user_id) is None:
            if user_id in self._closed.get(match_id, frozenset()):
                raise Gone(ErrorCode.MATCH_EXPIRED, "The match is no longer open")
            raise NotFound(ErrorCode.MATCH_NOT_FOUND, "No such match for this user")
        if proposal.state is ProposalState.PROPOSED and proposal.deadline <= now:
            self._timed_out(proposal, now)
            raise Gone(ErrorCode.MATCH_EXPIRED, "The match was not accepted in time")
        return proposal

    def _timed_out(self, proposal: Proposal, now: datetime) -> None:
        self._refused(proposal, {s.user_id for s in proposal.seats if not s.accepted}, now)

    def _refused(self, proposal: Proposal, refusers: set[str], now: datetime) -> None:
        """Decline or timeout: whoever accepted keeps their place, the refusers go to the back, and the
        refused pairing is not proposed again."""
        self._close(proposal)
        users = {s.user_id for s in proposal.seats}
        for seat in sorted(proposal.seats, key=lambda s: s.ticket.seq):
            ticket = seat.ticket
            for other in users - {seat.user_id}:
                ticket = ticket.avoiding(other)
            if seat.user_id in refusers:
                if proposal.plan.room_id:
                    ticket = ticket.having_tried(proposal.plan.room_id)
                ticket = ticket.to_back(self._take_seq(), now)
            self._wait(ticket)

    # --- room work --------------------------------------------------------------------------------
    def lease(self, user_id: str, token: str, now: datetime) -> Work | None:
        """Room work for the user's confirmed proposal, unless another executor holds a live lease."""
        match_id = self._proposal_of.get(user_id)
        proposal = self._proposals.get(match_id) if match_id else None
        if proposal is None:
            return None
        held = proposal.lease is not None and proposal.lease.token == token
        if not held and not proposal.lease_free(now):
            return None
        leased = proposal if held else proposal.leased(token, now)
        if not held:
            self._store(leased)
        seats = tuple((s.user_id, s.role) for s in leased.seats)
        return Work(match_id=leased.match_id, token=token, plan=leased.plan, seats=seats)

    def settle(
        self, match_id: str, token: str, room_id: str | None, now: datetime, drop: Sequence[str] = ()
    ) -> bool:
        """The executor's report. Room made → everyone matched (True). Failed (`room_id` None) → everyone
        but the users in `drop` (banned, deleted) back at their place. A report for a closed match or a
        lost lease changes nothing and answers False: the executor undoes its room work."""
        proposal = self._proposals.get(match_id)
        if proposal is None:  # a repeated report of a match already made answers as the first did
            return room_id is not None and any(
                r.match_id == match_id and r.room_id == room_id for r in self._results.values()
            )
        if proposal.lease is None or proposal.lease.token != token:
            return False
        next_state(proposal.state, ProposalEvent.SETTLE)
        self._close(proposal)
        if room_id is None:
            for seat in proposal.seats:
                if seat.user_id not in drop:
                    tried = seat.ticket.having_tried(proposal.plan.room_id) if proposal.plan.room_id else None
                    self._wait(tried or seat.ticket)
            return False
        for seat in proposal.seats:
            self._matched(proposal, seat, room_id, now)
        return True

    def _matched(self, proposal: Proposal, seat: Seat, room_id: str, now: datetime) -> None:
        self._waits.append(seat.ticket.waited_s(now))
        result = Matched(
            user_id=seat.user_id,
            request_id=seat.ticket.ticket_id,
            match_id=proposal.match_id,
            room_id=room_id,
            matched_with=proposal.partner_of(seat.user_id),
            role=seat.role,
            ticket=seat.ticket,
            matched_at=now,
            expires_at=now + timedelta(seconds=MATCHED_TTL_S),
        )
        self._results[seat.user_id] = result
        self._changes.results[seat.user_id] = result

    # --- time -------------------------------------------------------------------------------------
    def expire(self, now: datetime) -> None:
        """Proposals past their deadline time out; abandoned tickets, proposals and results go."""
        for proposal in list(self._proposals.values()):
            if proposal.state is ProposalState.PROPOSED and proposal.deadline <= now:
                self._timed_out(proposal, now)
            elif proposal.lease_free(now) and all(s.ticket.expires_at <= now for s in proposal.seats):
                self._close(proposal)
        for ticket in [t for t in self.pool if t.expires_at <= now]:
            self._unwait(ticket)
        for user_id in [u for u, r in self._results.items() if r.expires_at <= now]:
            self._dismiss(user_id)

    def expire_user(self, user_id: str, now: datetime) -> None:
        """`expire`, for one user's ticket, proposal and result only (what a poll needs: constant time)."""
        ticket = self.pool.of_user(user_id)
        if ticket is not None and ticket.expires_at <= now:
            self._unwait(ticket)
        match_id = self._proposal_of.get(user_id)
        proposal = self._proposals[match_id] if match_id else None
        if proposal is not None and proposal.state is ProposalState.PROPOSED and proposal.deadline <= now:
            self._timed_out(proposal, now)
        result = self._results.get(user_id)
        if result is not None and result.expires_at <= now:
            self._dismiss(user_id)

    def cycle(
        self,
        now: datetime,
        rooms: Sequence[OpenRoom],
        catalogue: Catalogue,
        rng: Chooser,
        new_id: Callable[[], str],
    ) -> list[Proposal]:
        """Expire, then match: every decision becomes a proposal (confirmed at once where nobody asked
        to confirm)."""
        self.expire(now)
        made = [self._proposal(d, new_id(), now) for d in self.pool.cycle(now, rooms, catalogue, rng)]
        for proposal in made:
            for seat in proposal.seats:
                self._changes.tickets[seat.ticket.ticket_id] = None
            self._store(proposal)
        return made

    def _proposal(self, decision: Decision, match_id: str, now: datetime) -> Proposal:
        if isinstance(decision, RoomJoin):
            room = decision.room
            plan = Plan(
                kind=PlanKind.EXISTING_ROOM,
                language=room.language,
                problem_id=room.problem_id,
                difficulty=room.difficulty,
                room_id=room.room_id,
                room_code=room.code,
                host_id=room.host_id,
            )
            return propose(match_id, (_seat(decision.ticket, decision.role),), plan, now)
        plan = Plan(PlanKind.NEW_ROOM, decision.language, decision.problem_id, decision.difficulty)
        seats = (
            _seat(decision.interviewer, RoomRole.INTERVIEWER),
            _seat(decision.candidate, RoomRole.CANDIDATE),
        )
        return propose(match_id, seats, plan, now)

    # --- bookkeeping ------------------------------------------------------------------------------
    def _take_seq(self) -> int:
        seq, self._next_seq = self._next_seq, self._next_seq + 1
        return seq

    def _wait(self, ticket: Ticket) -> None:
        self.pool.add(ticket)
        self._changes.tickets[ticket.ticket_id] = ticket

    def _unwait(self, ticket: Ticket) -> None:
        self.pool.remove(ticket.seq)
        self._changes.tickets[ticket.ticket_id] = None

    def _store(self, proposal: Proposal) -> None:
        self._proposals[proposal.match_id] = proposal
        for seat in proposal.seats:
            self._proposal_of[seat.user_id] = proposal.match_id
        self._changes.proposals[proposal.match_id] = proposal

    def _close(self, proposal: Proposal) -> None:
        del self._proposals[proposal.match_id]
        for seat in proposal.seats:
            self._proposal_of.pop(seat.user_id, None)
        self._closed[proposal.match_id] = frozenset(s.user_id for s in proposal.seats)
        while len(self._closed) > CLOSED_REMEMBERED:
            self._closed.popitem(last=False)
        self._changes.proposals[proposal.match_id] = None

    def _dismiss(self, user_id: str) -> None:
        if self._results.pop(user_id, None) is not None:
            self._changes.results[user_id] = None

    # --- restart ----------------------------------------------------------------------------------
    def load(
        self, tickets: Iterable[Ticket], proposals: Iterable[Proposal], results: Iterable[Matched]
    ) -> None:
        """Rebuild from storage. Writes are ordered so that a crash leaves a user in more than one place,
        never in none: a result beats a proposal of the same match, a newer proposal beats an older one,
        a proposal beats a waiting ticket; seats of a dropped proposal come back as waiting tickets."""
        fix = Changes()
        for result in results:
            self._results[result.user_id] = result
        done = {r.match_id for r in self._results.values()}
        orphans: list[Ticket] = []
        for proposal in sorted(proposals, key=lambda p: p.created_at, reverse=True):
            if proposal.match_id in done or any(s.user_id in self._proposal_of for s in proposal.seats):
                orphans.extend(s.ticket for s in proposal.seats if proposal.match_id not in done)
                fix.proposals[proposal.match_id] = None
            else:
                self._store(proposal)
        stored = list(tickets)
        self._load_tickets(stored, orphans, fix)
        for seat in (s for p in self._proposals.values() for s in p.seats):
            self._next_seq = max(self._next_seq, seat.ticket.seq + 1)
        self._changes = fix

    def _load_tickets(self, stored: list[Ticket], orphans: list[Ticket], fix: Changes) -> None:
        stored_ids, kept = {t.ticket_id for t in stored}, set[str]()
        for ticket in sorted([*stored, *orphans], key=lambda t: t.seq, reverse=True):
            self._next_seq = max(self._next_seq, ticket.seq + 1)
            if self.holds(ticket.user_id):
                if ticket.ticket_id not in kept and ticket.ticket_id in stored_ids:
                    fix.tickets[ticket.ticket_id] = None
                continue
            self.pool.add(ticket)
            kept.add(ticket.ticket_id)
            if ticket.ticket_id not in stored_ids:
                fix.tickets[ticket.ticket_id] = ticket


def _stale(ticket: Ticket, now: datetime) -> bool:
    """A poll extends a ticket's expiry (and writes it) only once EXPIRY_WRITE_SLACK_S of it were used."""
    return ticket.expires_at - now < timedelta(seconds=TICKET_TTL_S - EXPIRY_WRITE_SLACK_S)


def _seat(ticket: Ticket, role: RoomRole) -> Seat:
    return Seat(ticket=ticket, role=role, accepted=not ticket.require_confirmation)
