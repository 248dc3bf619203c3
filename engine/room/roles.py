"""Room roles and modes: who gets which seat on join, and which seatings are allowed.

Invariant (checked by `check_role_config`): among active participants a peer room has at most one
interviewer and at most one candidate; an AI room has no interviewer and at most one candidate. The
strict form, outside `waiting`, requires the seats to be exactly filled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from typing import Final

from engine.errors import Conflict, ErrorCode
from engine.room.status import RoomStatus


class RoomRole(StrEnum):
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    OBSERVER = "observer"


class RoomMode(StrEnum):
    PEER = "peer"
    AI = "ai"


class AssignmentReason(StrEnum):
    REQUESTED = "requested"
    AUTO_ASSIGNED = "auto-assigned"
    FALLBACK_OBSERVER = "fallback-observer"


# The seats of each mode with how many active holders a started room needs (observers are unlimited).
SEATS: Final[dict[RoomMode, dict[RoomRole, int]]] = {
    RoomMode.PEER: {RoomRole.INTERVIEWER: 1, RoomRole.CANDIDATE: 1},
    RoomMode.AI: {RoomRole.INTERVIEWER: 0, RoomRole.CANDIDATE: 1},
}

# The order in which a join without a requested role fills the free seats.
_AUTO_ORDER: Final[dict[RoomMode, tuple[RoomRole, ...]]] = {
    RoomMode.PEER: (RoomRole.INTERVIEWER, RoomRole.CANDIDATE),
    RoomMode.AI: (RoomRole.CANDIDATE,),
}


def host_role(mode: RoomMode) -> RoomRole:
    """The role the creator (and every new host) holds: interviewer in peer rooms, candidate in AI rooms."""
    return RoomRole.INTERVIEWER if mode is RoomMode.PEER else RoomRole.CANDIDATE


def required_roles(mode: RoomMode) -> frozenset[RoomRole]:
    """The seats that must be filled (and ready) to start a session."""
    return frozenset(role for role, count in SEATS[mode].items() if count > 0)


def select_join_role(
    mode: RoomMode, active_roles: Sequence[RoomRole], requested: RoomRole | None
) -> tuple[RoomRole, AssignmentReason]:
    """Reference §6.4: grant a requested free seat, else fill the first free seat, else observe."""
    if requested is not None:
        return _granted(mode, active_roles, requested), AssignmentReason.REQUESTED
    for role in _AUTO_ORDER[mode]:
        if role not in active_roles:
            return role, AssignmentReason.AUTO_ASSIGNED
    return RoomRole.OBSERVER, AssignmentReason.FALLBACK_OBSERVER


def _granted(mode: RoomMode, active_roles: Sequence[RoomRole], requested: RoomRole) -> RoomRole:
    if requested is RoomRole.INTERVIEWER and mode is RoomMode.AI:
        raise Conflict(ErrorCode.ROOM_NOT_PEER_MODE, "AI rooms have no interviewer seat")
    if requested is RoomRole.OBSERVER or requested not in active_roles:
        return requested
    raise Conflict(ErrorCode.ROOM_ROLE_UNAVAILABLE, f"The {requested.value} role is taken")


def check_role_config(
    mode: RoomMode, status: RoomStatus, active_roles: Sequence[RoomRole], strict: bool
) -> None:
    """Reference §6.5: never more holders than seats; with `strict` outside waiting, exactly the seats."""
    counts = Counter(active_roles)
    exact = strict and status is not RoomStatus.WAITING
    for role, seats in SEATS[mode].items():
        held = counts[role]
        if held > seats or (exact and held != seats):
            raise Conflict(
                ErrorCode.ROOM_ROLE_CONSTRAINT_VIOLATION,
                f"A {mode.value} room needs {seats} active {role.value}(s), has {held}",
                {"role": role.value, "required": seats, "actual": held},
            )
