"""FastAPI dependencies: the service container, the caller's identity and address, rate limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from engine.errors import ErrorCode, Forbidden, Unauthenticated
from engine.identity import User, ensure_active
from gateway.quotas import per_minute
from gateway.security import Claims
from gateway.services import Services

bearer = HTTPBearer(auto_error=False, description="Access token from login/register/refresh")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def client_ip(request: Request) -> str | None:
    """The peer address, or the first X-Forwarded-For hop when the peer is a trusted proxy."""
    peer = request.client.host if request.client else None
    services = get_services(request)
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and peer in services.config.trusted_proxies:
        return forwarded.split(",")[0].strip() or peer
    return peer


ClientIp = Annotated[str | None, Depends(client_ip)]


@dataclass(frozen=True)
class Caller:
    user: User
    claims: Claims


async def current_caller(
    services: ServicesDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Missing bearer token")
    claims = services.tokens.verify("access", credentials.credentials, services.now())
    user = ensure_active(await services.users.get(claims.sub))
    return Caller(user=user, claims=claims)


CallerDep = Annotated[Caller, Depends(current_caller)]


async def current_user(caller: CallerDep) -> User:
    return caller.user


UserDep = Annotated[User, Depends(current_user)]


async def admin_user(user: UserDep) -> User:
    if not user.is_admin:
        raise Forbidden(ErrorCode.FORBIDDEN, "Admin only")
    return user


AdminDep = Annotated[User, Depends(admin_user)]


async def auth_rate_limit(request: Request, services: ServicesDep, ip: ClientIp) -> None:
    """20 requests per minute per client address on login and register (shared across gateways)."""
    limit = services.config.settings.auth_rate_limit_per_min
    key = f"auth:{request.url.path}:{ip or 'unknown'}"
    await per_minute(services, key, limit, ErrorCode.RATE_LIMIT_EXCEEDED, "Too many requests")
