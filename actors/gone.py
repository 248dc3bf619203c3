"""The one "no room here" error shared by room hosts and the doors that call them."""

from __future__ import annotations

from engine.errors import ErrorCode, NotFound


class RoomActorGone(NotFound):
    """No room host serves this room (never created, retired after finishing, destroyed, or its host is
    gone for good). Callers that can decide from storage catch it; anywhere else it is the 404 it is."""

    def __init__(self, room_id: str) -> None:
        super().__init__(ErrorCode.ROOM_NOT_FOUND, "Room not found")
        self.args = (room_id,)
        self.room_id = room_id


class RoomMoved(RoomActorGone):
    """The room left this host for another one (an operator's move, a drain): nothing was applied, so
    any call may be sent again once the room's placement names its new host."""
