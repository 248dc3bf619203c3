"""Handlers for who is in the room: join, leave, disconnect, kick, ready.

Invariant: capacity (active participants, observers included) never exceeds `max_participants` through
a join; a removed participant never becomes active again; an already active participant re-joining
changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from engine.room.access import active_target, member, require_active, require_host, require_open
from engine.room.commands import Disconnect, Join, Kick, Leave, SetReady
from engine.room.events import (
    LeaveReason,
    Outcome,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantReady,
    ParticipantRemoved,
)
from engine.room.roles import RoomRole, check_role_config, select_join_role
from engine.room.state import Participant, Room
from engine.room.status import RoomStatus


def join(room: Room, command: Join, now: datetime) -> Outcome:
    if room.status is RoomStatus.FINISHED:
        raise Conflict(ErrorCode.ROOM_FINISHED, "The room has finished")
    existing = room.participant(command.actor_id)
    if existing is None:
        _check_code(room, command.room_code)
    elif existing.is_removed:
        raise Forbidden(ErrorCode.ROOM_PARTICIPANT_REMOVED, "You were removed from this room")
    elif existing.is_active:
        return room, []
    roles = room.active_roles()
    if len(roles) >= room.settings.max_participants:
        raise Conflict(ErrorCode.ROOM_FULL, "The room is full")
    role, reason = select_join_role(room.mode, roles, command.requested_role)
    check_role_config(room.mode, room.status, [*roles, role], strict=False)
    joined = _admitted(existing, command.actor_id, role, now)
    event = ParticipantJoined(
        user_id=command.actor_id,
        role=role,
        reason=reason,
        requested_role=command.requested_role,
        rejoined=existing is not None,
        at=now,
    )
    return room.with_participant(joined), [event]


def _check_code(room: Room, code: str | None) -> None:
    """First joins only: a private room needs the code; any code given must match (case-insensitive)."""
    if code is None:
        if room.settings.is_private:
            raise InvalidInput(ErrorCode.ROOM_INVALID_CODE, "Room code required to join a private room")
    elif code.upper() != room.code.upper():
        raise InvalidInput(ErrorCode.ROOM_INVALID_CODE, "Invalid room code")


def _admitted(existing: Participant | None, user_id: str, role: RoomRole, now: datetime) -> Participant:
    if existing is None:
        return Participant(user_id=user_id, role=role, joined_at=now)
    return replace(existing.with_role(role), is_active=True, left_at=None, joined_at=now)


def leave(room: Room, command: Leave, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    return _deactivated(room, actor, now, LeaveReason.LEFT)


def disconnect(room: Room, command: Disconnect, now: datetime) -> Outcome:
    actor = room.participant(command.actor_id)
    if actor is None:
        return room, []
    return _deactivated(room, actor, now, LeaveReason.DISCONNECTED)


def _deactivated(room: Room, actor: Participant, now: datetime, reason: LeaveReason) -> Outcome:
    if not actor.is_active:
        return room, []
    event = ParticipantLeft(user_id=actor.user_id, reason=reason, at=now)
    return room.with_participant(actor.deactivated(now)), [event]


def kick(room: Room, command: Kick, now: datetime) -> Outcome:
    if command.target_user_id == command.actor_id:
        raise InvalidInput(ErrorCode.ROOM_PERMISSION_DENIED, "You cannot remove yourself")
    actor = member(room, command.actor_id)
    require_open(room)
    require_active(actor)
    require_host(room, actor.user_id)
    target = active_target(room, command.target_user_id)
    removed = replace(target.deactivated(now), is_ready=False, removed_at=now)
    event = ParticipantRemoved(user_id=target.user_id, by=actor.user_id, at=now)
    return room.with_participant(removed), [event]


def set_ready(room: Room, command: SetReady, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    if room.status is not RoomStatus.WAITING:
        raise InvalidInput(ErrorCode.ROOM_INVALID_TRANSITION, "Readiness can only change while waiting")
    if not actor.is_active:
        raise NotFound(ErrorCode.PARTICIPANT_NOT_FOUND, "You are not an active participant")
    ready = not actor.is_ready if command.ready is None else command.ready
    if ready == actor.is_ready:
        return room, []
    event = ParticipantReady(user_id=actor.user_id, ready=ready, at=now)
    return room.with_participant(replace(actor, is_ready=ready)), [event]
