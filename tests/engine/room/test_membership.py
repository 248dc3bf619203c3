"""Leave, Disconnect, Kick and SetReady."""

from __future__ import annotations

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from engine.room import (
    Disconnect,
    Join,
    Kick,
    Leave,
    LeaveReason,
    ParticipantLeft,
    ParticipantReady,
    ParticipantRemoved,
    RoomStatus,
    SetReady,
    apply,
)
from tests.engine.room.scenarios import (
    CAND,
    CODE,
    HOST,
    OBS,
    STRANGER,
    at,
    in_status,
    lobby,
    refused,
    run,
)


def test_leave_deactivates_and_announces() -> None:
    room, events = apply(lobby(), Leave(CAND), at(3))
    left = room.participant(CAND)
    assert left is not None
    assert not left.is_active
    assert left.left_at == at(3)
    assert left.removed_at is None
    assert events == [ParticipantLeft(CAND, LeaveReason.LEFT, at(3))]


def test_leave_twice_is_a_no_op() -> None:
    room = run(lobby(), Leave(CAND))
    assert apply(room, Leave(CAND), at(9)) == (room, [])


def test_leave_refused_for_outsiders_and_removed() -> None:
    refused(lobby(), Leave(STRANGER), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(run(lobby(), Kick(HOST, CAND)), Leave(CAND), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)


def test_leave_by_host_keeps_the_host() -> None:
    room = run(lobby(), Leave(HOST))
    assert room.host_id == HOST


def test_disconnect_deactivates_without_removing() -> None:
    room, events = apply(lobby(), Disconnect(CAND), at(2))
    gone = room.participant(CAND)
    assert gone is not None
    assert (gone.is_active, gone.left_at, gone.removed_at) == (False, at(2), None)
    assert events == [ParticipantLeft(CAND, LeaveReason.DISCONNECTED, at(2))]


def test_disconnect_is_idempotent_and_never_refused() -> None:
    room = run(lobby(), Disconnect(CAND))
    assert apply(room, Disconnect(CAND), at(5)) == (room, [])
    assert apply(room, Disconnect(STRANGER), at(5)) == (room, [])
    finished = in_status(RoomStatus.FINISHED)
    assert apply(finished, Disconnect(CAND), at(5)) == (finished, [])


def test_kick_removes_permanently() -> None:
    room, events = apply(lobby(), Kick(HOST, CAND), at(4))
    kicked = room.participant(CAND)
    assert kicked is not None
    assert (kicked.is_active, kicked.left_at, kicked.removed_at) == (False, at(4), at(4))
    assert events == [ParticipantRemoved(CAND, HOST, at(4))]


def test_kick_refusals() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE))
    refused(room, Kick(HOST, HOST), InvalidInput, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, Kick(STRANGER, CAND), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(room, Kick(CAND, OBS), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, Kick(HOST, STRANGER), NotFound, ErrorCode.PARTICIPANT_NOT_FOUND)
    refused(run(room, Leave(OBS)), Kick(HOST, OBS), NotFound, ErrorCode.PARTICIPANT_NOT_FOUND)
    refused(run(room, Leave(HOST)), Kick(HOST, OBS), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(in_status(RoomStatus.FINISHED), Kick(HOST, CAND), Conflict, ErrorCode.ROOM_FINISHED)


def test_set_ready_sets_and_toggles() -> None:
    room, events = apply(lobby(), SetReady(CAND, True), at(1))
    assert events == [ParticipantReady(CAND, True, at(1))]
    assert apply(room, SetReady(CAND, True), at(2)) == (room, [])
    room, events = apply(room, SetReady(CAND), at(3))
    assert events == [ParticipantReady(CAND, False, at(3))]
    room, _ = apply(room, SetReady(CAND), at(4))
    ready = room.participant(CAND)
    assert ready is not None
    assert ready.is_ready


def test_set_ready_refusals() -> None:
    refused(in_status(RoomStatus.WARMUP), SetReady(CAND), InvalidInput, ErrorCode.ROOM_INVALID_TRANSITION)
    refused(in_status(RoomStatus.FINISHED), SetReady(CAND), InvalidInput, ErrorCode.ROOM_INVALID_TRANSITION)
    refused(run(lobby(), Leave(CAND)), SetReady(CAND), NotFound, ErrorCode.PARTICIPANT_NOT_FOUND)
    refused(lobby(), SetReady(STRANGER), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
