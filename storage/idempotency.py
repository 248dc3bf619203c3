"""Idempotency keys: the first request with a key runs; repeats get its stored response.

States: a placeholder (`status: 0`) while the first request runs, then the final status and body. A
failed first request deletes its placeholder so the client may retry. Rows expire after 24 h (TTL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from storage.client import Mongo

TTL = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any


class InFlightError(Exception):
    """Another request with the same key is still running."""


class IdempotencyStore:
    def __init__(self, mongo: Mongo) -> None:
        self._keys = mongo.db["idempotency_keys"]

    async def begin(self, key: str, now: datetime) -> StoredResponse | None:
        """Claim `key`; None means "run the request", a StoredResponse means "answer with it"."""
        placeholder = {"_id": key, "status": 0, "body": None, "createdAt": now, "expiresAt": now + TTL}
        try:
            await self._keys.insert_one(placeholder)
        except DuplicateKeyError:
            existing = await self._keys.find_one({"_id": key})
            if existing is None or existing["expiresAt"] <= now:
                await self._keys.replace_one({"_id": key}, placeholder, upsert=True)
                return None
            if existing["status"] == 0:
                raise InFlightError(key) from None
            return StoredResponse(status=int(existing["status"]), body=existing["body"])
        return None

    async def complete(self, key: str, status: int, body: Any) -> None:
        await self._keys.update_one({"_id": key}, {"$set": {"status": status, "body": body}})

    async def abandon(self, key: str) -> None:
        await self._keys.delete_one({"_id": key, "status": 0})
