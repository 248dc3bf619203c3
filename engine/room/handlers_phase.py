"""Handlers for the room's lifecycle and clock: transitions, the session start, finishing, the timer, Tick.

Invariant: every status change goes through `check_transition` (user transitions) or is a step the table
allows (Tick: coding -> wrapup; Finish: open -> finished); each banks the running coding time into the
timer, so `elapsed_ms` never decreases; leaving `waiting` clears every ready flag; finishing leaves no
participant active.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from engine.errors import ErrorCode, InvalidInput
from engine.room.access import member, require_active, require_moderator
from engine.room.commands import Finish, PauseTimer, ResumeTimer, Tick, Transition
from engine.room.events import CloseReason, Outcome, PhaseChanged, RoomClosed, SessionStarted, TimerChanged
from engine.room.handlers_swap import expire_swap
from engine.room.roles import check_role_config, required_roles
from engine.room.state import Participant, Room
from engine.room.status import RoomStatus, check_transition

_MINUTE_MS = timedelta(minutes=1) // timedelta(milliseconds=1)


def transition(room: Room, command: Transition, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    check_transition(room.status, command.target)
    _check_may_advance(room, actor, command.target)
    if command.target is RoomStatus.FINISHED:
        if room.language is None:
            raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Choose a language before finishing the room")
        return close(room, now, actor.user_id, CloseReason.ENDED)
    if command.target is RoomStatus.WARMUP:
        return _start_session(room, command.session_id, now, actor.user_id)
    return advance(room, command.target, now, actor.user_id)


def _check_may_advance(room: Room, actor: Participant, target: RoomStatus) -> None:
    """Reference §6.2: active host or interviewer; the host may finish even while inactive."""
    if not (target is RoomStatus.FINISHED and room.is_host(actor.user_id)):
        require_active(actor)
    require_moderator(room, actor)


def _start_session(room: Room, session_id: str | None, now: datetime, by: str) -> Outcome:
    if session_id is None:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "A session id is required to start the session")
    seated = room.active()
    check_role_config(room.mode, RoomStatus.WARMUP, [p.role for p in seated], strict=True)
    required = required_roles(room.mode)
    not_ready = [p.user_id for p in seated if p.role in required and not p.is_ready]
    if not_ready:
        raise InvalidInput(
            ErrorCode.ROOM_PARTICIPANTS_NOT_READY, "Not every participant is ready", {"userIds": not_ready}
        )
    started, events = advance(room, RoomStatus.WARMUP, now, by)
    events.append(SessionStarted(session_id=session_id, participants=tuple(seated), at=now))
    return replace(started, session_id=session_id), events


def advance(room: Room, target: RoomStatus, now: datetime, by: str) -> Outcome:
    """Move to `target` (already allowed): bank coding time, start the phase, clear ready flags."""
    participants = room.participants
    if room.status is RoomStatus.WAITING:
        participants = tuple(replace(p, is_ready=False) for p in participants)
    moved = replace(room, status=target, timer=room.timer.moved(now, room.status), participants=participants)
    return moved, [PhaseChanged(previous=room.status, current=target, at=now, by=by)]


def close(room: Room, now: datetime, by: str, reason: str) -> Outcome:
    """The one finish path: status finished, everyone inactive and unready, timer stopped."""
    closed, events = advance(room, RoomStatus.FINISHED, now, by)
    participants = tuple(replace(p.deactivated(now), is_ready=False) for p in closed.participants)
    closed = replace(closed, participants=participants, finished_at=now)
    events.append(RoomClosed(reason=reason, by=by, at=now))
    return closed, events


def finish(room: Room, command: Finish, now: datetime) -> Outcome:
    """Idle sweep / admin force-close: no permission or language check; finished rooms stay as they are."""
    if room.status is RoomStatus.FINISHED:
        return room, []
    return close(room, now, command.actor_id, command.reason)


def tick(room: Room, command: Tick, now: datetime) -> Outcome:
    if room.status is RoomStatus.FINISHED:
        return room, []
    current, events = expire_swap(room, now, command.actor_id)
    limit_ms = current.settings.max_duration_min * _MINUTE_MS
    if current.status is RoomStatus.CODING and current.elapsed_ms_at(now) >= limit_ms:
        current, more = advance(current, RoomStatus.WRAPUP, now, command.actor_id)
        events += more
    return current, events


def pause_timer(room: Room, command: PauseTimer, now: datetime) -> Outcome:
    return _set_paused(room, command.actor_id, True, now)


def resume_timer(room: Room, command: ResumeTimer, now: datetime) -> Outcome:
    return _set_paused(room, command.actor_id, False, now)


def _set_paused(room: Room, actor_id: str, paused: bool, now: datetime) -> Outcome:
    actor = member(room, actor_id)
    if room.status is not RoomStatus.CODING:
        raise InvalidInput(ErrorCode.ROOM_INVALID_STATE, "The timer runs only while coding")
    require_active(actor)
    require_moderator(room, actor)
    if room.timer.paused == paused:
        return room, []
    timer = room.timer.pause(now) if paused else room.timer.resume(now)
    event = TimerChanged(paused=paused, elapsed_ms=timer.elapsed_ms, by=actor_id, at=now)
    return replace(room, timer=timer), [event]
