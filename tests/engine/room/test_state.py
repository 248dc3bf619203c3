"""Room state values: construction, the timer arithmetic and the read helpers."""

from __future__ import annotations

import pytest

from engine.errors import ErrorCode, InvalidInput
from engine.room import (
    HOST_OVERRIDE,
    ROLE_CAPABILITIES,
    Capability,
    Kick,
    Participant,
    RoomMode,
    RoomRole,
    RoomSettings,
    RoomStatus,
    Timer,
    new_room,
)
from tests.engine.room.scenarios import CAND, CODE, HOST, STRANGER, T0, at, lobby, make_room, run


def test_new_room_seats_the_host_in_the_host_role() -> None:
    room = make_room(RoomMode.AI)
    assert room.status is RoomStatus.WAITING
    assert room.host_id == HOST
    assert room.participants == (Participant(HOST, RoomRole.CANDIDATE, T0),)
    assert room.created_at == room.updated_at == T0
    assert room.timer == Timer(phase_started_at=T0)
    assert room.code == CODE
    assert room.session_id is None
    assert room.finished_at is None


def test_new_room_upper_cases_the_code() -> None:
    room = new_room("r", "abc234", RoomMode.PEER, HOST, RoomSettings(name=None), T0)
    assert room.code == "ABC234"
    assert room.participants[0].role is RoomRole.INTERVIEWER


@pytest.mark.parametrize(
    ("settings", "language"),
    [
        (RoomSettings(name=None, max_participants=1), None),
        (RoomSettings(name=None, max_participants=9), None),
        (RoomSettings(name=None, max_duration_min=0), None),
        (RoomSettings(name="x" * 101), None),
        (RoomSettings(name=None), "cobol"),
    ],
)
def test_new_room_rejects_invalid_settings(settings: RoomSettings, language: str | None) -> None:
    with pytest.raises(InvalidInput) as info:
        new_room("r", CODE, RoomMode.PEER, HOST, settings, T0, language=language)
    assert info.value.code is ErrorCode.VALIDATION_FAILED


def test_settings_defaults_are_the_reference_defaults() -> None:
    assert RoomSettings(name=None) == RoomSettings(None, 2, 120, True)


def test_timer_elapsed_counts_only_running_coding_time() -> None:
    timer = Timer(phase_started_at=T0, elapsed_ms=1_000)
    assert timer.elapsed_at(at(5), RoomStatus.CODING) == 6_000
    assert timer.elapsed_at(at(5), RoomStatus.WARMUP) == 1_000
    assert timer.elapsed_at(at(-5), RoomStatus.CODING) == 1_000
    assert Timer().elapsed_at(at(5), RoomStatus.CODING) == 0


def test_timer_pause_banks_and_resume_restarts_from_now() -> None:
    paused = Timer(phase_started_at=T0).pause(at(10))
    assert paused == Timer(phase_started_at=T0, elapsed_ms=10_000, paused=True, paused_at=at(10))
    assert paused.elapsed_at(at(100), RoomStatus.CODING) == 10_000
    resumed = paused.resume(at(100))
    assert resumed == Timer(phase_started_at=at(100), elapsed_ms=10_000)
    assert resumed.elapsed_at(at(105), RoomStatus.CODING) == 15_000


def test_timer_moved_banks_the_previous_phase() -> None:
    timer = Timer(phase_started_at=T0, elapsed_ms=500)
    assert timer.moved(at(2), RoomStatus.CODING) == Timer(phase_started_at=at(2), elapsed_ms=2_500)
    assert timer.moved(at(2), RoomStatus.WARMUP) == Timer(phase_started_at=at(2), elapsed_ms=500)


def test_room_helpers_read_participants() -> None:
    room = lobby()
    assert [p.user_id for p in room.active()] == [HOST, CAND]
    assert room.active_roles() == [RoomRole.INTERVIEWER, RoomRole.CANDIDATE]
    holder = room.holder(RoomRole.CANDIDATE)
    assert holder is not None
    assert holder.user_id == CAND
    assert room.holder(RoomRole.OBSERVER) is None
    assert room.participant(STRANGER) is None
    assert room.is_host(HOST)
    assert not room.is_host(CAND)


def test_room_capabilities_of_resolves_role_and_host_flag() -> None:
    room = lobby()
    assert room.capabilities_of(HOST) == ROLE_CAPABILITIES[RoomRole.INTERVIEWER] | HOST_OVERRIDE
    assert room.capabilities_of(CAND) == ROLE_CAPABILITIES[RoomRole.CANDIDATE]
    assert Capability.ROOM_SETTINGS not in room.capabilities_of(CAND)
    assert room.capabilities_of(STRANGER) == frozenset()
    assert run(room, Kick(HOST, CAND)).capabilities_of(CAND) == frozenset()


def test_room_with_participant_replaces_in_place_or_appends() -> None:
    room = lobby()
    muted = Participant(CAND, RoomRole.CANDIDATE, T0, is_muted=True)
    assert room.with_participant(muted).participants[1] == muted
    newcomer = Participant(STRANGER, RoomRole.OBSERVER, T0)
    assert room.with_participant(newcomer).participants[-1] == newcomer
    assert len(room.participants) == 2


def test_participant_with_role_clears_readiness_only_on_change() -> None:
    ready = Participant(CAND, RoomRole.CANDIDATE, T0, is_ready=True)
    assert ready.with_role(RoomRole.CANDIDATE).is_ready
    assert not ready.with_role(RoomRole.OBSERVER).is_ready
