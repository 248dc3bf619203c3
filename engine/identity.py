"""Users as the domain sees them: roles, account state and the checks every request makes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from engine.errors import ErrorCode, Unauthenticated


class UserRole(StrEnum):
    USER = "user"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    """An account. `deleted_at` set means soft-deleted; `banned_at` set means banned."""

    id: str
    email: str
    username: str
    password_hash: str
    role: UserRole
    display_name: str | None
    bio: str | None
    avatar_key: str | None
    banned_at: datetime | None
    banned_reason: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    pending_avatar_key: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.ADMIN


def ensure_active(user: User | None) -> User:
    """The check on every authenticated request: the account exists, is not deleted, not banned."""
    if user is None or user.deleted_at is not None:
        raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Unauthorized")
    if user.banned_at is not None:
        raise Unauthenticated(ErrorCode.USER_BANNED, "User is banned")
    return user


def identifier_kind(identifier: str) -> str:
    """Login identifiers containing '@' are emails, everything else is a username."""
    return "email" if "@" in identifier else "username"


def normalise_email(email: str) -> str:
    return email.strip().lower()
