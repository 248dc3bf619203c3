"""Usage counters per user, kind and UTC day (what daily quotas count), and fixed-window rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument

from engine.clock import start_of_day
from engine.ratelimit import Window
from storage.client import Mongo


class UsageRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._counters = mongo.db["usage_counters"]
        self._limits = mongo.db["rate_limits"]

    async def increment(self, user_id: str, kind: str, now: datetime, amount: int = 1) -> int:
        doc = await self._counters.find_one_and_update(
            {"userId": user_id, "kind": kind, "day": start_of_day(now)},
            {"$inc": {"count": amount}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(doc["count"]) if doc else amount

    async def today(self, user_id: str, kind: str, now: datetime) -> int:
        doc = await self._counters.find_one({"userId": user_id, "kind": kind, "day": start_of_day(now)})
        return int(doc["count"]) if doc else 0

    async def hit(self, key: str, window: Window) -> int:
        """Count one request against `key` in `window`; returns the count including this one."""
        window_start = datetime.fromtimestamp(window.start_epoch_s, tz=UTC)
        doc = await self._limits.find_one_and_update(
            {"_id": f"{key}:{window.start_epoch_s}"},
            {
                "$inc": {"count": 1},
                "$setOnInsert": {"expiresAt": window_start + timedelta(seconds=window.length_s * 2)},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return int(doc["count"]) if doc else 1
