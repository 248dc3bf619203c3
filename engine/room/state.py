"""The room aggregate's data: participants, settings, timer, pending role swap, and the room itself.

Everything here is a frozen value; changes are made by `dataclasses.replace` in the handlers, never in
place. Invariants the handlers keep (and tests check): the host is always a participant and never
removed; removed participants are never active; `timer.elapsed_ms` never decreases.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from engine.errors import ErrorCode, InvalidInput
from engine.problems.model import LANGUAGES
from engine.room.limits import DEFAULT_MAX_DURATION_MIN, DEFAULT_MAX_PARTICIPANTS, check_settings
from engine.room.permissions import Capability, capabilities
from engine.room.roles import RoomMode, RoomRole, host_role
from engine.room.status import RoomStatus

_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Participant:
    """A user's row in a room. Inactive rows stay (for re-join); `removed_at` bans re-joining."""

    user_id: str
    role: RoomRole
    joined_at: datetime
    is_active: bool = True
    is_ready: bool = False
    is_muted: bool = False
    left_at: datetime | None = None
    removed_at: datetime | None = None

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def with_role(self, role: RoomRole) -> Participant:
        """Readiness is for a role: changing the role clears it."""
        return replace(self, role=role, is_ready=self.is_ready and self.role is role)

    def deactivated(self, now: datetime) -> Participant:
        return replace(self, is_active=False, left_at=now) if self.is_active else self


@dataclass(frozen=True)
class RoomSettings:
    """The editable configuration (`RoomConfig` plus the name)."""

    name: str | None
    max_participants: int = DEFAULT_MAX_PARTICIPANTS
    max_duration_min: int = DEFAULT_MAX_DURATION_MIN
    is_private: bool = True


@dataclass(frozen=True)
class Timer:
    """Coding time. `elapsed_ms` is banked time; while coding and not paused the clock also runs from
    `phase_started_at`, which is when the phase began or, after a resume, when the timer resumed. So the
    client formula `elapsedMs + (now - currentPhaseStartedAt)` (reference §6.7) stays exact."""

    phase_started_at: datetime | None = None
    elapsed_ms: int = 0
    paused: bool = False
    paused_at: datetime | None = None

    def elapsed_at(self, now: datetime, status: RoomStatus) -> int:
        """Accumulated coding ms at `now`, including the running part (never negative)."""
        if status is not RoomStatus.CODING or self.paused or self.phase_started_at is None:
            return self.elapsed_ms
        return self.elapsed_ms + max(0, (now - self.phase_started_at) // _MS)

    def moved(self, now: datetime, previous: RoomStatus) -> Timer:
        """After a status change at `now`: running time banked, a new phase started, not paused."""
        return Timer(phase_started_at=now, elapsed_ms=self.elapsed_at(now, previous))

    def pause(self, now: datetime) -> Timer:
        elapsed = self.elapsed_at(now, RoomStatus.CODING)
        return replace(self, elapsed_ms=elapsed, paused=True, paused_at=now)

    def resume(self, now: datetime) -> Timer:
        return replace(self, phase_started_at=now, paused=False, paused_at=None)


@dataclass(frozen=True)
class RoleSwap:
    """A pending request by the interviewer or candidate to trade roles with the other one."""

    swap_id: str
    requested_by: str
    target_user_id: str
    requested_at: datetime
    expires_at: datetime

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class Room:
    """The room aggregate: the whole state the engine rules over."""

    id: str
    code: str
    mode: RoomMode
    host_id: str
    status: RoomStatus
    settings: RoomSettings
    created_at: datetime
    problem_id: str | None = None
    language: str | None = None
    participants: tuple[Participant, ...] = ()
    editor_locked: bool = False
    timer: Timer = field(default_factory=Timer)
    role_swap: RoleSwap | None = None
    session_id: str | None = None
    finished_at: datetime | None = None
    updated_at: datetime | None = None

    def participant(self, user_id: str) -> Participant | None:
        return next((p for p in self.participants if p.user_id == user_id), None)

    def active(self) -> list[Participant]:
        return [p for p in self.participants if p.is_active]

    def active_roles(self) -> list[RoomRole]:
        return [p.role for p in self.participants if p.is_active]

    def holder(self, role: RoomRole) -> Participant | None:
        """The active participant holding `role` (interviewer and candidate have at most one)."""
        return next((p for p in self.participants if p.is_active and p.role is role), None)

    def is_host(self, user_id: str) -> bool:
        return self.host_id == user_id

    def capabilities_of(self, user_id: str) -> frozenset[Capability]:
        """`myCapabilities`: by role and host flag, empty for non-participants and removed users.
        Activity is not considered (finished rooms show them too): callers check it separately."""
        found = self.participant(user_id)
        if found is None or found.is_removed:
            return frozenset()
        return capabilities(found.role, self.is_host(user_id))

    def elapsed_ms_at(self, now: datetime) -> int:
        return self.timer.elapsed_at(now, self.status)

    def with_participant(self, updated: Participant) -> Room:
        """The room with `updated` replacing the row of the same user (appended when new)."""
        if self.participant(updated.user_id) is None:
            return replace(self, participants=(*self.participants, updated))
        rows = tuple(updated if p.user_id == updated.user_id else p for p in self.participants)
        return replace(self, participants=rows)


def check_language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, f"Unsupported language: {language}")


def new_room(
    room_id: str,
    code: str,
    mode: RoomMode,
    host_id: str,
    settings: RoomSettings,
    now: datetime,
    problem_id: str | None = None,
    language: str | None = None,
) -> Room:
    """A waiting room whose creator is the host, seated active in the mode's host role."""
    check_settings(settings)
    check_language(language)
    host = Participant(user_id=host_id, role=host_role(mode), joined_at=now)
    return Room(
        id=room_id,
        code=code.upper(),
        mode=mode,
        host_id=host_id,
        status=RoomStatus.WAITING,
        settings=settings,
        created_at=now,
        problem_id=problem_id,
        language=language,
        participants=(host,),
        timer=Timer(phase_started_at=now),
        updated_at=now,
    )
