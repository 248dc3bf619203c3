"""Events: what happened to a room, in the order it happened, ready for the websocket.

Invariant: every change `apply` makes to a room is announced by at least one event, and every event's
`payload()` is JSON-ready (camelCase keys, strings/numbers/bools/None/lists/dicts, ISO-8601 `Z` times).
`type` is the websocket event name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from engine.clock import iso_z
from engine.room.roles import AssignmentReason, RoomRole
from engine.room.state import Participant, Room, RoomSettings
from engine.room.status import RoomStatus


class LeaveReason(StrEnum):
    LEFT = "left"
    DISCONNECTED = "disconnected"


class SwapOutcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class CloseReason(StrEnum):
    """Conventional `RoomClosed` reasons; `Finish.reason` may carry any string."""

    ENDED = "ended"
    IDLE = "idle"
    FORCE_CLOSED = "force-closed"


def _role(role: RoomRole | None) -> str | None:
    return None if role is None else role.value


@dataclass(frozen=True)
class ParticipantJoined:
    type: ClassVar[str] = "participant-joined"
    user_id: str
    role: RoomRole
    reason: AssignmentReason
    requested_role: RoomRole | None
    rejoined: bool
    at: datetime

    def payload(self) -> dict[str, object]:
        return {
            "userId": self.user_id,
            "role": self.role.value,
            "assignmentReason": self.reason.value,
            "requestedRole": _role(self.requested_role),
            "rejoined": self.rejoined,
            "at": iso_z(self.at),
        }


@dataclass(frozen=True)
class ParticipantLeft:
    type: ClassVar[str] = "participant-left"
    user_id: str
    reason: LeaveReason
    at: datetime

    def payload(self) -> dict[str, object]:
        return {"userId": self.user_id, "reason": self.reason.value, "at": iso_z(self.at)}


@dataclass(frozen=True)
class ParticipantReady:
    type: ClassVar[str] = "participant-ready"
    user_id: str
    ready: bool
    at: datetime

    def payload(self) -> dict[str, object]:
        return {"userId": self.user_id, "isReady": self.ready, "at": iso_z(self.at)}


@dataclass(frozen=True)
class ParticipantRemoved:
    type: ClassVar[str] = "participant-removed"
    user_id: str
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {"userId": self.user_id, "by": self.by, "at": iso_z(self.at)}


@dataclass(frozen=True)
class ParticipantUpdated:
    """A role and/or mute change; carries the participant's resulting role, mute and ready flags."""

    type: ClassVar[str] = "participant-updated"
    user_id: str
    previous_role: RoomRole
    role: RoomRole
    is_muted: bool
    is_ready: bool
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {
            "userId": self.user_id,
            "previousRole": self.previous_role.value,
            "role": self.role.value,
            "isMuted": self.is_muted,
            "isReady": self.is_ready,
            "by": self.by,
            "at": iso_z(self.at),
        }


@dataclass(frozen=True)
class PhaseChanged:
    type: ClassVar[str] = "phase-change"
    previous: RoomStatus
    current: RoomStatus
    at: datetime
    by: str

    def payload(self) -> dict[str, object]:
        return {
            "phase": self.current.value,
            "previousPhase": self.previous.value,
            "previous": self.previous.value,
            "current": self.current.value,
            "at": iso_z(self.at),
            "by": self.by,
        }


@dataclass(frozen=True)
class SessionStarted:
    """The session began with these active participants (later joiners are not part of it)."""

    type: ClassVar[str] = "session-started"
    session_id: str
    participants: tuple[Participant, ...]
    at: datetime

    def payload(self) -> dict[str, object]:
        seated = [
            {"userId": p.user_id, "role": p.role.value, "joinedAt": iso_z(p.joined_at)}
            for p in self.participants
        ]
        return {"sessionId": self.session_id, "participants": seated, "at": iso_z(self.at)}


@dataclass(frozen=True)
class EditorLockChanged:
    type: ClassVar[str] = "editor-lock"
    locked: bool
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {
            "locked": self.locked,
            "lockedBy": self.by if self.locked else None,
            "editorLocked": self.locked,
            "by": self.by,
            "at": iso_z(self.at),
        }


@dataclass(frozen=True)
class LanguageChanged:
    type: ClassVar[str] = "language-change"
    previous: str | None
    language: str
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {
            "previous": self.previous,
            "language": self.language,
            "changedBy": self.by,
            "by": self.by,
            "at": iso_z(self.at),
        }


@dataclass(frozen=True)
class ProblemChanged:
    type: ClassVar[str] = "problem-change"
    previous: str | None
    problem_id: str
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {"previous": self.previous, "problemId": self.problem_id, "by": self.by, "at": iso_z(self.at)}


@dataclass(frozen=True)
class SettingsChanged:
    type: ClassVar[str] = "settings-change"
    settings: RoomSettings
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        config = {
            "maxParticipants": self.settings.max_participants,
            "maxDuration": self.settings.max_duration_min,
            "isPrivate": self.settings.is_private,
        }
        return {"name": self.settings.name, "config": config, "by": self.by, "at": iso_z(self.at)}


@dataclass(frozen=True)
class TimerChanged:
    type: ClassVar[str] = "timer"
    paused: bool
    elapsed_ms: int
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {"paused": self.paused, "elapsedMs": self.elapsed_ms, "by": self.by, "at": iso_z(self.at)}


@dataclass(frozen=True)
class RoleSwapRequested:
    type: ClassVar[str] = "role-swap-requested"
    swap_id: str
    requested_by: str
    target_user_id: str
    at: datetime
    expires_at: datetime

    def payload(self) -> dict[str, object]:
        return {
            "swapId": self.swap_id,
            "requestedBy": self.requested_by,
            "targetUserId": self.target_user_id,
            "at": iso_z(self.at),
            "expiresAt": iso_z(self.expires_at),
        }


@dataclass(frozen=True)
class RoleSwapResolved:
    """The pending swap ended; on `accepted` the two `ParticipantUpdated` events carry the new roles."""

    type: ClassVar[str] = "role-swap-resolved"
    swap_id: str
    outcome: SwapOutcome
    requested_by: str
    target_user_id: str
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {
            "swapId": self.swap_id,
            "outcome": self.outcome.value,
            "requestedBy": self.requested_by,
            "targetUserId": self.target_user_id,
            "by": self.by,
            "at": iso_z(self.at),
        }


@dataclass(frozen=True)
class OwnershipTransferred:
    type: ClassVar[str] = "ownership-transferred"
    previous_host_id: str
    host_id: str
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {
            "previousHostId": self.previous_host_id,
            "currentHostId": self.host_id,
            "by": self.by,
            "at": iso_z(self.at),
        }


@dataclass(frozen=True)
class RoomClosed:
    type: ClassVar[str] = "room-closed"
    reason: str
    by: str
    at: datetime

    def payload(self) -> dict[str, object]:
        return {"reason": self.reason, "by": self.by, "at": iso_z(self.at)}


Event = (
    ParticipantJoined
    | ParticipantLeft
    | ParticipantReady
    | ParticipantRemoved
    | ParticipantUpdated
    | PhaseChanged
    | SessionStarted
    | EditorLockChanged
    | LanguageChanged
    | ProblemChanged
    | SettingsChanged
    | TimerChanged
    | RoleSwapRequested
    | RoleSwapResolved
    | OwnershipTransferred
    | RoomClosed
)

# What every handler returns: the next room (the same object when nothing changed) and its events.
Outcome = tuple[Room, list[Event]]
