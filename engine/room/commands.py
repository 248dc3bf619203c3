"""Commands: what a user (or the system) asks a room to do. Plain frozen data, validated by the handlers.

Invariant: every command names its actor first (`actor_id`); the engine never learns who is asking from
anywhere else. Ids the engine stores (session ids, swap ids) come in on commands; the engine makes none.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.room.limits import SYSTEM_ACTOR
from engine.room.roles import RoomRole
from engine.room.status import RoomStatus


@dataclass(frozen=True)
class Join:
    """Join or re-join. New users of a private room must give the room code."""

    actor_id: str
    requested_role: RoomRole | None = None
    room_code: str | None = None


@dataclass(frozen=True)
class Leave:
    """The participant leaves on purpose (becomes inactive; may re-join)."""

    actor_id: str


@dataclass(frozen=True)
class Disconnect:
    """The participant's socket closed: inactive, not removed. Never refused; idempotent."""

    actor_id: str


@dataclass(frozen=True)
class SetReady:
    """Set (or, with None, toggle) the actor's ready flag; waiting rooms only."""

    actor_id: str
    ready: bool | None = None


@dataclass(frozen=True)
class ChangeLanguage:
    actor_id: str
    language: str


@dataclass(frozen=True)
class TransferOwnership:
    actor_id: str
    target_user_id: str


@dataclass(frozen=True)
class UpdateParticipant:
    """Host role edits (waiting only), or muting: the host mutes anyone, anyone mutes themselves."""

    actor_id: str
    target_user_id: str
    role: RoomRole | None = None
    is_muted: bool | None = None


@dataclass(frozen=True)
class Kick:
    """Permanent removal by the host."""

    actor_id: str
    target_user_id: str


@dataclass(frozen=True)
class Transition:
    """Change status; `session_id` (allocated by the caller) is required for waiting -> warmup."""

    actor_id: str
    target: RoomStatus
    session_id: str | None = None


@dataclass(frozen=True)
class SelectProblem:
    actor_id: str
    problem_id: str


@dataclass(frozen=True)
class UpdateSettings:
    """Change the given settings; `clear_name` sets the name to None."""

    actor_id: str
    name: str | None = None
    max_participants: int | None = None
    max_duration_min: int | None = None
    is_private: bool | None = None
    clear_name: bool = False


@dataclass(frozen=True)
class LockEditor:
    actor_id: str


@dataclass(frozen=True)
class UnlockEditor:
    actor_id: str


@dataclass(frozen=True)
class PauseTimer:
    actor_id: str


@dataclass(frozen=True)
class ResumeTimer:
    actor_id: str


@dataclass(frozen=True)
class RequestRoleSwap:
    """The interviewer or candidate asks the other one to trade roles (peer rooms)."""

    actor_id: str
    swap_id: str


@dataclass(frozen=True)
class RespondRoleSwap:
    actor_id: str
    swap_id: str
    accept: bool


@dataclass(frozen=True)
class Tick:
    """Time passes: due role swaps expire and coding stops at the room's maximum duration."""

    actor_id: str = SYSTEM_ACTOR


@dataclass(frozen=True)
class Finish:
    """Close the room from any open status (idle sweep, admin force-close). The caller authorises."""

    actor_id: str
    reason: str


Command = (
    Join
    | Leave
    | Disconnect
    | SetReady
    | ChangeLanguage
    | TransferOwnership
    | UpdateParticipant
    | Kick
    | Transition
    | SelectProblem
    | UpdateSettings
    | LockEditor
    | UnlockEditor
    | PauseTimer
    | ResumeTimer
    | RequestRoleSwap
    | RespondRoleSwap
    | Tick
    | Finish
)
