"""FastAPI dependencies: the service container, the caller's identity and address, rate limits."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from engine.errors import ErrorCode, Forbidden, Unauthenticated
from engine.identity import User, ensure_active
from gateway.quotas import per_minute
from gateway.security import Claims
from gateway.services import Services
from gateway.settings import ProxyNetwork

bearer = HTTPBearer(auto_error=False, description="Access token from login/register/refresh")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    mapped = address.ipv4_mapped if isinstance(address, IPv6Address) else None
    return mapped or address


def _trusted(address: IPv4Address | IPv6Address, proxies: tuple[ProxyNetwork, ...]) -> bool:
    return any(address in network for network in proxies)


def forwarded_client(peer: str, forwarded_for: str, proxies: tuple[ProxyNetwork, ...]) -> str:
    """The client behind a chain of trusted proxies: walk X-Forwarded-For from the right (the hop the
    nearest proxy wrote) past every trusted proxy; the first untrusted hop is the client. The walk stops
    at the first hop that is not an address (then the last trusted one is all we know)."""
    client = _address(peer)
    if client is None or not _trusted(client, proxies):
        return peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _trusted(client, proxies):
            break
    return str(client)


def client_ip(request: Request) -> str | None:
    """The socket peer, or, when the peer is a trusted proxy (SYNCODE_TRUSTED_PROXIES), the nearest
    untrusted X-Forwarded-For hop. uvicorn runs with proxy_headers off, so the peer is the real socket."""
    peer = request.client.host if request.client else None
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    if peer is None or not forwarded:
        return peer
    return forwarded_client(peer, forwarded, get_services(request).config.trusted_proxies)


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
