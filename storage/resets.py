"""Password-reset tokens: hashed, single use, expiring (TTL index removes old rows)."""

from __future__ import annotations

from datetime import datetime

from storage.client import Mongo


class PasswordResetRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._resets = mongo.db["password_resets"]

    async def add(
        self, reset_id: str, token_hash: str, user_id: str, now: datetime, expires_at: datetime
    ) -> None:
        await self._resets.insert_one(
            {
                "_id": reset_id,
                "tokenHash": token_hash,
                "userId": user_id,
                "createdAt": now,
                "expiresAt": expires_at,
                "usedAt": None,
            }
        )

    async def consume(self, token_hash: str, now: datetime) -> str | None:
        """Mark an unexpired, unused token used and return its user id; None if not usable."""
        doc = await self._resets.find_one_and_update(
            {"tokenHash": token_hash, "usedAt": None, "expiresAt": {"$gt": now}},
            {"$set": {"usedAt": now}},
        )
        return str(doc["userId"]) if doc else None
