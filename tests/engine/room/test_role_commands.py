"""TransferOwnership and UpdateParticipant (role edits and muting)."""

from __future__ import annotations

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from engine.room import (
    Join,
    Kick,
    Leave,
    OwnershipTransferred,
    ParticipantUpdated,
    RoomMode,
    RoomRole,
    RoomStatus,
    SetReady,
    TransferOwnership,
    UpdateParticipant,
    apply,
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

IV, CA, OB = RoomRole.INTERVIEWER, RoomRole.CANDIDATE, RoomRole.OBSERVER


def test_transfer_ownership_to_candidate_swaps_roles() -> None:
    room, events = apply(lobby(), TransferOwnership(HOST, CAND), at(1))
    assert room.host_id == CAND
    assert (role_of(room, CAND), role_of(room, HOST)) == (IV, CA)
    assert events == [
        OwnershipTransferred(HOST, CAND, HOST, at(1)),
        ParticipantUpdated(CAND, CA, IV, False, False, HOST, at(1)),
        ParticipantUpdated(HOST, IV, CA, False, False, HOST, at(1)),
    ]


def test_transfer_ownership_to_observer_makes_former_host_observer() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE), TransferOwnership(HOST, OBS))
    assert (room.host_id, role_of(room, OBS), role_of(room, HOST), role_of(room, CAND)) == (OBS, IV, OB, CA)


def test_transfer_ownership_in_ai_room() -> None:
    room = run(lobby(RoomMode.AI), TransferOwnership(HOST, OBS))
    assert (role_of(room, OBS), role_of(room, HOST)) == (CA, OB)


def test_transfer_ownership_to_current_holder_of_host_role_changes_only_host() -> None:
    room = run(make_room(), Join(CAND, room_code=CODE), Leave(HOST), Join(OTHER, IV, CODE), Join(HOST))
    room, events = apply(room, TransferOwnership(HOST, OTHER), T0)
    assert room.host_id == OTHER
    assert (role_of(room, OTHER), role_of(room, HOST), role_of(room, CAND)) == (IV, OB, CA)
    assert events == [OwnershipTransferred(HOST, OTHER, HOST, T0)]


def test_transfer_ownership_refusals() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE))
    cannot = ErrorCode.PARTICIPANT_CANNOT_TRANSFER_OWNERSHIP
    refused(room, TransferOwnership(HOST, HOST), InvalidInput, cannot)
    refused(room, TransferOwnership(STRANGER, CAND), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(room, TransferOwnership(CAND, OBS), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, TransferOwnership(HOST, STRANGER), NotFound, ErrorCode.PARTICIPANT_NOT_FOUND)
    refused(
        run(room, Kick(HOST, OBS)), TransferOwnership(HOST, OBS), NotFound, ErrorCode.PARTICIPANT_NOT_FOUND
    )
    refused(run(room, Leave(OBS)), TransferOwnership(HOST, OBS), InvalidInput, cannot)
    refused(run(room, Leave(HOST)), TransferOwnership(HOST, OBS), InvalidInput, cannot)
    refused(
        in_status(RoomStatus.WARMUP), TransferOwnership(HOST, CAND), InvalidInput, ErrorCode.ROOM_ROLES_LOCKED
    )
    refused(in_status(RoomStatus.FINISHED), TransferOwnership(HOST, CAND), Conflict, ErrorCode.ROOM_FINISHED)


def test_update_participant_role_by_host() -> None:
    room = run(lobby(), SetReady(CAND, True))
    room, events = apply(room, UpdateParticipant(HOST, CAND, role=OB), at(2))
    moved = room.participant(CAND)
    assert moved is not None
    assert (moved.role, moved.is_ready) == (OB, False)
    assert events == [ParticipantUpdated(CAND, CA, OB, False, False, HOST, at(2))]


def test_update_participant_same_values_is_a_no_op() -> None:
    room = lobby()
    assert apply(room, UpdateParticipant(HOST, CAND, role=CA, is_muted=False), at(1)) == (room, [])


def test_update_participant_role_refusals() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE))
    refused(room, UpdateParticipant(CAND, OBS, role=CA), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, UpdateParticipant(HOST, HOST, role=CA), InvalidInput, ErrorCode.VALIDATION_FAILED)
    refused(room, UpdateParticipant(HOST, OBS, role=CA), Conflict, ErrorCode.ROOM_ROLE_CONSTRAINT_VIOLATION)
    refused(room, UpdateParticipant(HOST, STRANGER, role=OB), NotFound, ErrorCode.PARTICIPANT_NOT_FOUND)
    refused(room, UpdateParticipant(STRANGER, OBS, role=OB), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(room, UpdateParticipant(HOST, OBS), InvalidInput, ErrorCode.VALIDATION_FAILED)
    warm = in_status(RoomStatus.WARMUP)
    refused(warm, UpdateParticipant(HOST, CAND, role=OB), InvalidInput, ErrorCode.ROOM_ROLES_LOCKED)
    done = in_status(RoomStatus.FINISHED)
    refused(done, UpdateParticipant(HOST, CAND, role=OB), Conflict, ErrorCode.ROOM_FINISHED)
    ai = lobby(RoomMode.AI)
    refused(ai, UpdateParticipant(HOST, OBS, role=IV), Conflict, ErrorCode.ROOM_NOT_PEER_MODE)


def test_update_participant_host_mutes_and_unmutes_anyone() -> None:
    room, events = apply(in_status(RoomStatus.CODING), UpdateParticipant(HOST, CAND, is_muted=True), at(3))
    muted = room.participant(CAND)
    assert muted is not None
    assert muted.is_muted
    assert events == [ParticipantUpdated(CAND, CA, CA, True, False, HOST, at(3))]
    room = run(room, UpdateParticipant(HOST, CAND, is_muted=False))
    unmuted = room.participant(CAND)
    assert unmuted is not None
    assert not unmuted.is_muted


def test_update_participant_anyone_mutes_themselves_only() -> None:
    room = run(in_status(RoomStatus.CODING), UpdateParticipant(HOST, CAND, is_muted=True))
    room = run(
        room, UpdateParticipant(CAND, CAND, is_muted=False), UpdateParticipant(CAND, CAND, is_muted=True)
    )
    me = room.participant(CAND)
    assert me is not None
    assert me.is_muted
    refused(room, UpdateParticipant(CAND, HOST, is_muted=True), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(
        run(room, Leave(CAND)),
        UpdateParticipant(CAND, CAND, is_muted=False),
        Forbidden,
        ErrorCode.ROOM_ACCESS_DENIED,
    )
