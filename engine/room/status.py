"""Room statuses and the one table of allowed status changes.

Theory of operation: a room moves forward one step at a time, waiting → warmup → coding → wrapup,
and may jump to finished from any open status. `finished` is absorbing: nothing leaves it. The table
`TRANSITIONS` is the only place that knows this, and `check_transition` the only place that enforces it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from engine.errors import ErrorCode, InvalidInput


class RoomStatus(StrEnum):
    WAITING = "waiting"
    WARMUP = "warmup"
    CODING = "coding"
    WRAPUP = "wrapup"
    FINISHED = "finished"


TRANSITIONS: Final[dict[RoomStatus, frozenset[RoomStatus]]] = {
    RoomStatus.WAITING: frozenset({RoomStatus.WARMUP, RoomStatus.FINISHED}),
    RoomStatus.WARMUP: frozenset({RoomStatus.CODING, RoomStatus.FINISHED}),
    RoomStatus.CODING: frozenset({RoomStatus.WRAPUP, RoomStatus.FINISHED}),
    RoomStatus.WRAPUP: frozenset({RoomStatus.FINISHED}),
    RoomStatus.FINISHED: frozenset(),
}


def check_transition(current: RoomStatus, target: RoomStatus) -> None:
    """Refuse any status change the table does not list (skips, going back, leaving finished)."""
    if target not in TRANSITIONS[current]:
        raise InvalidInput(
            ErrorCode.ROOM_INVALID_TRANSITION,
            f"Cannot move a room from {current.value} to {target.value}",
            {"from": current.value, "to": target.value},
        )
