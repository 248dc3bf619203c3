"""Admin operations on rooms. Force-close goes through the room's one finish path (the same one the
idle sweep uses) and is audited."""

from __future__ import annotations

from actors.room import Outcome
from engine.errors import Conflict, ErrorCode
from gateway import accounts
from gateway.room_service import RoomService
from gateway.services import Services


async def force_close(
    services: Services, rooms: RoomService, room_id: str, admin_id: str, reason: str, ip: str | None
) -> Outcome:
    outcome = await rooms.finish(room_id, admin_id, reason)
    if not outcome.events:  # already finished (e.g. a concurrent close won): nothing to audit
        raise Conflict(ErrorCode.ROOM_FINISHED, "The room has already finished")
    await accounts.audit(
        services, "admin.room.force_close", admin_id, room_id, ip, {"reason": reason}, target_type="room"
    )
    return outcome
