"""Who may ask the AI interviewer for what (reference §4.4.4), checked in the reference's order:
active participant, AI mode and room state (interview), capability, then the problem and language.

Invariant: observers never reach the interviewer (they lack `ai:request-hint`); a review needs
`ai:request-review`, which in an AI room the candidate holds through `ai:request-hint` (the AI is their
interviewer).
"""

from __future__ import annotations

from engine.errors import ErrorCode, Forbidden, InvalidInput
from engine.room.access import active_member
from engine.room.permissions import Capability
from engine.room.roles import RoomMode
from engine.room.state import Room
from engine.room.status import RoomStatus

INTERVIEW_STATUSES = frozenset({RoomStatus.WARMUP, RoomStatus.CODING, RoomStatus.WRAPUP})
KINDS = ("interview", "hint", "analysis", "review")


def authorize(room: Room, user_id: str, kind: str) -> None:
    active_member(room, user_id)
    if kind == "interview":
        if room.mode is not RoomMode.AI:
            raise InvalidInput(ErrorCode.ROOM_NOT_AI_MODE, "The AI interviewer works in AI rooms only")
        if room.status not in INTERVIEW_STATUSES:
            raise InvalidInput(
                ErrorCode.ROOM_INVALID_STATE, f"The interview is not running ({room.status.value})"
            )
    elif room.status is RoomStatus.FINISHED:
        raise InvalidInput(ErrorCode.ROOM_INVALID_STATE, "The room has finished")
    granted = room.capabilities_of(user_id)
    if kind == "review":
        allowed = Capability.AI_REQUEST_REVIEW in granted or (
            room.mode is RoomMode.AI and Capability.AI_REQUEST_HINT in granted
        )
    else:
        allowed = Capability.AI_REQUEST_HINT in granted
    if not allowed:
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Missing the capability to ask the AI interviewer")


def effective_language(room: Room, requested: str | None) -> str:
    """Room language ?? request language ?? python; a request naming another language than the room's
    is refused."""
    if room.language and requested and requested != room.language:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED,
            "Language differs from the room's",
            {"language": "Must match the room"},
        )
    return room.language or requested or "python"
