"""Handlers for what the room works on and how: language, problem, settings, editor lock.

Invariant: a room's language is always one of the supported languages (or unset); settings always
pass `check_settings`; the problem changes only before coding starts; unchanged values produce no event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from engine.errors import ErrorCode, InvalidInput
from engine.room.access import member, require_active, require_capability, require_moderator, require_open
from engine.room.commands import ChangeLanguage, LockEditor, SelectProblem, UnlockEditor, UpdateSettings
from engine.room.events import EditorLockChanged, LanguageChanged, Outcome, ProblemChanged, SettingsChanged
from engine.room.limits import check_settings
from engine.room.permissions import Capability
from engine.room.state import Room, RoomSettings, check_language
from engine.room.status import RoomStatus

_PROBLEM_STATUSES = frozenset({RoomStatus.WAITING, RoomStatus.WARMUP})


def change_language(room: Room, command: ChangeLanguage, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    if room.status is RoomStatus.FINISHED:
        raise InvalidInput(ErrorCode.ROOM_INVALID_STATE, "The room has finished")
    require_active(actor)
    require_capability(room, actor, Capability.CODE_CHANGE_LANGUAGE)
    check_language(command.language)
    if command.language == room.language:
        return room, []
    event = LanguageChanged(previous=room.language, language=command.language, by=actor.user_id, at=now)
    return replace(room, language=command.language), [event]


def select_problem(room: Room, command: SelectProblem, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    if room.status not in _PROBLEM_STATUSES:
        raise InvalidInput(ErrorCode.ROOM_INVALID_STATE, "The problem can only change before coding")
    require_active(actor)
    require_capability(room, actor, Capability.ROOM_SELECT_PROBLEM)
    if command.problem_id == room.problem_id:
        return room, []
    event = ProblemChanged(previous=room.problem_id, problem_id=command.problem_id, by=actor.user_id, at=now)
    return replace(room, problem_id=command.problem_id), [event]


def update_settings(room: Room, command: UpdateSettings, now: datetime) -> Outcome:
    actor = member(room, command.actor_id)
    require_open(room)
    require_active(actor)
    require_capability(room, actor, Capability.ROOM_SETTINGS)
    settings = _merged(room.settings, command)
    check_settings(settings, active_count=len(room.active()))
    if settings == room.settings:
        return room, []
    return replace(room, settings=settings), [SettingsChanged(settings=settings, by=actor.user_id, at=now)]


def _merged(current: RoomSettings, command: UpdateSettings) -> RoomSettings:
    if command.clear_name and command.name is not None:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Give a name or clear it, not both")
    name = current.name if command.name is None else command.name
    return RoomSettings(
        name=None if command.clear_name else name,
        max_participants=_given(command.max_participants, current.max_participants),
        max_duration_min=_given(command.max_duration_min, current.max_duration_min),
        is_private=current.is_private if command.is_private is None else command.is_private,
    )


def _given(value: int | None, current: int) -> int:
    return current if value is None else value


def lock_editor(room: Room, command: LockEditor, now: datetime) -> Outcome:
    return _set_lock(room, command.actor_id, True, now)


def unlock_editor(room: Room, command: UnlockEditor, now: datetime) -> Outcome:
    return _set_lock(room, command.actor_id, False, now)


def _set_lock(room: Room, actor_id: str, locked: bool, now: datetime) -> Outcome:
    actor = member(room, actor_id)
    require_open(room)
    require_active(actor)
    require_moderator(room, actor)
    if room.editor_locked == locked:
        return room, []
    return replace(room, editor_locked=locked), [EditorLockChanged(locked=locked, by=actor_id, at=now)]
