"""Daily quotas and per-minute rate limits, counted from real usage (shared across gateways) and
enforced (not only reported)."""

from __future__ import annotations

from enum import StrEnum

from engine.clock import next_midnight
from engine.errors import ErrorCode, RateLimited
from engine.ratelimit import allowed, window_for
from gateway.schemas.users import DailyQuota, RoomQuota, UserQuotas
from gateway.services import Services


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


async def user_quotas(services: Services, user_id: str) -> UserQuotas:
    active = await services.history.hosted_active_rooms(user_id)
    return UserQuotas(
        ai=await _daily(services, user_id, QuotaKind.AI),
        execution=await _daily(services, user_id, QuotaKind.EXECUTION),
        rooms=RoomQuota(activeCount=active, maxActive=services.config.settings.rooms_max_active),
    )


async def per_minute(services: Services, key: str, limit: int, code: ErrorCode, message: str) -> None:
    """Count one request under `key` in the current minute; past `limit` it is refused with 429 and a
    Retry-After until the window ends."""
    window = window_for(services.now(), 60)
    count = await services.usage.hit(key, window)
    if not allowed(count, limit):
        raise RateLimited(code, message, window.retry_after_s(services.now()))
