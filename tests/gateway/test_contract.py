"""The platform contract over every route that exists: bad bodies get a 4xx envelope, never a 500."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.support import register

pytestmark = pytest.mark.anyio
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SEED_SCHEMAS = (
    "RoomStatus",
    "RoomRole",
    "RoomMode",
    "SupportedLanguage",
    "Difficulty",
    "UserRole",
    "ErrorResponse",
    "Pagination",
    "UserProfile",
    "PublicProfile",
    "RoomConfig",
    "RoomParticipantSummary",
    "RoomSummary",
    "RoomDetail",
    "RoomPreview",
    "ProblemSummary",
    "ProblemDetail",
    "ProblemExample",
    "TestCase",
    "TagInfo",
    "WeaknessEntry",
    "CodeSnapshot",
    "PeerFeedbackRatings",
    "PeerFeedbackEntry",
    "SessionSummary",
    "SessionDetail",
    "SessionParticipant",
    "SessionEvent",
    "AdminDashboard",
    "AdminUserEntry",
    "AdminUserDetail",
    "AdminRoomEntry",
    "AuditLogEntry",
    "HealthResponse",
    "CreateDocumentRequest",
    "CreateDocumentResponse",
    "DestroyDocumentResponse",
    "KickUserRequest",
    "KickUserResponse",
    "SnapshotReadyPayload",
    "UserDisconnectedPayload",
    "CallbackAckResponse",
)


def _routes(app: FastAPI) -> list[tuple[str, str, bool]]:
    """(method, concrete path, declares a JSON body) for every body-carrying operation in the OpenAPI."""
    found: list[tuple[str, str, bool]] = []
    for template, operations in app.openapi()["paths"].items():
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)
        found.extend(
            (method.upper(), path, "requestBody" in op)
            for method, op in operations.items()
            if method.upper() in BODY_METHODS
        )
    return found


def _assert_envelope(response: httpx.Response, status: int | None = None) -> dict[str, Any]:
    assert response.status_code != 500, response.text
    if status is not None:
        assert response.status_code == status, (response.request.url, response.text)
    assert 400 <= response.status_code < 500, (response.request.url, response.status_code, response.text)
    body: dict[str, Any] = response.json()
    assert set(body) >= {"statusCode", "code", "message", "timestamp"}
    assert body["statusCode"] == response.status_code
    assert body["timestamp"].endswith("Z")
    return body


async def test_every_route_rejects_oversized_and_non_json_bodies(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await register(client)
    limit = app.state.services.config.settings.max_body_bytes
    routes = _routes(app)
    assert len(routes) >= 10
    for method, path, _ in routes:
        raw = path.startswith("/api/blobs/")
        big = b"{" + b" " * (limit + 4_000_000 if raw else limit + 10) + b"}"
        oversized = await client.request(
            method, path, content=big, headers={**account.headers, "content-type": "application/json"}
        )
        _assert_envelope(oversized, 413)
        if not raw:
            text = await client.request(
                method,
                path,
                content=b"a=1",
                headers={**account.headers, "content-type": "application/x-www-form-urlencoded"},
            )
            _assert_envelope(text, 415)


async def test_every_body_route_rejects_unknown_fields_and_malformed_json(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await register(client)
    body_routes = [(m, p) for m, p, has_body in _routes(app) if has_body]
    assert len(body_routes) >= 8
    for method, path in body_routes:
        malformed = await client.request(
            method, path, content=b'{"a": ', headers={**account.headers, "content-type": "application/json"}
        )
        body = _assert_envelope(malformed)
        if malformed.status_code == 400:
            assert body["code"] == "VALIDATION_FAILED"
        unknown = await client.request(method, path, json={"zzUnknownField": 1}, headers=account.headers)
        body = _assert_envelope(unknown)
        if unknown.status_code == 400:
            assert "zzUnknownField" in body["details"], (path, body)


async def test_unknown_route_and_wrong_method_use_the_envelope(client: httpx.AsyncClient) -> None:
    assert _assert_envelope(await client.get("/api/nope"), 404)["code"] == "NOT_FOUND"
    assert _assert_envelope(await client.delete("/api/health"), 405)["code"] == "METHOD_NOT_ALLOWED"


async def test_cors_echoes_origin_with_credentials_on_errors(app: FastAPI, client: httpx.AsyncClient) -> None:
    origin = app.state.services.config.cors_origins[0]
    response = await client.get("/api/users/me", headers={"origin": origin})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    preflight = await client.options(
        "/api/auth/login",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    foreign = await client.get("/api/users/me", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    given = await client.get("/api/nope", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = await client.get("/api/nope", headers={"x-request-id": "bad id with spaces"})
    assert uuid.UUID(generated.headers["x-request-id"])


async def test_openapi_uses_seed_schema_names(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    assert set(SEED_SCHEMAS) <= set(spec["components"]["schemas"])
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
