"""Random command sequences against the room aggregate, checking its invariants after every step."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from engine.errors import DomainError
from engine.room import (
    ChangeLanguage,
    Command,
    Disconnect,
    Finish,
    Join,
    Kick,
    Leave,
    LockEditor,
    PauseTimer,
    RequestRoleSwap,
    RespondRoleSwap,
    ResumeTimer,
    Room,
    RoomMode,
    RoomRole,
    RoomSettings,
    RoomStatus,
    SelectProblem,
    SetReady,
    Tick,
    TransferOwnership,
    Transition,
    UnlockEditor,
    UpdateParticipant,
    UpdateSettings,
    apply,
    new_room,
)
from tests.engine.room.scenarios import CODE, T0

USERS = ("u0", "u1", "u2", "u3", "u4", "u5")
HOST = USERS[0]
# An actor is None (the host) or an index into the active participants followed by every user: commands come
# mostly from people in the room, sometimes from anyone (outsiders, people who left, removed users).
who = st.one_of(st.none(), st.integers(0, 31))
codes = st.sampled_from([CODE, CODE, CODE.lower(), None, "WRONG1"])
statuses = st.sampled_from([*RoomStatus, RoomStatus.CODING, RoomStatus.WRAPUP])
roles = st.one_of(st.none(), st.sampled_from(RoomRole))
OPEN = (RoomStatus.WARMUP, RoomStatus.CODING, RoomStatus.WRAPUP)
NEXT = {
    RoomStatus.WAITING: RoomStatus.WARMUP,
    RoomStatus.WARMUP: RoomStatus.CODING,
    RoomStatus.CODING: RoomStatus.WRAPUP,
}


class RoomMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.room: Room | None = None
        self.now: datetime = T0
        self.serial = 0
        self.applied = 0
        self.elapsed_ms = 0
        self.ever_finished = False

    @property
    def current(self) -> Room:
        assert self.room is not None
        return self.room

    def _who(self, pick: int | None) -> str:
        """None is the host; a number indexes the active participants, then every user."""
        if pick is None:
            return self.current.host_id
        pool = [p.user_id for p in self.current.active()] + list(USERS)
        return pool[pick % len(pool)]

    def _next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def _apply(self, command: Command) -> None:
        self.applied += 1
        before = self.current
        try:
            after, events = apply(before, command, self.now)
        except DomainError:
            return
        if before.status is RoomStatus.FINISHED:
            assert (after, events) == (before, []), f"finished room changed by {command}"
        assert (after != before) == bool(events), f"change and events disagree for {command}"
        if events:
            assert after.updated_at == self.now
        for event in events:
            json.dumps(event.payload())
        self.room = after

    @initialize(
        mode=st.sampled_from(RoomMode),
        private=st.booleans(),
        language=st.sampled_from([None, "python"]),
        capacity=st.integers(2, 8),
        duration=st.integers(1, 180),
    )
    def create(
        self, mode: RoomMode, private: bool, language: str | None, capacity: int, duration: int
    ) -> None:
        config = RoomSettings("m", max_participants=capacity, max_duration_min=duration, is_private=private)
        self.room = new_room("r", CODE, mode, HOST, config, T0, language=language)

    @rule(user=st.sampled_from(USERS), role=roles, code=codes)
    def join(self, user: str, role: RoomRole | None, code: str | None) -> None:
        self._apply(Join(user, role, code))

    @rule(user=who, explicit=st.booleans())
    def leave(self, user: int | None, explicit: bool) -> None:
        self._apply(Leave(self._who(user)) if explicit else Disconnect(self._who(user)))

    @rule(actor=who, whom=who)
    def kick(self, actor: int | None, whom: int | None) -> None:
        self._apply(Kick(self._who(actor), self._who(whom)))

    @rule(user=who, ready=st.one_of(st.none(), st.booleans()))
    def set_ready(self, user: int | None, ready: bool | None) -> None:
        self._apply(SetReady(self._who(user), ready))

    @rule(actor=who, status=statuses)
    def transition(self, actor: int | None, status: RoomStatus) -> None:
        self._apply(Transition(self._who(actor), status, session_id=self._next_id("s")))

    @rule()
    def host_moves_on(self) -> None:
        """The guided route: everyone gets ready and the host takes the next step towards wrapup."""
        status = self.current.status
        if status is RoomStatus.WAITING:
            for participant in self.current.active():
                self._apply(SetReady(participant.user_id, True))
        following = NEXT.get(status)
        if following is not None:
            self._apply(Transition(self.current.host_id, following, session_id=self._next_id("s")))

    @rule(actor=who, locked=st.booleans())
    def lock(self, actor: int | None, locked: bool) -> None:
        self._apply(LockEditor(self._who(actor)) if locked else UnlockEditor(self._who(actor)))

    @rule(actor=who, paused=st.booleans())
    def timer(self, actor: int | None, paused: bool) -> None:
        self._apply(PauseTimer(self._who(actor)) if paused else ResumeTimer(self._who(actor)))

    @rule(seconds=st.one_of(st.integers(0, 90), st.integers(0, 4 * 3600)), tick=st.booleans())
    def time_passes(self, seconds: int, tick: bool) -> None:
        self.now += timedelta(seconds=seconds)
        if tick:
            self._apply(Tick())

    @rule(actor=who)
    def request_swap(self, actor: int | None) -> None:
        self._apply(RequestRoleSwap(self._who(actor), self._next_id("w")))

    @rule(actor=who, asked=st.booleans(), accept=st.booleans(), known=st.booleans())
    def respond_swap(self, actor: int | None, asked: bool, accept: bool, known: bool) -> None:
        """With `asked` the asked participant answers; otherwise anyone may try."""
        pending = self.current.role_swap
        swap_id = pending.swap_id if known and pending is not None else "unknown"
        responder = pending.target_user_id if asked and pending is not None else self._who(actor)
        self._apply(RespondRoleSwap(responder, swap_id, accept))

    @rule(seat=st.sampled_from([RoomRole.INTERVIEWER, RoomRole.CANDIDATE]), accept=st.booleans())
    def swap_round_trip(self, seat: RoomRole, accept: bool) -> None:
        holder = self.current.holder(seat)
        if holder is not None:
            self._apply(RequestRoleSwap(holder.user_id, self._next_id("w")))
        pending = self.current.role_swap
        if pending is not None:
            self._apply(RespondRoleSwap(pending.target_user_id, pending.swap_id, accept))

    @rule(actor=who, whom=who)
    def transfer(self, actor: int | None, whom: int | None) -> None:
        self._apply(TransferOwnership(self._who(actor), self._who(whom)))

    @rule(actor=who, whom=who, role=roles, muted=st.one_of(st.none(), st.booleans()))
    def update(self, actor: int | None, whom: int | None, role: RoomRole | None, muted: bool | None) -> None:
        self._apply(UpdateParticipant(self._who(actor), self._who(whom), role, muted))

    @rule(actor=who, language=st.sampled_from(["python", "go", "cobol"]))
    def language(self, actor: int | None, language: str) -> None:
        self._apply(ChangeLanguage(self._who(actor), language))

    @rule(actor=who, problem=st.sampled_from(["p-1", "p-2"]))
    def problem(self, actor: int | None, problem: str) -> None:
        self._apply(SelectProblem(self._who(actor), problem))

    @rule(actor=who, capacity=st.one_of(st.none(), st.integers(1, 9)), duration=st.integers(0, 60))
    def configure(self, actor: int | None, capacity: int | None, duration: int) -> None:
        self._apply(UpdateSettings(self._who(actor), max_participants=capacity, max_duration_min=duration))

    @precondition(lambda self: self.applied >= 30)
    @rule(reason=st.sampled_from(["idle", "force-closed"]))
    def finish(self, reason: str) -> None:
        self._apply(Finish("system", reason))

    @invariant()
    def seats_are_never_double_booked(self) -> None:
        roles_held = self.current.active_roles()
        assert roles_held.count(RoomRole.INTERVIEWER) <= (1 if self.current.mode is RoomMode.PEER else 0)
        assert roles_held.count(RoomRole.CANDIDATE) <= 1
        assert len(roles_held) <= self.current.settings.max_participants

    @invariant()
    def finished_absorbs(self) -> None:
        room = self.current
        if self.ever_finished:
            assert room.status is RoomStatus.FINISHED
        if room.status is RoomStatus.FINISHED:
            self.ever_finished = True
            assert room.active() == []
            assert room.role_swap is None
            assert room.finished_at is not None

    @invariant()
    def elapsed_coding_time_never_decreases(self) -> None:
        elapsed = self.current.elapsed_ms_at(self.now)
        assert elapsed >= self.elapsed_ms
        self.elapsed_ms = elapsed

    @invariant()
    def host_is_a_participant_never_removed(self) -> None:
        host = self.current.participant(self.current.host_id)
        assert host is not None
        assert not host.is_removed

    @invariant()
    def removed_participants_are_never_active(self) -> None:
        assert not any(p.is_removed and p.is_active for p in self.current.participants)

    @invariant()
    def pending_swap_is_between_the_two_seats(self) -> None:
        swap = self.current.role_swap
        if swap is None:
            return
        requester = self.current.participant(swap.requested_by)
        target = self.current.participant(swap.target_user_id)
        assert requester is not None
        assert target is not None
        assert requester.is_active and target.is_active
        assert {requester.role, target.role} == {RoomRole.INTERVIEWER, RoomRole.CANDIDATE}

    @invariant()
    def started_rooms_have_a_session(self) -> None:
        if self.current.status in OPEN:
            assert self.current.session_id is not None


def test_room_machine_keeps_invariants() -> None:
    run_state_machine_as_test(
        RoomMachine,
        settings=settings(
            max_examples=300,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
