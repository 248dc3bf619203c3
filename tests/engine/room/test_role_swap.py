"""RequestRoleSwap, RespondRoleSwap, and swap expiry and cancellation."""

from __future__ import annotations

from engine.errors import Conflict, ErrorCode, Forbidden, Gone, NotFound
from engine.room import (
    SYSTEM_ACTOR,
    Join,
    Kick,
    Leave,
    ParticipantUpdated,
    RequestRoleSwap,
    RespondRoleSwap,
    RoleSwap,
    RoleSwapRequested,
    RoleSwapResolved,
    RoomMode,
    RoomRole,
    RoomStatus,
    SwapOutcome,
    Tick,
    TransferOwnership,
    Transition,
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
    make_room,
    refused,
    role_of,
    run,
)

IV, CA = RoomRole.INTERVIEWER, RoomRole.CANDIDATE


def test_request_role_swap_targets_the_other_seat() -> None:
    room, events = apply(in_status(RoomStatus.CODING), RequestRoleSwap(CAND, "w-1"), at(10))
    assert room.role_swap == RoleSwap("w-1", CAND, HOST, at(10), at(70))
    assert events == [RoleSwapRequested("w-1", CAND, HOST, at(10), at(70))]


def test_request_role_swap_retry_is_idempotent() -> None:
    room = run(lobby(), RequestRoleSwap(HOST, "w-1"), now=at(1))
    assert apply(room, RequestRoleSwap(HOST, "w-1"), at(2)) == (room, [])


def test_request_role_swap_refusals() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE))
    refused(room, RequestRoleSwap(STRANGER, "w"), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(room, RequestRoleSwap(OBS, "w"), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(run(room, Leave(CAND)), RequestRoleSwap(HOST, "w"), NotFound, ErrorCode.PARTICIPANT_NOT_FOUND)
    refused(run(room, Leave(CAND)), RequestRoleSwap(CAND, "w"), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(lobby(RoomMode.AI), RequestRoleSwap(HOST, "w"), Conflict, ErrorCode.ROOM_NOT_PEER_MODE)
    refused(in_status(RoomStatus.FINISHED), RequestRoleSwap(HOST, "w"), Conflict, ErrorCode.ROOM_FINISHED)
    pending = run(room, RequestRoleSwap(HOST, "w-1"))
    refused(pending, RequestRoleSwap(CAND, "w-2"), Conflict, ErrorCode.ROOM_INVALID_STATE)
    refused(pending, RequestRoleSwap(HOST, "w-2"), Conflict, ErrorCode.ROOM_INVALID_STATE)


def test_request_role_swap_replaces_an_expired_one() -> None:
    room = run(lobby(), RequestRoleSwap(HOST, "w-1"), now=at(0))
    room, events = apply(room, RequestRoleSwap(CAND, "w-2"), at(61))
    assert room.role_swap is not None
    assert room.role_swap.swap_id == "w-2"
    assert events[0] == RoleSwapResolved("w-1", SwapOutcome.EXPIRED, HOST, CAND, CAND, at(61))


def test_respond_role_swap_accept_swaps_roles() -> None:
    room = run(in_status(RoomStatus.CODING), RequestRoleSwap(HOST, "w-1"), now=at(0))
    room, events = apply(room, RespondRoleSwap(CAND, "w-1", accept=True), at(30))
    assert (role_of(room, HOST), role_of(room, CAND)) == (CA, IV)
    assert room.role_swap is None
    assert room.host_id == HOST
    assert events == [
        RoleSwapResolved("w-1", SwapOutcome.ACCEPTED, HOST, CAND, CAND, at(30)),
        ParticipantUpdated(HOST, IV, CA, False, False, CAND, at(30)),
        ParticipantUpdated(CAND, CA, IV, False, False, CAND, at(30)),
    ]


def test_respond_role_swap_decline_keeps_roles() -> None:
    room = run(lobby(), RequestRoleSwap(HOST, "w-1"))
    room, events = apply(room, RespondRoleSwap(CAND, "w-1", accept=False), at(5))
    assert (role_of(room, HOST), role_of(room, CAND), room.role_swap) == (IV, CA, None)
    assert events == [RoleSwapResolved("w-1", SwapOutcome.DECLINED, HOST, CAND, CAND, at(5))]


def test_respond_role_swap_refusals() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE), RequestRoleSwap(HOST, "w-1"), now=at(0))
    refused(room, RespondRoleSwap(CAND, "nope", True), NotFound, ErrorCode.ROLE_SWAP_NOT_FOUND)
    refused(lobby(), RespondRoleSwap(CAND, "w-1", True), NotFound, ErrorCode.ROLE_SWAP_NOT_FOUND)
    refused(room, RespondRoleSwap(OBS, "w-1", True), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, RespondRoleSwap(HOST, "w-1", True), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, RespondRoleSwap(STRANGER, "w-1", True), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(room, RespondRoleSwap(CAND, "w-1", True), Gone, ErrorCode.ROLE_SWAP_EXPIRED, now=at(60))


def test_tick_expires_a_due_swap() -> None:
    room = run(lobby(), RequestRoleSwap(HOST, "w-1"), now=at(0))
    assert apply(room, Tick(), at(59)) == (room, [])
    room, events = apply(room, Tick(), at(60))
    assert room.role_swap is None
    assert events == [RoleSwapResolved("w-1", SwapOutcome.EXPIRED, HOST, CAND, SYSTEM_ACTOR, at(60))]


def test_role_swap_cancelled_when_a_party_leaves_or_is_removed() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE), RequestRoleSwap(CAND, "w-1"))
    for command in (Leave(CAND), Kick(HOST, CAND), Transition(HOST, RoomStatus.FINISHED)):
        changed, events = apply(room, command, at(1))
        assert changed.role_swap is None
        assert events[-1] == RoleSwapResolved(
            "w-1", SwapOutcome.CANCELLED, CAND, HOST, command.actor_id, at(1)
        )


def test_role_swap_cancelled_when_ownership_moves_the_seats() -> None:
    room = run(make_room(max_participants=3), Join(CAND, room_code=CODE), Join(OBS, room_code=CODE))
    room = run(room, RequestRoleSwap(HOST, "w-1"))
    changed = run(room, TransferOwnership(HOST, OBS))
    assert changed.role_swap is None
