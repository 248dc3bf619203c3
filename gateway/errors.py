"""The one mapping from errors to HTTP responses (and websocket close codes).

Domain errors are mapped by walking the exception's MRO to the first known category. Framework errors
(validation, unknown route, bad method) are turned into the same envelope:
`{statusCode, code, message, timestamp, details?}`. Nothing unexpected leaks: it becomes a 500
INTERNAL_ERROR with a generic message and is logged with the request id.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine import errors as e
from engine.clock import iso_z

log = logging.getLogger(__name__)

HTTP_STATUS: dict[type[e.DomainError], int] = {
    e.InvalidInput: 400,
    e.Unauthenticated: 401,
    e.Forbidden: 403,
    e.NotFound: 404,
    e.Conflict: 409,
    e.Gone: 410,
    e.TooLarge: 413,
    e.Unprocessable: 422,
    e.UnsupportedMedia: 415,
    e.RateLimited: 429,
    e.Unavailable: 503,
}
WS_CLOSE: dict[type[e.DomainError], int] = {
    e.Unauthenticated: 4001,
    e.Forbidden: 4003,
    e.NotFound: 4004,
    e.Conflict: 4009,
    e.RateLimited: 4029,
    e.Gone: 4007,
    e.InvalidInput: 4002,
}
FRAMEWORK_CODES: dict[int, e.ErrorCode] = {
    400: e.ErrorCode.VALIDATION_FAILED,
    401: e.ErrorCode.UNAUTHORIZED,
    403: e.ErrorCode.FORBIDDEN,
    404: e.ErrorCode.NOT_FOUND,
    405: e.ErrorCode.METHOD_NOT_ALLOWED,
    413: e.ErrorCode.PAYLOAD_TOO_LARGE,
    415: e.ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: e.ErrorCode.RATE_LIMIT_EXCEEDED,
    503: e.ErrorCode.SERVICE_UNAVAILABLE,
}


def status_for(exc: e.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 500


def close_code_for(exc: e.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in WS_CLOSE:
            return WS_CLOSE[cls]
    return 1011


def envelope(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "statusCode": status,
        "code": code,
        "message": message,
        "timestamp": iso_z(datetime.now(UTC)),
    }
    if details is not None:
        body["details"] = details
    return JSONResponse(body, status_code=status, headers=headers)


def domain_response(exc: e.DomainError) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, e.RateLimited) else None
    return envelope(status_for(exc), exc.code.value, exc.message, exc.details, headers)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "body")


def validation_details(errors: list[dict[str, Any]]) -> dict[str, str]:
    details: dict[str, str] = {}
    for err in errors:
        if err.get("type") == "json_invalid":
            details.setdefault("body", "Malformed JSON")
            continue
        message = "Unknown field" if err.get("type") == "extra_forbidden" else str(err.get("msg", "Invalid"))
        details.setdefault(_field_name(tuple(err.get("loc", ()))), message)
    return details


async def _on_domain(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.DomainError)  # noqa: S101 - registered for DomainError only
    return domain_response(exc)


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    return envelope(
        400, e.ErrorCode.VALIDATION_FAILED.value, "Validation failed", validation_details(list(exc.errors()))
    )


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for this type only
    code = FRAMEWORK_CODES.get(exc.status_code, e.ErrorCode.INTERNAL_ERROR)
    message = exc.detail if isinstance(exc.detail, str) else "Request failed"
    return envelope(exc.status_code, code.value, message, headers=dict(exc.headers or {}))


def internal_error() -> JSONResponse:
    return envelope(500, e.ErrorCode.INTERNAL_ERROR.value, "Internal server error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, _on_domain)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
