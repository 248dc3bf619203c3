"""Account use cases: register, login, refresh rotation, logout, password change, forgot and reset.

Refresh tokens rotate on every use. A token family starts at login/registration; presenting a token
that was already rotated revokes the whole family (it leaked). Every path writes an audit entry.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from actors.mail import Mail
from engine.errors import Conflict, ErrorCode, InvalidInput, Unauthenticated
from engine.identity import User, UserRole, ensure_active, identifier_kind, normalise_email
from engine.rules import PASSWORD_RESET_TTL_S
from gateway.security import token_hash
from gateway.services import Services
from storage.audit import AuditEntry


@dataclass(frozen=True)
class Session:
    user: User
    access_token: str
    refresh_token: str


async def audit(
    services: Services,
    action: str,
    user_id: str | None,
    target_id: str,
    ip: str | None,
    metadata: dict[str, object] | None = None,
    target_type: str = "user",
) -> None:
    await services.audit.record(
        AuditEntry(
            id=str(uuid.uuid4()),
            actor_id=user_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            metadata=metadata,
            ip_address=ip,
            created_at=services.now(),
        )
    )


async def issue_session(services: Services, user: User, family: str | None = None) -> Session:
    now = services.now()
    jti = str(uuid.uuid4())
    family = family or str(uuid.uuid4())
    refresh = services.tokens.issue("refresh", user.id, now, jti=jti, family=family)
    expires = now + timedelta(seconds=services.tokens.ttl_s("refresh"))
    await services.refresh_tokens.add(jti, token_hash(refresh), user.id, family, now, expires)
    access = services.tokens.issue(
        "access", user.id, now, extra={"email": user.email, "role": user.role.value, "fam": family}
    )
    return Session(user=user, access_token=access, refresh_token=refresh)


async def create_user(
    services: Services, email: str, username: str, password: str, role: UserRole = UserRole.USER
) -> User:
    now = services.now()
    email = normalise_email(email)
    if await services.users.find_active_by_email(email):
        raise _taken(ErrorCode.AUTH_EMAIL_TAKEN, "Email is already registered")
    if await services.users.find_active_by_username(username):
        raise _taken(ErrorCode.AUTH_USERNAME_TAKEN, "Username is already taken")
    user = User(
        id=str(uuid.uuid4()),
        email=email,
        username=username,
        password_hash=await services.passwords.hash(password),
        role=role,
        display_name=None,
        bio=None,
        avatar_key=None,
        banned_at=None,
        banned_reason=None,
        created_at=now,
        updated_at=now,
    )
    return await services.users.create(user)


def _taken(code: ErrorCode, message: str) -> Conflict:
    return Conflict(code, message)


async def register(services: Services, email: str, username: str, password: str, ip: str | None) -> Session:
    user = await create_user(services, email, username, password)
    await audit(
        services, "auth.register", user.id, user.id, ip, {"email": user.email, "username": user.username}
    )
    return await issue_session(services, user)


async def login(services: Services, identifier: str, password: str, ip: str | None) -> Session:
    kind = identifier_kind(identifier)
    if kind == "email":
        user = await services.users.find_active_by_email(normalise_email(identifier))
    else:
        user = await services.users.find_active_by_username(identifier.strip())
    ok = await services.passwords.verify(user.password_hash if user else None, password)
    if user is None or not ok:
        raise Unauthenticated(ErrorCode.AUTH_INVALID_CREDENTIALS, "Invalid credentials")
    ensure_active(user)
    await audit(services, "auth.login", user.id, user.id, ip, {"identifierType": kind})
    return await issue_session(services, user)


async def refresh(services: Services, token: str | None, ip: str | None) -> Session:
    if not token:
        raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Missing refresh token")
    now = services.now()
    claims = services.tokens.verify("refresh", token, now)
    record = await services.refresh_tokens.find(claims.jti or "", token_hash(token))
    if record is None or record.revoked_at is not None:
        raise Unauthenticated(ErrorCode.AUTH_TOKEN_REVOKED, "Refresh token revoked")
    if record.rotated_at is not None or not await services.refresh_tokens.mark_rotated(record.jti, now):
        await services.refresh_tokens.revoke_family(record.family_id, now)
        await audit(
            services, "auth.refresh_reuse", record.user_id, record.user_id, ip, {"familyId": record.family_id}
        )
        raise Unauthenticated(ErrorCode.AUTH_TOKEN_REVOKED, "Refresh token reuse detected; session revoked")
    user = await services.users.get(record.user_id)
    try:
        ensure_active(user)
    except Unauthenticated:
        await services.refresh_tokens.revoke_all(record.user_id, now)
        raise
    assert user is not None  # noqa: S101 - ensure_active rejected None
    return await issue_session(services, user, family=record.family_id)


async def logout(services: Services, token: str | None, ip: str | None) -> None:
    if not token:
        raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Missing refresh token")
    now = services.now()
    claims = services.tokens.verify("refresh", token, now)
    record = await services.refresh_tokens.find(claims.jti or "", token_hash(token))
    if record is None:
        raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Invalid refresh token")
    await services.refresh_tokens.revoke_family(record.family_id, now)
    await audit(services, "auth.logout", record.user_id, record.user_id, ip, {"tokenId": record.jti})


async def change_password(
    services: Services, user: User, current: str, new: str, family: str | None, ip: str | None
) -> None:
    """Verify the current password, store the new one and revoke every other session's tokens."""
    if not await services.passwords.verify(user.password_hash, current):
        raise Unauthenticated(ErrorCode.AUTH_INVALID_CREDENTIALS, "Current password is incorrect")
    now = services.now()
    await services.users.update(user.id, {"passwordHash": await services.passwords.hash(new)}, now)
    revoked = await services.refresh_tokens.revoke_all(user.id, now, except_family=family)
    await audit(services, "auth.password_change", user.id, user.id, ip, {"revokedTokens": revoked})


async def forgot_password(services: Services, email: str, ip: str | None) -> None:
    """Mail a single-use reset token when the account exists; say nothing either way."""
    user = await services.users.find_active_by_email(normalise_email(email))
    if user is None or user.banned_at is not None:
        return
    now = services.now()
    token = secrets.token_urlsafe(32)
    reset_id = str(uuid.uuid4())
    await services.resets.add(
        reset_id, token_hash(token), user.id, now, now + timedelta(seconds=PASSWORD_RESET_TTL_S)
    )
    link = f"{services.config.public_url}/reset-password?token={token}"
    body = (
        f"Hello {user.username},\n\nSomeone asked to reset the password of your SynCode account.\n"
        f"Use this token within one hour (it works once):\n\n{token}\n\nor open {link}\n\n"
        "If this was not you, ignore this mail; your password stays as it is.\n"
    )
    mail = Mail(
        to=user.email,
        subject="Reset your SynCode password",
        body=body,
        sender=services.config.settings.mail_from,
    )
    await services.mailer.send(mail, reset_id)
    await audit(services, "auth.password_reset_requested", user.id, user.id, ip)


async def reset_password(services: Services, token: str, new: str, ip: str | None) -> None:
    now = services.now()
    user_id = await services.resets.consume(token_hash(token), now)
    user = await services.users.get(user_id) if user_id else None
    if user is None or user.deleted_at is not None:
        raise InvalidInput(
            ErrorCode.AUTH_RESET_TOKEN_INVALID,
            "Reset token is invalid or expired",
            {"token": "invalid or expired"},
        )
    await services.users.update(user.id, {"passwordHash": await services.passwords.hash(new)}, now)
    await services.refresh_tokens.revoke_all(user.id, now)
    await audit(services, "auth.password_reset", user.id, user.id, ip)
