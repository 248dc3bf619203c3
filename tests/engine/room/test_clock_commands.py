"""PauseTimer/ResumeTimer, Tick (maximum duration) and Finish."""

from __future__ import annotations

import pytest

from engine.errors import ErrorCode, Forbidden, InvalidInput
from engine.room import (
    SYSTEM_ACTOR,
    Finish,
    Leave,
    PauseTimer,
    PhaseChanged,
    ResumeTimer,
    RoomClosed,
    RoomStatus,
    Tick,
    TimerChanged,
    apply,
)
from tests.engine.room.scenarios import (
    CAND,
    HOST,
    STRANGER,
    T0,
    at,
    in_status,
    lobby,
    make_room,
    refused,
    run,
)


def test_pause_and_resume_timer_freeze_coding_time() -> None:
    room = in_status(RoomStatus.CODING)
    room, events = apply(room, PauseTimer(HOST), at(10))
    assert events == [TimerChanged(True, 10_000, HOST, at(10))]
    assert room.elapsed_ms_at(at(500)) == 10_000
    assert apply(room, PauseTimer(HOST), at(20)) == (room, [])
    room, events = apply(room, ResumeTimer(HOST), at(100))
    assert events == [TimerChanged(False, 10_000, HOST, at(100))]
    assert room.elapsed_ms_at(at(105)) == 15_000
    assert apply(room, ResumeTimer(HOST), at(106)) == (room, [])


@pytest.mark.parametrize(
    "status", [RoomStatus.WAITING, RoomStatus.WARMUP, RoomStatus.WRAPUP, RoomStatus.FINISHED]
)
def test_pause_timer_only_while_coding(status: RoomStatus) -> None:
    refused(in_status(status), PauseTimer(HOST), InvalidInput, ErrorCode.ROOM_INVALID_STATE)
    refused(in_status(status), ResumeTimer(HOST), InvalidInput, ErrorCode.ROOM_INVALID_STATE)


def test_pause_timer_refusals() -> None:
    room = in_status(RoomStatus.CODING)
    refused(room, PauseTimer(CAND), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, PauseTimer(STRANGER), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(run(room, Leave(HOST)), ResumeTimer(HOST), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)


def test_tick_moves_coding_to_wrapup_at_max_duration() -> None:
    room = in_status(RoomStatus.CODING)
    assert apply(room, Tick(), at(120 * 60 - 1)) == (room, [])
    room, events = apply(room, Tick(), at(120 * 60))
    assert room.status is RoomStatus.WRAPUP
    assert room.timer.elapsed_ms == 120 * 60 * 1000
    assert events == [PhaseChanged(RoomStatus.CODING, RoomStatus.WRAPUP, at(120 * 60), SYSTEM_ACTOR)]


def test_tick_does_not_count_paused_time() -> None:
    room = run(in_status(RoomStatus.CODING), PauseTimer(HOST), now=at(60))
    assert apply(room, Tick(), at(10 * 3600)) == (room, [])


@pytest.mark.parametrize(
    "status", [RoomStatus.WAITING, RoomStatus.WARMUP, RoomStatus.WRAPUP, RoomStatus.FINISHED]
)
def test_tick_outside_coding_changes_nothing(status: RoomStatus) -> None:
    room = in_status(status)
    assert apply(room, Tick(), at(10 * 3600)) == (room, [])


@pytest.mark.parametrize(
    "status", [RoomStatus.WAITING, RoomStatus.WARMUP, RoomStatus.CODING, RoomStatus.WRAPUP]
)
def test_finish_closes_any_open_room_without_checks(status: RoomStatus) -> None:
    room, events = apply(in_status(status), Finish(SYSTEM_ACTOR, "idle"), at(30))
    assert room.status is RoomStatus.FINISHED
    assert room.active() == []
    assert room.finished_at == at(30)
    assert events == [
        PhaseChanged(status, RoomStatus.FINISHED, at(30), SYSTEM_ACTOR),
        RoomClosed("idle", SYSTEM_ACTOR, at(30)),
    ]


def test_finish_needs_no_language() -> None:
    assert run(lobby(language=None), Finish("admin-1", "force-closed")).status is RoomStatus.FINISHED


def test_finish_on_finished_room_is_a_no_op() -> None:
    room = in_status(RoomStatus.FINISHED)
    assert apply(room, Finish(SYSTEM_ACTOR, "idle"), at(99)) == (room, [])


def test_finish_banks_running_coding_time() -> None:
    room = run(in_status(RoomStatus.CODING), Finish(SYSTEM_ACTOR, "idle"), now=at(42))
    assert room.timer.elapsed_ms == 42_000
    assert make_room().timer.elapsed_ms == 0
    assert at(42) > T0
