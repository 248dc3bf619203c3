"""Auth request and response bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from engine import rules
from gateway.schemas.common import ApiModel, StrictBody, optional_key
from gateway.schemas.users import UserProfile

Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=rules.USERNAME_MIN_LEN,
        max_length=rules.USERNAME_MAX_LEN,
        pattern=rules.USERNAME_PATTERN,
    ),
]
Password = Annotated[str, Field(min_length=rules.PASSWORD_MIN_LEN, max_length=rules.PASSWORD_MAX_LEN)]


class RegisterRequest(StrictBody):
    username: Username
    email: Annotated[EmailStr, Field(max_length=rules.EMAIL_MAX_LEN)]
    password: Password


class LoginRequest(StrictBody):
    identifier: Annotated[str, Field(min_length=1, max_length=rules.EMAIL_MAX_LEN)]
    password: Annotated[str, Field(min_length=1, max_length=rules.PASSWORD_MAX_LEN)]


class RefreshRequest(StrictBody):
    refreshToken: str | None = Field(default=None, max_length=4096)


class ChangePasswordRequest(StrictBody):
    currentPassword: Annotated[str, Field(min_length=1, max_length=rules.PASSWORD_MAX_LEN)]
    newPassword: Password


class ForgotPasswordRequest(StrictBody):
    email: Annotated[EmailStr, Field(max_length=rules.EMAIL_MAX_LEN)]


class ResetPasswordRequest(StrictBody):
    token: Annotated[str, Field(min_length=1, max_length=512)]
    newPassword: Password


REFRESH_IN_BODY_HEADER = "X-Refresh-Token-In-Body"
"""Request header by which a non-browser client asks for the refresh token in the JSON body too."""


REFRESH_IN_BODY = (
    f"Only when the request carries `{REFRESH_IN_BODY_HEADER}: true`; the token is always set in the "
    "HttpOnly `refreshToken` cookie."
)


class AuthResponse(ApiModel):
    """The reference's `{accessToken, user}` (register 201, login 200)."""

    accessToken: str
    user: UserProfile
    refreshToken: str | None = optional_key(REFRESH_IN_BODY)


class RefreshResponse(ApiModel):
    """The reference's `{accessToken}`."""

    accessToken: str
    refreshToken: str | None = optional_key(REFRESH_IN_BODY)


class AcceptedResponse(ApiModel):
    accepted: bool = True
