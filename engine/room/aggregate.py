"""The room aggregate's one entry point: `apply(room, command, now) -> (room, events)`.

Theory of operation: `apply` picks the handler for the command's type; the handler either raises a
`DomainError` (the room is untouched: values are frozen) or returns the next room and the events that
describe the change. `apply` then restores the cross-cutting invariant on role swaps (`settle_swap`)
and stamps `updated_at`. A room returned unchanged is the very same value, with no events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from engine.room import commands as cmd
from engine.room.events import Event, ParticipantJoined
from engine.room.handlers_membership import disconnect, join, kick, leave, set_ready
from engine.room.handlers_phase import finish, pause_timer, resume_timer, tick, transition
from engine.room.handlers_roles import transfer_ownership, update_participant
from engine.room.handlers_settings import (
    change_language,
    lock_editor,
    select_problem,
    unlock_editor,
    update_settings,
)
from engine.room.handlers_swap import request_role_swap, respond_role_swap, settle_swap
from engine.room.roles import AssignmentReason, RoomRole
from engine.room.state import Room

# Each handler takes exactly the command type it is registered under (tests check the table is complete).
HANDLERS: Final[dict[type, Callable[[Room, Any, datetime], tuple[Room, list[Event]]]]] = {
    cmd.Join: join,
    cmd.Leave: leave,
    cmd.Disconnect: disconnect,
    cmd.SetReady: set_ready,
    cmd.ChangeLanguage: change_language,
    cmd.TransferOwnership: transfer_ownership,
    cmd.UpdateParticipant: update_participant,
    cmd.Kick: kick,
    cmd.Transition: transition,
    cmd.SelectProblem: select_problem,
    cmd.UpdateSettings: update_settings,
    cmd.LockEditor: lock_editor,
    cmd.UnlockEditor: unlock_editor,
    cmd.PauseTimer: pause_timer,
    cmd.ResumeTimer: resume_timer,
    cmd.RequestRoleSwap: request_role_swap,
    cmd.RespondRoleSwap: respond_role_swap,
    cmd.Tick: tick,
    cmd.Finish: finish,
}


def apply(room: Room, command: cmd.Command, now: datetime) -> tuple[Room, list[Event]]:
    """Apply `command` at `now` (aware UTC). Raises a DomainError when refused; never mutates `room`."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    handled, events = HANDLERS[type(command)](room, command, now)
    settled, cancelled = settle_swap(handled, now, command.actor_id)
    events = [*events, *cancelled]
    if settled == room:
        return room, events
    return replace(settled, updated_at=now), events


def join_result(
    room: Room, user_id: str, events: Sequence[Event] = ()
) -> tuple[RoomRole, AssignmentReason] | None:
    """The role and assignment reason to report for a Join: from its `ParticipantJoined` event when
    there is one, else (already active, nothing happened) the current role as `auto-assigned`; None
    when the user is not an active participant."""
    for event in events:
        if isinstance(event, ParticipantJoined) and event.user_id == user_id:
            return event.role, event.reason
    found = room.participant(user_id)
    if found is None or not found.is_active:
        return None
    return found.role, AssignmentReason.AUTO_ASSIGNED
