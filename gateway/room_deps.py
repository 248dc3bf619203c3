"""Dependencies shared by the room routers: the room service and access checks on a room."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from engine.errors import ErrorCode, Forbidden
from engine.room.state import Room
from engine.room.status import RoomStatus
from gateway.room_service import RoomService


def get_rooms(request: Request) -> RoomService:
    rooms: RoomService = request.app.state.rooms
    return rooms


RoomsDep = Annotated[RoomService, Depends(get_rooms)]


def require_viewer(room: Room, user_id: str, is_admin: bool = False) -> None:
    """Live rooms: active participants only. Finished rooms: any participant never removed."""
    if is_admin:
        return
    member = room.participant(user_id)
    if member is None or member.removed_at is not None:
        raise Forbidden(ErrorCode.ROOM_ACCESS_DENIED, "Not a participant of this room")
    if room.status is not RoomStatus.FINISHED and not member.is_active:
        raise Forbidden(ErrorCode.ROOM_ACCESS_DENIED, "Join the room first")
