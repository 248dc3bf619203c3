"""The platform contract over every route that exists: bad bodies get a 4xx envelope, never a 500; every
success body is a named schema in the OpenAPI; register and login answer exactly the reference's body."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import jsonschema
import pytest
from fastapi import FastAPI

from tests.support import refresh_cookie, register, unique

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
    "SessionReport",  # the reference's session and peer feedback shapes (§3.21, §3.26, §4.9)
    "SessionProblem",
    "SessionRun",
    "SessionSubmission",
    "SessionCodeSnapshot",
    "PeerFeedbackList",
    "PeerFeedbackProgress",
    "PeerFeedbackTarget",
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
ISO_MS_Z = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
UUID = {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"}
NULLABLE_STRING = {"type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}
REFERENCE_USER_PROFILE = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "email",
        "username",
        "displayName",
        "role",
        "avatarUrl",
        "bio",
        "stats",
        "createdAt",
        "updatedAt",
    ],
    "properties": {
        "id": UUID,
        "email": {"type": "string"},
        "username": {"type": "string", "pattern": "^\\w{3,30}$"},
        "displayName": NULLABLE_STRING,
        "role": {"enum": ["user", "admin"]},
        "avatarUrl": NULLABLE_STRING,
        "bio": NULLABLE_STRING,
        "stats": {
            "type": "object",
            "additionalProperties": False,
            "required": ["totalSessions", "totalProblems", "streakDays"],
            "properties": {"totalSessions": COUNT, "totalProblems": COUNT, "streakDays": COUNT},
        },
        "createdAt": ISO_MS_Z,
        "updatedAt": ISO_MS_Z,
    },
}
REFERENCE_AUTH_RESPONSE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["accessToken", "user"],
    "properties": {"accessToken": {"type": "string", "minLength": 1}, "user": REFERENCE_USER_PROFILE},
}
"""Register and login bodies as the reference documents them (§4.1, §3.4 UserProfile), written from its
facts, not from our models: `{accessToken, user}`, nothing else (the refresh token is a cookie)."""
NO_BODY_ALLOWED: dict[tuple[str, str], str] = {
    ("GET", "/api/blobs/{key}"): "binary download: the stored bytes with their own content type",
    (
        "GET",
        "/api/media/recordings/{recording_id}/file",
    ): "binary download: the recording's MP4 (or a redirect)",
    ("GET", "/api/sessions/{session_id}/report.html"): "HTML page: the training report rendered as text/html",
}
"""2xx responses that are not a named JSON schema on purpose. 204 (no content) is allowed everywhere."""


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
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert exposed >= {"x-request-id", "retry-after", "x-media-updated"}  # read by the web client
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


async def test_register_and_login_bodies_match_the_reference(client: httpx.AsyncClient) -> None:
    validator = jsonschema.Draft202012Validator(REFERENCE_AUTH_RESPONSE)
    name = unique()
    registered = await client.post(
        "/api/auth/register",
        json={"username": name, "email": f"{name}@example.com", "password": "password123"},
    )
    assert registered.status_code == 201, registered.text
    validator.validate(registered.json())
    logged_in = await client.post("/api/auth/login", json={"identifier": name, "password": "password123"})
    assert logged_in.status_code == 200, logged_in.text
    validator.validate(logged_in.json())
    for response in (registered, logged_in):
        cookie = response.headers["set-cookie"]
        assert refresh_cookie(response) and "HttpOnly" in cookie


def _is_named(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    """A `$ref` to a component with properties, or a union (a poll's pending or final body) of such."""
    members = schema.get("anyOf") or schema.get("oneOf")
    if members:
        return all(_is_named(member, components) for member in members)
    ref = schema.get("$ref", "")
    component = components.get(ref.removeprefix("#/components/schemas/"), {})
    return ref.startswith("#/components/schemas/") and bool(component.get("properties"))


def _untyped_operations(spec: dict[str, Any]) -> list[str]:
    components = spec["components"]["schemas"]
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                content = response.get("content")
                if not status.startswith("2") or (status == "204" and not content):
                    continue
                schema = (content or {}).get("application/json", {}).get("schema", {})
                if (method.upper(), path) not in NO_BODY_ALLOWED and not _is_named(schema, components):
                    found.append(f"{method.upper()} {path} {status}")
    return found


async def test_every_success_response_is_a_named_schema(app: FastAPI) -> None:
    spec = app.openapi()
    assert _untyped_operations(spec) == []
    assert not _is_named({"type": "object", "additionalProperties": True}, spec["components"]["schemas"])
    for method, path in NO_BODY_ALLOWED:
        assert method.lower() in spec["paths"][path], (method, path)
