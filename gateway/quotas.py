"""Daily quotas, the active-room quota and per-minute rate limits, counted from real usage (shared
across gateways) and enforced (not only reported).

A user's active rooms are the live (not finished, not destroyed) rooms in which they are an active
participant; `GET /users/me/quotas` reports exactly the count that create and join enforce.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from engine.clock import next_midnight
from engine.errors import Conflict, ErrorCode, RateLimited
from engine.ratelimit import allowed, window_for
from engine.room import RoomStatus
from gateway.room_service import USER_ROOMS_MAX
from gateway.schemas.users import DailyQuota, RoomQuota, UserQuotas
from gateway.services import Services
from storage.rooms import RoomRepository


class QuotaKind(StrEnum):
    AI = "ai"
    EXECUTION = "execution"


def _limit(services: Services, kind: QuotaKind) -> int:
    s = services.config.settings
    return s.ai_daily_limit if kind is QuotaKind.AI else s.execution_daily_limit


async def consume(services: Services, user_id: str, kind: QuotaKind) -> None:
    """Count one use; over the daily limit the use is refused with 429 until the next UTC midnight."""
    now = services.now()
    used = await services.usage.increment(user_id, kind.value, now)
    if used > _limit(services, kind):
        await services.usage.increment(user_id, kind.value, now, amount=-1)
        retry = int((next_midnight(now) - now).total_seconds()) + 1
        raise RateLimited(ErrorCode.RATE_LIMIT_EXCEEDED, f"Daily {kind.value} quota exhausted", retry)


async def _daily(services: Services, user_id: str, kind: QuotaKind) -> DailyQuota:
    now = services.now()
    used = await services.usage.today(user_id, kind.value, now)
    limit = _limit(services, kind)
    return DailyQuota(used=used, limit=limit, remaining=max(0, limit - used), resetsAt=next_midnight(now))


async def active_rooms(services: Services, user_id: str, bound: int, excluding: str | None = None) -> int:
    """How many live rooms (other than `excluding`) the user is an active participant of, counted up to
    `bound + 1`."""
    query: dict[str, Any] = {"activeParticipantIds": user_id, "status": {"$ne": RoomStatus.FINISHED.value}}
    if excluding is not None:
        query["_id"] = {"$ne": excluding}
    docs = await RoomRepository(services.mongo).for_participant(user_id, query, [("_id", 1)], bound)
    return len(docs)


async def ensure_room_slot(services: Services, user_id: str, joining: str | None = None) -> None:
    """Refuse (409 ROOM_QUOTA_EXCEEDED) creating a room, or joining room `joining`, when the user is
    already active in `rooms.maxActive` other live rooms. Re-joining a room the user is active in takes
    no new slot. Two concurrent requests may both pass (the count is read, not reserved)."""
    limit = services.config.settings.rooms_max_active
    if await active_rooms(services, user_id, limit, excluding=joining) >= limit:
        raise Conflict(
            ErrorCode.ROOM_QUOTA_EXCEEDED,
            f"Active in {limit} live rooms already: leave or finish one first",
            {"maxActive": limit},
        )


async def user_quotas(services: Services, user_id: str) -> UserQuotas:
    limit = services.config.settings.rooms_max_active
    active = await active_rooms(services, user_id, max(limit, USER_ROOMS_MAX))
    return UserQuotas(
        ai=await _daily(services, user_id, QuotaKind.AI),
        execution=await _daily(services, user_id, QuotaKind.EXECUTION),
        rooms=RoomQuota(activeCount=active, maxActive=limit),
    )


async def per_minute(services: Services, key: str, limit: int, code: ErrorCode, message: str) -> None:
    """Count one request under `key` in the current minute; past `limit` it is refused with 429 and a
    Retry-After until the window ends."""
    window = window_for(services.now(), 60)
    count = await services.usage.hit(key, window)
    if not allowed(count, limit):
        raise RateLimited(code, message, window.retry_after_s(services.now()))
