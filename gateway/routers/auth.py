"""Auth routes: register, login, refresh, logout, change/forgot/reset password.

The refresh token always travels in the HttpOnly `refreshToken` cookie; the JSON body carries it only
when the request says `X-Refresh-Token-In-Body: true`. Refresh and logout take it from the body or the
cookie (the body wins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Header, Request, Response

from gateway import accounts
from gateway.deps import CallerDep, ClientIp, ServicesDep, auth_rate_limit
from gateway.schemas.auth import (
    REFRESH_IN_BODY_HEADER,
    AcceptedResponse,
    AuthResponse,
    ChangePasswordRequest,
    ForgotPasswordRequest,
    LoginRequest,
    RefreshRequest,
    RefreshResponse,
    RegisterRequest,
    ResetPasswordRequest,
)
from gateway.schemas.common import ERROR_RESPONSES
from gateway.services import Services
from gateway.views import user_profile

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)
COOKIE = "refreshToken"
TokenInBody = Annotated[
    bool,
    Header(
        alias=REFRESH_IN_BODY_HEADER,
        description="`true`: also return the refresh token in the JSON body (non-browser clients).",
    ),
]


def _set_cookie(response: Response, services: Services, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=services.tokens.ttl_s("refresh"),
        path="/",
        httponly=True,
        samesite="lax",
        secure=services.config.public_url.startswith("https://"),
    )


def _presented(request: Request, body: RefreshRequest | None) -> str | None:
    return (body.refreshToken if body and body.refreshToken else None) or request.cookies.get(COOKIE)


async def _auth_response(
    services: Services, session: accounts.Session, response: Response, in_body: bool
) -> AuthResponse:
    _set_cookie(response, services, session.refresh_token)
    return AuthResponse(
        accessToken=session.access_token,
        user=await user_profile(services, session.user),
        refreshToken=session.refresh_token if in_body else None,
    )


@router.post(
    "/register", status_code=201, dependencies=[Depends(auth_rate_limit)], summary="Create a new account"
)
async def register(
    body: RegisterRequest,
    response: Response,
    services: ServicesDep,
    ip: ClientIp,
    in_body: TokenInBody = False,
) -> AuthResponse:
    session = await accounts.register(services, str(body.email), body.username, body.password, ip)
    return await _auth_response(services, session, response, in_body)


@router.post("/login", dependencies=[Depends(auth_rate_limit)], summary="Authenticate and get tokens")
async def login(
    body: LoginRequest, response: Response, services: ServicesDep, ip: ClientIp, in_body: TokenInBody = False
) -> AuthResponse:
    session = await accounts.login(services, body.identifier, body.password, ip)
    return await _auth_response(services, session, response, in_body)


@router.post("/refresh", summary="Refresh access token")
async def refresh(
    request: Request,
    response: Response,
    services: ServicesDep,
    ip: ClientIp,
    body: Annotated[RefreshRequest | None, Body()] = None,
    in_body: TokenInBody = False,
) -> RefreshResponse:
    session = await accounts.refresh(services, _presented(request, body), ip)
    _set_cookie(response, services, session.refresh_token)
    token = session.refresh_token if in_body else None
    return RefreshResponse(accessToken=session.access_token, refreshToken=token)


@router.post("/logout", status_code=204, summary="Invalidate refresh token")
async def logout(
    request: Request,
    services: ServicesDep,
    ip: ClientIp,
    body: Annotated[RefreshRequest | None, Body()] = None,
) -> Response:
    await accounts.logout(services, _presented(request, body), ip)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.post("/change-password", status_code=204, summary="Change current user's password")
async def change_password(
    body: ChangePasswordRequest, caller: CallerDep, services: ServicesDep, ip: ClientIp
) -> Response:
    await accounts.change_password(
        services, caller.user, body.currentPassword, body.newPassword, caller.claims.family, ip
    )
    return Response(status_code=204)


@router.post("/forgot-password", status_code=202, summary="Request password reset email")
async def forgot_password(
    body: ForgotPasswordRequest, services: ServicesDep, ip: ClientIp, background: BackgroundTasks
) -> AcceptedResponse:
    """Always 202: the lookup and the mail happen after the response, so timing reveals nothing."""
    background.add_task(accounts.forgot_password, services, str(body.email), ip)
    return AcceptedResponse()


@router.post("/reset-password", status_code=204, summary="Reset password with token")
async def reset_password(body: ResetPasswordRequest, services: ServicesDep, ip: ClientIp) -> Response:
    await accounts.reset_password(services, body.token, body.newPassword, ip)
    return Response(status_code=204)
