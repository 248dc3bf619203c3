"""Users: documents <-> engine.identity.User; uniqueness of email/username among live accounts.

`active` is True until the account is soft-deleted; the unique indexes are partial on it, so a deleted
account frees its email and username.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from engine.errors import Conflict, ErrorCode
from engine.identity import User, UserRole
from storage.client import Document, Mongo


def doc_to_user(doc: Document) -> User:
    return User(
        id=doc["_id"],
        email=doc["email"],
        username=doc["username"],
        password_hash=doc["passwordHash"],
        role=UserRole(doc["role"]),
        display_name=doc.get("displayName"),
        bio=doc.get("bio"),
        avatar_key=doc.get("avatarKey"),
        banned_at=doc.get("bannedAt"),
        banned_reason=doc.get("bannedReason"),
        created_at=doc["createdAt"],
        updated_at=doc["updatedAt"],
        deleted_at=doc.get("deletedAt"),
        pending_avatar_key=doc.get("pendingAvatarKey"),
    )


def _duplicate_error(exc: DuplicateKeyError, username_code: ErrorCode) -> Conflict:
    if "email" in str(exc):
        return Conflict(ErrorCode.AUTH_EMAIL_TAKEN, "Email is already registered")
    return Conflict(username_code, "Username is already taken")


class UserRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._users = mongo.db["users"]

    async def create(self, user: User) -> User:
        doc = {
            "_id": user.id,
            "email": user.email,
            "emailKey": user.email,
            "username": user.username,
            "passwordHash": user.password_hash,
            "role": user.role.value,
            "displayName": user.display_name,
            "bio": user.bio,
            "avatarKey": None,
            "bannedAt": None,
            "bannedReason": None,
            "createdAt": user.created_at,
            "updatedAt": user.updated_at,
            "deletedAt": None,
            "active": True,
        }
        try:
            await self._users.insert_one(doc)
        except DuplicateKeyError as exc:
            raise _duplicate_error(exc, ErrorCode.AUTH_USERNAME_TAKEN) from exc
        return user

    async def get(self, user_id: str) -> User | None:
        doc = await self._users.find_one({"_id": user_id})
        return doc_to_user(doc) if doc else None

    async def get_many(self, user_ids: list[str]) -> dict[str, User]:
        return {d["_id"]: doc_to_user(d) async for d in self._users.find({"_id": {"$in": user_ids}})}

    async def find_active_by_email(self, email: str) -> User | None:
        doc = await self._users.find_one({"emailKey": email, "active": True})
        return doc_to_user(doc) if doc else None

    async def find_active_by_username(self, username: str) -> User | None:
        doc = await self._users.find_one({"username": username, "active": True})
        return doc_to_user(doc) if doc else None

    async def update(self, user_id: str, changes: dict[str, Any], now: datetime) -> User | None:
        """Apply field changes (API field names already mapped) to a live account."""
        try:
            doc = await self._users.find_one_and_update(
                {"_id": user_id, "active": True},
                {"$set": {**changes, "updatedAt": now}},
                return_document=True,
            )
        except DuplicateKeyError as exc:
            raise _duplicate_error(exc, ErrorCode.USER_USERNAME_TAKEN) from exc
        return doc_to_user(doc) if doc else None

    async def soft_delete(self, user_id: str, now: datetime) -> None:
        """Mark deleted and free email/username (the partial unique indexes skip inactive rows)."""
        await self._users.update_one(
            {"_id": user_id, "active": True},
            {"$set": {"deletedAt": now, "updatedAt": now, "active": False, "emailKey": None}},
        )

    async def set_role(self, user_id: str, role: UserRole, now: datetime) -> None:
        await self._users.update_one({"_id": user_id}, {"$set": {"role": role.value, "updatedAt": now}})

    async def set_banned(self, user_id: str, banned_at: datetime | None, reason: str | None) -> None:
        await self._users.update_one(
            {"_id": user_id}, {"$set": {"bannedAt": banned_at, "bannedReason": reason}}
        )
