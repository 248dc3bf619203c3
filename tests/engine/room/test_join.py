"""Join: codes, removal, idempotence, capacity, role selection and re-joining."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, DomainError, ErrorCode, Forbidden, InvalidInput
from engine.room import (
    AssignmentReason,
    Disconnect,
    Join,
    Kick,
    Leave,
    ParticipantJoined,
    RoomMode,
    RoomRole,
    RoomStatus,
    SetReady,
    apply,
    join_result,
)
from tests.engine.room.scenarios import (
    CAND,
    CODE,
    HOST,
    OBS,
    OTHER,
    STRANGER,
    T0,
    at,
    in_status,
    lobby,
    make_room,
    refused,
    role_of,
    run,
)


def test_join_first_time_with_code_seats_and_announces() -> None:
    room, events = apply(make_room(), Join(CAND, room_code=CODE), at(1))
    assert events == [
        ParticipantJoined(CAND, RoomRole.CANDIDATE, AssignmentReason.AUTO_ASSIGNED, None, False, at(1))
    ]
    joined = room.participant(CAND)
    assert joined is not None
    assert joined.is_active
    assert joined.joined_at == at(1)
    assert room.updated_at == at(1)


def test_join_code_is_compared_upper_cased() -> None:
    room = run(make_room(), Join(CAND, room_code=CODE.lower()))
    assert role_of(room, CAND) is RoomRole.CANDIDATE


def test_join_public_room_needs_no_code() -> None:
    room = run(make_room(private=False), Join(CAND))
    assert role_of(room, CAND) is RoomRole.CANDIDATE


@pytest.mark.parametrize(
    ("private", "code"),
    [(True, None), (True, "ZZZ999"), (False, "ZZZ999")],
    ids=["missing", "wrong", "public"],
)
def test_join_refuses_missing_or_wrong_code(private: bool, code: str | None) -> None:
    refused(make_room(private=private), Join(CAND, room_code=code), InvalidInput, ErrorCode.ROOM_INVALID_CODE)


def test_join_rejoin_needs_no_code_and_reactivates() -> None:
    room = run(lobby(), Disconnect(CAND), now=at(1))
    room, events = apply(room, Join(CAND, room_code="WRONG1"), at(2))
    back = room.participant(CAND)
    assert back is not None
    assert back.is_active
    assert back.left_at is None
    assert back.joined_at == at(2)
    assert isinstance(events[0], ParticipantJoined)
    assert events[0].rejoined


def test_join_already_active_is_idempotent() -> None:
    room = lobby()
    again, events = apply(room, Join(CAND, requested_role=RoomRole.OBSERVER), at(5))
    assert again is room
    assert events == []
    assert join_result(again, CAND, events) == (RoomRole.CANDIDATE, AssignmentReason.AUTO_ASSIGNED)


def test_join_refused_when_finished() -> None:
    refused(in_status(RoomStatus.FINISHED), Join(CAND), Conflict, ErrorCode.ROOM_FINISHED)


def test_join_refused_for_removed_participant() -> None:
    room = run(lobby(), Kick(HOST, CAND))
    refused(room, Join(CAND, room_code=CODE), Forbidden, ErrorCode.ROOM_PARTICIPANT_REMOVED)


def test_join_refused_when_full_counting_observers() -> None:
    room = run(
        make_room(), Join(CAND, room_code=CODE), Join(OBS, room_code=CODE), Join(OTHER, room_code=CODE)
    )
    refused(room, Join(STRANGER, room_code=CODE), Conflict, ErrorCode.ROOM_FULL)
    assert run(room, Leave(OBS), Join(STRANGER, room_code=CODE)).participant(STRANGER) is not None


@pytest.mark.parametrize(
    ("mode", "requested", "code"),
    [
        (RoomMode.PEER, RoomRole.INTERVIEWER, ErrorCode.ROOM_ROLE_UNAVAILABLE),
        (RoomMode.AI, RoomRole.CANDIDATE, ErrorCode.ROOM_ROLE_UNAVAILABLE),
        (RoomMode.AI, RoomRole.INTERVIEWER, ErrorCode.ROOM_NOT_PEER_MODE),
    ],
)
def test_join_refuses_unavailable_requested_role(
    mode: RoomMode, requested: RoomRole, code: ErrorCode
) -> None:
    refused(make_room(mode), Join(CAND, requested, CODE), Conflict, code)


def test_join_fills_seats_then_observers() -> None:
    room = run(make_room(), Join(CAND, room_code=CODE))
    room, events = apply(room, Join(OBS, room_code=CODE), T0)
    assert join_result(room, OBS, events) == (RoomRole.OBSERVER, AssignmentReason.FALLBACK_OBSERVER)
    room, events = apply(room, Join(OTHER, RoomRole.OBSERVER, CODE), T0)
    assert join_result(room, OTHER, events) == (RoomRole.OBSERVER, AssignmentReason.REQUESTED)


def test_join_rejoin_may_get_a_different_role_and_loses_readiness() -> None:
    room = run(lobby(), SetReady(CAND, True), Leave(CAND), Join(OBS, room_code=CODE))
    room = run(room, Join(CAND))
    rejoined = room.participant(CAND)
    assert rejoined is not None
    assert rejoined.role is RoomRole.OBSERVER
    assert not rejoined.is_ready


def test_join_rejoin_same_role_keeps_readiness() -> None:
    room = run(lobby(), SetReady(CAND, True), Disconnect(CAND), Join(CAND))
    back = room.participant(CAND)
    assert back is not None
    assert back.is_ready


def test_join_allowed_in_any_open_phase() -> None:
    room = run(in_status(RoomStatus.CODING), Join(OBS, room_code=CODE))
    assert role_of(room, OBS) is RoomRole.OBSERVER


def test_join_result_is_none_for_outsiders_and_inactive() -> None:
    room = run(lobby(), Leave(CAND))
    assert join_result(room, STRANGER) is None
    assert join_result(room, CAND) is None


def test_join_errors_leave_the_room_untouched() -> None:
    room = make_room()
    with pytest.raises(DomainError):
        apply(room, Join(CAND), T0)
    assert room == make_room()
