"""Refresh tokens: stored hashed, grouped in rotation families.

Invariant: a token is usable only while not revoked, not rotated and not expired. Presenting a rotated
token means the family leaked: the caller revokes the whole family.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.client import Document, Mongo


@dataclass(frozen=True)
class RefreshTokenRecord:
    jti: str
    user_id: str
    family_id: str
    expires_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None


def _record(doc: Document) -> RefreshTokenRecord:
    return RefreshTokenRecord(
        jti=doc["_id"],
        user_id=doc["userId"],
        family_id=doc["familyId"],
        expires_at=doc["expiresAt"],
        rotated_at=doc.get("rotatedAt"),
        revoked_at=doc.get("revokedAt"),
    )


class RefreshTokenRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._tokens = mongo.db["refresh_tokens"]

    async def add(
        self, jti: str, token_hash: str, user_id: str, family_id: str, now: datetime, expires_at: datetime
    ) -> None:
        await self._tokens.insert_one(
            {
                "_id": jti,
                "tokenHash": token_hash,
                "userId": user_id,
                "familyId": family_id,
                "createdAt": now,
                "expiresAt": expires_at,
                "rotatedAt": None,
                "revokedAt": None,
            }
        )

    async def find(self, jti: str, token_hash: str) -> RefreshTokenRecord | None:
        doc = await self._tokens.find_one({"_id": jti, "tokenHash": token_hash})
        return _record(doc) if doc else None

    async def mark_rotated(self, jti: str, now: datetime) -> bool:
        """Atomically consume a live token; False when it was already rotated or revoked (a race)."""
        result = await self._tokens.update_one(
            {"_id": jti, "rotatedAt": None, "revokedAt": None}, {"$set": {"rotatedAt": now}}
        )
        return result.modified_count == 1

    async def revoke(self, jti: str, now: datetime) -> None:
        await self._tokens.update_one({"_id": jti, "revokedAt": None}, {"$set": {"revokedAt": now}})

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        await self._tokens.update_many(
            {"familyId": family_id, "revokedAt": None}, {"$set": {"revokedAt": now}}
        )

    async def revoke_all(self, user_id: str, now: datetime, except_family: str | None = None) -> int:
        query: Document = {"userId": user_id, "revokedAt": None}
        if except_family is not None:
            query["familyId"] = {"$ne": except_family}
        result = await self._tokens.update_many(query, {"$set": {"revokedAt": now}})
        return result.modified_count
