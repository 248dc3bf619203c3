"""Who may act: the guards every handler runs before changing a room.

Invariant: refusals use one vocabulary. Outsiders and removed users get 403 ROOM_ACCESS_DENIED, so is
an inactive participant acting; a participant lacking the right gets 403 ROOM_PERMISSION_DENIED; a
target that is not an active participant gets 404 PARTICIPANT_NOT_FOUND; acting on a finished room
gets 409 ROOM_FINISHED unless the reference names another code. Handlers check, in this order:
membership, the room's status, activity, permission, then the target.
"""

from __future__ import annotations

from engine.errors import Conflict, ErrorCode, Forbidden, NotFound
from engine.room.permissions import Capability
from engine.room.roles import RoomRole
from engine.room.state import Participant, Room
from engine.room.status import RoomStatus


def member(room: Room, user_id: str) -> Participant:
    """The user's row; refused when there is none or the user was removed."""
    found = room.participant(user_id)
    if found is None or found.is_removed:
        raise Forbidden(ErrorCode.ROOM_ACCESS_DENIED, "You are not a participant of this room")
    return found


def require_active(participant: Participant) -> None:
    if not participant.is_active:
        raise Forbidden(ErrorCode.ROOM_ACCESS_DENIED, "You are not an active participant of this room")


def active_member(room: Room, user_id: str) -> Participant:
    found = member(room, user_id)
    require_active(found)
    return found


def require_open(room: Room) -> None:
    if room.status is RoomStatus.FINISHED:
        raise Conflict(ErrorCode.ROOM_FINISHED, "The room has finished")


def require_host(room: Room, user_id: str) -> None:
    if not room.is_host(user_id):
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Only the host may do this")


def require_moderator(room: Room, participant: Participant) -> None:
    """Host (any role) or interviewer: phase changes, editor lock, timer."""
    if not (room.is_host(participant.user_id) or participant.role is RoomRole.INTERVIEWER):
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Only the host or the interviewer may do this")


def require_capability(room: Room, participant: Participant, capability: Capability) -> None:
    if capability not in room.capabilities_of(participant.user_id):
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, f"Missing the {capability.value} capability")


def active_target(room: Room, user_id: str) -> Participant:
    """The active participant a command is aimed at."""
    found = room.participant(user_id)
    if found is None or not found.is_active:
        raise NotFound(ErrorCode.PARTICIPANT_NOT_FOUND, "No such active participant")
    return found


def authorize_code_action(room: Room, user_id: str, capability: Capability) -> Participant:
    """Run/submit (reference §4.3): active participant, editor unlocked (for everyone), capability."""
    actor = active_member(room, user_id)
    if room.editor_locked:
        raise Conflict(ErrorCode.ROOM_EDITOR_LOCKED, "The editor is locked")
    require_capability(room, actor, capability)
    return actor


def admission(room: Room, user_id: str) -> str | None:
    """Why this user may not hold a room socket (the close reason), or None."""
    found = room.participant(user_id)
    if found is None:
        return "not-participant"
    if found.removed_at is not None:
        return "participant-removed"
    if room.status is RoomStatus.FINISHED:
        return "room-finished"
    return None


def can_edit(room: Room, user_id: str) -> bool:
    """Whether the user's document writes are accepted: an active participant of a live room, not an
    observer, and not a candidate while the editor is locked (everyone else's writes are dropped)."""
    found = room.participant(user_id)
    return bool(
        found
        and found.is_active
        and room.status is not RoomStatus.FINISHED
        and found.role is not RoomRole.OBSERVER
        and not (found.role is RoomRole.CANDIDATE and room.editor_locked)
    )
