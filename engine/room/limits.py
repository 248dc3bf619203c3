"""Numeric bounds of a room, with units in their names, and the one check of settings against them.

Invariant: every `RoomSettings` a room holds passed `check_settings` (2..8 seats, never fewer seats than
active participants, a positive duration, a name of at most 100 characters).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from engine.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    from engine.room.state import RoomSettings

MIN_PARTICIPANTS: Final = 2
MAX_PARTICIPANTS: Final = 8
DEFAULT_MAX_PARTICIPANTS: Final = 2
DEFAULT_MAX_DURATION_MIN: Final = 120
NAME_MAX_LEN: Final = 100
ROLE_SWAP_TTL_S: Final = 60
SYSTEM_ACTOR: Final = "system"


def check_settings(settings: RoomSettings, active_count: int = 0) -> None:
    """Refuse settings outside the bounds with 400 VALIDATION_FAILED."""
    if not MIN_PARTICIPANTS <= settings.max_participants <= MAX_PARTICIPANTS:
        _refuse(f"maxParticipants must be between {MIN_PARTICIPANTS} and {MAX_PARTICIPANTS}")
    if settings.max_participants < active_count:
        _refuse(f"maxParticipants cannot be below the {active_count} active participants")
    if settings.max_duration_min < 1:
        _refuse("maxDuration must be a positive number of minutes")
    if settings.name is not None and len(settings.name) > NAME_MAX_LEN:
        _refuse(f"name must be at most {NAME_MAX_LEN} characters")


def _refuse(message: str) -> None:
    raise InvalidInput(ErrorCode.VALIDATION_FAILED, message)
