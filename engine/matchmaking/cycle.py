"""The waiting pool and one matching cycle: existing rooms first, then FIFO pairing.

Theory of operation. The pool keeps waiting tickets in FIFO order (`seq`). A cycle serves tickets
oldest first; each takes the oldest compatible partner still free. Compatibility is symmetric, so a pair
is examined at its older ticket's turn, which only looks at younger tickets. A pair of tickets that were
both in the previous cycle and have not changed since was already found incompatible (otherwise one of
them would be gone), so a *clean* ticket only looks at younger *dirty* ones; a ticket is dirty when it is
new, came back to the queue, reached a new skill-window step, or the problem catalogue changed. That
keeps a cycle over a large, mostly unmatchable queue linear instead of quadratic.

Invariant: a ticket is in at most one decision of a cycle, and every decision satisfies both tickets'
hard constraints (pairing.py) and the skill window of at least one of them.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from engine.matchmaking.pairing import Catalogue, Chooser, OpenRoom, PairPlan, plan_pair, room_fit
from engine.matchmaking.skill import OPEN_AFTER_S, WIDEN_EVERY_S
from engine.matchmaking.tickets import Probe, Ticket, hard_compatible, probe
from engine.room.roles import RoomRole

MAX_STEP = math.ceil(OPEN_AFTER_S / WIDEN_EVERY_S)


@dataclass(frozen=True)
class RoomJoin:
    ticket: Ticket
    room: OpenRoom
    role: RoomRole


Decision = RoomJoin | PairPlan


class WaitingPool:
    """Waiting tickets by `seq`, with their probes, the per-user index and the dirty set."""

    def __init__(self) -> None:
        self._tickets: dict[int, Ticket] = {}
        self._probes: dict[int, Probe] = {}
        self._order: list[int] = []
        self._interviewers: list[int] = []
        """Seqs of tickets that can interview (a candidate-only ticket looks only here), and below those
        that can be the candidate: a queue of would-be candidates stays cheap to cycle over."""
        self._candidates: list[int] = []
        self._by_user: dict[str, int] = {}
        self._dirty: set[int] = set()
        self._steps: dict[int, int] = {}
        self._seen_rooms: frozenset[str] = frozenset()
        self._catalogue: str | None = None

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Ticket]:
        return (self._tickets[seq] for seq in self._order)

    def add(self, ticket: Ticket) -> None:
        if ticket.user_id in self._by_user or ticket.seq in self._tickets:
            raise ValueError("user or seq already waiting")
        self._tickets[ticket.seq] = ticket
        self._probes[ticket.seq] = probe(ticket)
        self._by_user[ticket.user_id] = ticket.seq
        bisect.insort(self._order, ticket.seq)
        for role_list in self._role_lists(self._probes[ticket.seq]):
            bisect.insort(role_list, ticket.seq)
        self._dirty.add(ticket.seq)

    def replace(self, ticket: Ticket) -> None:
        """Same ticket, new non-matching facts (expiry after a poll)."""
        self._tickets[ticket.seq] = ticket

    def remove(self, seq: int) -> Ticket:
        ticket = self._tickets.pop(seq)
        for ordered in (self._order, *self._role_lists(self._probes[seq])):
            ordered.pop(bisect.bisect_left(ordered, seq))
        del self._probes[seq], self._by_user[ticket.user_id]
        self._dirty.discard(seq)
        self._steps.pop(seq, None)
        return ticket

    def _role_lists(self, p: Probe) -> list[list[int]]:
        return [
            lst for lst, ok in ((self._interviewers, p.interviews), (self._candidates, p.candidate)) if ok
        ]

    def _partners_of(self, p: Probe) -> list[int] | None:
        """Where `p`'s partner can be: anyone, those who can interview, those who can be the candidate,
        or nowhere (observer-only preferences never pair)."""
        if p.interviews and p.candidate:
            return self._order
        if p.candidate:
            return self._interviewers
        return self._candidates if p.interviews else None

    def of_user(self, user_id: str) -> Ticket | None:
        seq = self._by_user.get(user_id)
        return None if seq is None else self._tickets[seq]

    def position(self, ticket: Ticket) -> int:
        """1 + the number of older waiting tickets."""
        return bisect.bisect_left(self._order, ticket.seq) + 1

    def _refresh(self, now_ts: float, catalogue: Catalogue) -> dict[int, float]:
        """Mark tickets dirty whose window stepped (or all, for a new catalogue); the windows by seq."""
        if catalogue.version != self._catalogue:
            self._dirty.update(self._order)
            self._catalogue = catalogue.version
        windows: dict[int, float] = {}
        for seq, p in self._probes.items():
            waited = now_ts - p.entered_ts
            step = min(int(waited // WIDEN_EVERY_S), MAX_STEP) if waited > 0 else 0
            if self._steps.get(seq) != step:
                self._steps[seq] = step
                self._dirty.add(seq)
            windows[seq] = math.inf if step >= MAX_STEP else p.sigma * (1 + step)
        return windows

    def cycle(
        self, now: datetime, rooms: Sequence[OpenRoom], catalogue: Catalogue, rng: Chooser
    ) -> list[Decision]:
        """One matching cycle; the decided tickets leave the pool."""
        windows = self._refresh(now.timestamp(), catalogue)
        decisions: list[Decision] = list(self._fill_rooms(rooms))
        self._drop(decisions)
        pairs = list(self._pair(windows, catalogue, rng))
        self._drop(pairs)
        self._dirty.clear()
        self._seen_rooms = frozenset(r.room_id for r in rooms)
        return [*decisions, *pairs]

    def _drop(self, decisions: Sequence[Decision]) -> None:
        """Remove the decided tickets at once (one pass over the order instead of one per ticket)."""
        gone = {t.seq for d in decisions for t in _tickets_of(d)}
        for seq in gone:
            ticket = self._tickets.pop(seq)
            del self._probes[seq], self._by_user[ticket.user_id]
            self._dirty.discard(seq)
            self._steps.pop(seq, None)
        if gone:
            self._order = [seq for seq in self._order if seq not in gone]
            self._interviewers = [seq for seq in self._interviewers if seq not in gone]
            self._candidates = [seq for seq in self._candidates if seq not in gone]

    def _fill_rooms(self, rooms: Sequence[OpenRoom]) -> Iterator[RoomJoin]:
        """Existing public rooms first: each dirty ticket tries every room, oldest first; every other
        ticket only the rooms this cycle sees for the first time."""
        fresh = [r for r in rooms if r.room_id not in self._seen_rooms]
        live = {r.room_id: r for r in sorted(rooms, key=lambda r: (r.created_at, r.room_id))}
        if not live:
            return
        seqs = self._order if fresh else sorted(self._dirty)
        fresh_ids = {r.room_id for r in fresh}
        for seq in list(seqs):
            ticket = self._tickets[seq]
            every = seq in self._dirty
            joined = _first_fit(ticket, (r for r in live.values() if every or r.room_id in fresh_ids))
            if joined is not None:
                live[joined.room.room_id] = _seat_taken(joined.room, joined.role)
                yield joined

    def _pair(self, windows: dict[int, float], catalogue: Catalogue, rng: Chooser) -> Iterator[PairPlan]:
        taken = set[int]()
        dirty = sorted(self._dirty)
        for seq in self._order:
            place = self._partners_of(self._probes[seq])
            if seq in taken or place is None:
                continue
            if seq in self._dirty:
                plan = self._partner(
                    seq, place, bisect.bisect_right(place, seq), taken, windows, catalogue, rng
                )
            else:
                plan = self._partner(
                    seq, dirty, bisect.bisect_right(dirty, seq), taken, windows, catalogue, rng
                )
            if plan is not None:
                taken.update((plan.interviewer.seq, plan.candidate.seq))
                yield plan

    def _partner(
        self,
        seq: int,
        candidates: list[int],
        start: int,
        taken: set[int],
        windows: dict[int, float],
        catalogue: Catalogue,
        rng: Chooser,
    ) -> PairPlan | None:
        """The oldest free, compatible ticket in `candidates[start:]` (they are all younger than `seq`)."""
        a, wa, probes = self._probes[seq], windows[seq], self._probes
        for j in range(start, len(candidates)):
            other = candidates[j]
            if other in taken:
                continue
            b = probes[other]
            if not hard_compatible(a, b) or abs(a.mu - b.mu) > max(wa, windows[other]):
                continue
            plan = plan_pair(a, b, catalogue, rng)
            if plan is not None:
                return plan
        return None


def _first_fit(ticket: Ticket, rooms: Iterable[OpenRoom]) -> RoomJoin | None:
    for room in rooms:
        role = room_fit(ticket, room)
        if role is not None:
            return RoomJoin(ticket=ticket, room=room, role=role)
    return None


def _seat_taken(room: OpenRoom, role: RoomRole) -> OpenRoom:
    return replace(room, free_roles=room.free_roles - {role}, open_seats=room.open_seats - 1)


def _tickets_of(decision: Decision) -> tuple[Ticket, ...]:
    if isinstance(decision, RoomJoin):
        return (decision.ticket,)
    return (decision.interviewer, decision.candidate)
