"""Passwords (argon2id) and JWTs (HS256): access, refresh and collab tokens.

Every token carries `type`; verification checks signature, expiry and type, and maps failures to
401 errors with specific codes (expired vs invalid).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine.errors import ErrorCode, Unauthenticated

ALGORITHM = "HS256"


class Passwords:
    """argon2id hashing, run off the event loop."""

    def __init__(self, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy = self._hasher.hash("dummy password for timing equalisation")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Constant-work check: a missing user still costs one verification."""
        return await asyncio.to_thread(
            self._verify, password_hash or self._dummy, password, password_hash is not None
        )

    def _verify(self, password_hash: str, password: str, real: bool) -> bool:
        try:
            self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return real


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Claims:
    sub: str
    type: str
    jti: str | None
    family: str | None
    issued_at: datetime
    extra: dict[str, Any]


class Tokens:
    def __init__(self, secrets_by_type: dict[str, str], ttl_s_by_type: dict[str, int]) -> None:
        self._secrets = secrets_by_type
        self._ttl = ttl_s_by_type

    def ttl_s(self, token_type: str) -> int:
        return self._ttl[token_type]

    def issue(
        self,
        token_type: str,
        sub: str,
        now: datetime,
        *,
        jti: str | None = None,
        family: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        payload: dict[str, Any] = {
            **(extra or {}),
            "sub": sub,
            "type": token_type,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self._ttl[token_type])).timestamp()),
        }
        if jti:
            payload["jti"] = jti
        if family:
            payload["fam"] = family
        return jwt.encode(payload, self._secrets[token_type], algorithm=ALGORITHM)

    def verify(self, token_type: str, token: str, now: datetime) -> Claims:
        try:
            payload = jwt.decode(
                token,
                self._secrets[token_type],
                algorithms=[ALGORITHM],
                options={"require": ["sub", "exp", "iat", "type"], "verify_exp": False},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Invalid token") from exc
        if payload.get("type") != token_type or not isinstance(payload.get("sub"), str):
            raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Invalid token")
        if int(payload["exp"]) <= now.timestamp():
            raise Unauthenticated(ErrorCode.AUTH_TOKEN_EXPIRED, "Token expired")
        known = {"sub", "type", "iat", "exp", "jti", "fam"}
        return Claims(
            sub=payload["sub"],
            type=payload["type"],
            jti=payload.get("jti"),
            family=payload.get("fam"),
            issued_at=datetime.fromtimestamp(int(payload["iat"]), tz=now.tzinfo),
            extra={k: v for k, v in payload.items() if k not in known},
        )
