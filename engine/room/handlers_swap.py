"""Handlers for role swaps: the interviewer and the candidate of a peer room trading seats by consent.

Invariant: at most one swap is pending, and a pending swap is always between the room's active
interviewer and active candidate in an open room. `settle_swap`, run by `apply` after every command,
cancels a swap the moment that stops being true; `expire_swap` drops it once `expires_at` has passed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from engine.errors import Conflict, ErrorCode, Forbidden, Gone, NotFound
from engine.room.access import active_target, member, require_active, require_open
from engine.room.commands import RequestRoleSwap, RespondRoleSwap
from engine.room.events import (
    Event,
    Outcome,
    ParticipantUpdated,
    RoleSwapRequested,
    RoleSwapResolved,
    SwapOutcome,
)
from engine.room.limits import ROLE_SWAP_TTL_S
from engine.room.roles import RoomMode, RoomRole
from engine.room.state import Participant, RoleSwap, Room
from engine.room.status import RoomStatus

_PARTNER = {RoomRole.INTERVIEWER: RoomRole.CANDIDATE, RoomRole.CANDIDATE: RoomRole.INTERVIEWER}


def request_role_swap(room: Room, command: RequestRoleSwap, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    require_open(room)
    if room.mode is not RoomMode.PEER:
        raise Conflict(ErrorCode.ROOM_NOT_PEER_MODE, "Role swaps exist only in peer rooms")
    require_active(actor)
    partner = _partner_of(room, actor)
    current, events = expire_swap(room, now, actor.user_id)
    pending = current.role_swap
    if pending is not None:
        if pending.swap_id == command.swap_id and pending.requested_by == actor.user_id:
            return current, events
        raise Conflict(ErrorCode.ROOM_INVALID_STATE, "A role swap is already pending")
    expires_at = now + timedelta(seconds=ROLE_SWAP_TTL_S)
    swap = RoleSwap(command.swap_id, actor.user_id, partner.user_id, now, expires_at)
    events.append(RoleSwapRequested(swap.swap_id, actor.user_id, partner.user_id, now, expires_at))
    return replace(current, role_swap=swap), events


def _partner_of(room: Room, actor: Participant) -> Participant:
    """The active holder of the seat opposite the actor's (interviewer <-> candidate)."""
    partner_role = _PARTNER.get(actor.role)
    if partner_role is None:
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Only the interviewer or candidate may swap roles")
    partner = room.holder(partner_role)
    if partner is None:
        raise NotFound(ErrorCode.PARTICIPANT_NOT_FOUND, f"There is no active {partner_role.value}")
    return partner


def respond_role_swap(room: Room, command: RespondRoleSwap, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    swap = room.role_swap
    if swap is None or swap.swap_id != command.swap_id:
        raise NotFound(ErrorCode.ROLE_SWAP_NOT_FOUND, "No such pending role swap")
    if swap.target_user_id != actor.user_id:
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Only the asked participant may respond")
    if swap.is_expired(now):
        raise Gone(ErrorCode.ROLE_SWAP_EXPIRED, "The role swap request has expired")
    require_active(actor)
    outcome = SwapOutcome.ACCEPTED if command.accept else SwapOutcome.DECLINED
    current, events = _resolved(room, swap, outcome, actor.user_id, now)
    if not command.accept:
        return current, events
    requester = active_target(current, swap.requested_by)
    for mover, role in ((requester, actor.role), (actor, requester.role)):
        current, changed = _reseated(current, mover, role, actor.user_id, now)
        events.append(changed)
    return current, events


def _reseated(room: Room, mover: Participant, role: RoomRole, by: str, now: datetime) -> tuple[Room, Event]:
    moved = mover.with_role(role)
    event = ParticipantUpdated(mover.user_id, mover.role, role, moved.is_muted, moved.is_ready, by, now)
    return room.with_participant(moved), event


def expire_swap(room: Room, now: datetime, by: str) -> Outcome:
    """Drop the pending swap once it has expired."""
    swap = room.role_swap
    if swap is None or not swap.is_expired(now):
        return room, []
    return _resolved(room, swap, SwapOutcome.EXPIRED, by, now)


def settle_swap(room: Room, now: datetime, by: str) -> Outcome:
    """Cancel the pending swap when its two parties are no longer the active interviewer and candidate."""
    swap = room.role_swap
    if swap is None or _still_valid(room, swap):
        return room, []
    return _resolved(room, swap, SwapOutcome.CANCELLED, by, now)


def _still_valid(room: Room, swap: RoleSwap) -> bool:
    requester = room.participant(swap.requested_by)
    target = room.participant(swap.target_user_id)
    if room.status is RoomStatus.FINISHED or requester is None or target is None:
        return False
    seated = requester.is_active and target.is_active
    return seated and _PARTNER.get(requester.role) is target.role


def _resolved(room: Room, swap: RoleSwap, outcome: SwapOutcome, by: str, now: datetime) -> Outcome:
    event = RoleSwapResolved(swap.swap_id, outcome, swap.requested_by, swap.target_user_id, by, now)
    return replace(room, role_swap=None), [event]
