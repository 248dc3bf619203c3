"""Transition: the table through `apply`, who may advance, session start, finishing, the timer."""

from __future__ import annotations

import itertools

import pytest

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput
from engine.room import (
    TRANSITIONS,
    CloseReason,
    Join,
    Leave,
    Participant,
    PauseTimer,
    PhaseChanged,
    Room,
    RoomClosed,
    RoomMode,
    RoomRole,
    RoomStatus,
    SessionStarted,
    SetReady,
    Transition,
    apply,
)
from tests.engine.room.scenarios import (
    CAND,
    CODE,
    HOST,
    OBS,
    OTHER,
    SESSION,
    STRANGER,
    T0,
    at,
    in_status,
    lobby,
    make_room,
    ready_lobby,
    refused,
    run,
)

PAIRS = list(itertools.product(RoomStatus, RoomStatus))


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_transition_by_host_follows_the_table(current: RoomStatus, target: RoomStatus) -> None:
    room = in_status(current)
    command = Transition(HOST, target, session_id=SESSION)
    if target not in TRANSITIONS[current]:
        refused(room, command, InvalidInput, ErrorCode.ROOM_INVALID_TRANSITION, at(60))
        return
    moved, events = apply(room, command, at(60))
    assert moved.status is target
    assert events[0] == PhaseChanged(current, target, at(60), HOST)
    assert moved.timer.phase_started_at == at(60)
    assert moved.updated_at == at(60)


def test_transition_start_session_records_session_and_seated_participants() -> None:
    room = run(ready_lobby(), Join(OBS, room_code=CODE))
    moved, events = apply(room, Transition(HOST, RoomStatus.WARMUP, session_id=SESSION), at(1))
    assert moved.session_id == SESSION
    assert events[1] == SessionStarted(SESSION, tuple(room.active()), at(1))
    assert not any(p.is_ready for p in moved.participants)


def test_transition_start_session_ignores_observer_readiness() -> None:
    room = run(ready_lobby(RoomMode.AI))
    assert run(room, Transition(HOST, RoomStatus.WARMUP, session_id=SESSION)).status is RoomStatus.WARMUP


def test_transition_start_session_refusals() -> None:
    command = Transition(HOST, RoomStatus.WARMUP, session_id=SESSION)
    refused(lobby(), command, InvalidInput, ErrorCode.ROOM_PARTICIPANTS_NOT_READY)
    refused(run(lobby(), SetReady(HOST)), command, InvalidInput, ErrorCode.ROOM_PARTICIPANTS_NOT_READY)
    alone = run(make_room(), SetReady(HOST))
    refused(alone, command, Conflict, ErrorCode.ROOM_ROLE_CONSTRAINT_VIOLATION)
    no_session = Transition(HOST, RoomStatus.WARMUP)
    refused(ready_lobby(), no_session, InvalidInput, ErrorCode.VALIDATION_FAILED)


def test_transition_not_ready_lists_the_unready() -> None:
    with pytest.raises(InvalidInput) as info:
        apply(run(lobby(), SetReady(HOST)), Transition(HOST, RoomStatus.WARMUP, session_id=SESSION), T0)
    assert info.value.details == {"userIds": [CAND]}


def _with_guest_interviewer() -> Room:
    """A peer room where OTHER (not the host) holds the interviewer seat and the host observes."""
    room = run(make_room(), Join(CAND, room_code=CODE), Leave(HOST))
    return run(room, Join(OTHER, RoomRole.INTERVIEWER, CODE), Join(HOST))


def test_transition_by_a_non_host_interviewer() -> None:
    room = run(_with_guest_interviewer(), SetReady(OTHER), SetReady(CAND))
    started = run(room, Transition(OTHER, RoomStatus.WARMUP, session_id=SESSION))
    assert started.status is RoomStatus.WARMUP
    assert run(started, Transition(HOST, RoomStatus.CODING)).status is RoomStatus.CODING


def test_transition_permission_refusals() -> None:
    room = run(in_status(RoomStatus.WARMUP), Join(OBS, room_code=CODE))
    coding = Transition(CAND, RoomStatus.CODING)
    refused(room, coding, Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, Transition(OBS, RoomStatus.CODING), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, Transition(STRANGER, RoomStatus.CODING), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(
        run(room, Leave(HOST)), Transition(HOST, RoomStatus.CODING), Forbidden, ErrorCode.ROOM_ACCESS_DENIED
    )


def test_transition_inactive_host_may_finish_but_inactive_interviewer_may_not() -> None:
    room = run(in_status(RoomStatus.CODING), Leave(HOST))
    assert run(room, Transition(HOST, RoomStatus.FINISHED)).status is RoomStatus.FINISHED
    guest = run(_with_guest_interviewer(), Leave(OTHER))
    refused(guest, Transition(OTHER, RoomStatus.FINISHED), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)


def test_transition_to_finished_closes_the_room() -> None:
    room = run(in_status(RoomStatus.CODING, now=T0), Join(OBS, room_code=CODE), PauseTimer(HOST), now=at(30))
    closed, events = apply(room, Transition(HOST, RoomStatus.FINISHED), at(90))
    assert closed.status is RoomStatus.FINISHED
    assert closed.finished_at == at(90)
    assert closed.active() == []
    assert all(p.left_at == at(90) and p.removed_at is None for p in closed.participants)
    assert closed.timer.elapsed_ms == 30_000
    assert not closed.timer.paused
    assert closed.elapsed_ms_at(at(500)) == 30_000
    assert events == [
        PhaseChanged(RoomStatus.CODING, RoomStatus.FINISHED, at(90), HOST),
        RoomClosed(CloseReason.ENDED, HOST, at(90)),
    ]


def test_transition_to_finished_requires_a_language() -> None:
    room = lobby(language=None)
    refused(room, Transition(HOST, RoomStatus.FINISHED), InvalidInput, ErrorCode.VALIDATION_FAILED)


def test_transition_keeps_inactive_rows_left_at() -> None:
    room = run(in_status(RoomStatus.CODING), Leave(CAND), now=at(5))
    closed = run(room, Transition(HOST, RoomStatus.FINISHED), now=at(9))
    left = closed.participant(CAND)
    assert left == Participant(CAND, RoomRole.CANDIDATE, T0, is_active=False, left_at=at(5))


def test_transition_coding_time_counts_only_coding() -> None:
    room = run(ready_lobby(), Transition(HOST, RoomStatus.WARMUP, session_id=SESSION), now=T0)
    room = run(room, Transition(HOST, RoomStatus.CODING), now=at(100))
    assert room.elapsed_ms_at(at(160)) == 60_000
    room = run(room, Transition(HOST, RoomStatus.WRAPUP), now=at(160))
    assert room.timer.elapsed_ms == 60_000
    assert room.elapsed_ms_at(at(999)) == 60_000


def test_transition_in_ai_room_by_host_candidate() -> None:
    room = in_status(RoomStatus.CODING, RoomMode.AI)
    assert room.status is RoomStatus.CODING
    refused(room, Transition(OBS, RoomStatus.WRAPUP), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
