"""Handlers for seats and the host: ownership transfer and participant updates (role, mute).

Invariant: roles are edited and ownership moves only while `waiting`; every role change keeps the role
configuration valid and announces a `ParticipantUpdated`; the host is always an existing, non-removed
participant.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from engine.room.access import active_target, member, require_active, require_host, require_open
from engine.room.commands import TransferOwnership, UpdateParticipant
from engine.room.events import Event, Outcome, OwnershipTransferred, ParticipantUpdated
from engine.room.roles import RoomMode, RoomRole, check_role_config, host_role
from engine.room.state import Participant, Room
from engine.room.status import RoomStatus


def _updated(before: Participant, after: Participant, by: str, now: datetime) -> ParticipantUpdated:
    return ParticipantUpdated(
        user_id=after.user_id,
        previous_role=before.role,
        role=after.role,
        is_muted=after.is_muted,
        is_ready=after.is_ready,
        by=by,
        at=now,
    )


def _require_waiting(room: Room) -> None:
    require_open(room)
    if room.status is not RoomStatus.WAITING:
        raise InvalidInput(ErrorCode.ROOM_ROLES_LOCKED, "Roles can only change while waiting")


def transfer_ownership(room: Room, command: TransferOwnership, now: datetime) -> Outcome:
    """Reference §6.6, generalised: the target takes the host role and whoever held it takes the
    target's old role (in the usual case that is the former host, so the two swap)."""
    refused = ErrorCode.PARTICIPANT_CANNOT_TRANSFER_OWNERSHIP
    if command.target_user_id == command.actor_id:
        raise InvalidInput(refused, "You already own this room")
    actor = member(room, command.actor_id)
    require_host(room, actor.user_id)
    _require_waiting(room)
    target = room.participant(command.target_user_id)
    if target is None or target.is_removed:
        raise NotFound(ErrorCode.PARTICIPANT_NOT_FOUND, "No such participant")
    if not (target.is_active and actor.is_active):
        raise InvalidInput(refused, "Both the host and the new host must be active")
    new_role = host_role(room.mode)
    moves = [(target, new_role)]
    holder = room.holder(new_role)
    if holder is not None and holder.user_id != target.user_id:
        moves.append((holder, target.role))
    current = replace(room, host_id=target.user_id)
    events: list[Event] = [OwnershipTransferred(actor.user_id, target.user_id, actor.user_id, now)]
    for before, role in moves:
        if before.role is not role:
            current = current.with_participant(before.with_role(role))
            events.append(_updated(before, before.with_role(role), actor.user_id, now))
    return current, events


def update_participant(room: Room, command: UpdateParticipant, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    require_open(room)
    require_active(actor)
    if command.role is None and command.is_muted is None:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Nothing to update")
    if command.role is not None:
        _check_role_edit(room, command, command.role)
    if command.is_muted is not None and command.target_user_id != actor.user_id:
        require_host(room, actor.user_id)
    before = active_target(room, command.target_user_id)
    after = before if command.role is None else before.with_role(command.role)
    if command.is_muted is not None:
        after = replace(after, is_muted=command.is_muted)
    if after == before:
        return room, []
    current = room.with_participant(after)
    check_role_config(current.mode, current.status, current.active_roles(), strict=True)
    return current, [_updated(before, after, actor.user_id, now)]


def _check_role_edit(room: Room, command: UpdateParticipant, role: RoomRole) -> None:
    """Reference §4.4.1: host only, waiting only, never the host's own seat, no interviewer in AI rooms."""
    if not room.is_host(command.actor_id):
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Only the host may change roles")
    _require_waiting(room)
    if room.is_host(command.target_user_id):
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Use ownership transfer to change the host's role")
    if role is RoomRole.INTERVIEWER and room.mode is RoomMode.AI:
        raise Conflict(ErrorCode.ROOM_NOT_PEER_MODE, "AI rooms have no interviewer seat")
