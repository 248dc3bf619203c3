"""Auth routes against the real database: success paths and every documented error."""

from __future__ import annotations

import httpx
import jwt
import pytest

from engine.identity import UserRole
from gateway.schemas.auth import REFRESH_IN_BODY_HEADER
from gateway.services import Services
from tests.support import AdjustableClock, refresh_cookie, register, unique

pytestmark = pytest.mark.anyio


async def _login(client: httpx.AsyncClient, identifier: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/login", json={"identifier": identifier, "password": password})


async def test_register_returns_tokens_profile_cookie_and_audit(
    client: httpx.AsyncClient, services: Services
) -> None:
    name = unique()
    response = await client.post(
        "/api/auth/register",
        json={"username": name, "email": f" {name.upper()}@Example.com ".strip(), "password": "password123"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"accessToken", "user"}
    assert body["user"]["email"] == f"{name}@example.com"
    assert body["user"]["stats"] == {"totalSessions": 0, "totalProblems": 0, "streakDays": 0}
    assert body["user"]["createdAt"].endswith("Z")
    cookie = response.headers["set-cookie"]
    assert "refreshToken=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    entries = await services.audit.for_target("user", body["user"]["id"])
    assert [e.action for e in entries] == ["auth.register"]
    user = await services.users.get(body["user"]["id"])
    assert user is not None and user.password_hash.startswith("$argon2id$")


async def test_register_email_and_username_taken(client: httpx.AsyncClient) -> None:
    account = await register(client)
    same_email = await client.post(
        "/api/auth/register",
        json={"username": unique(), "email": account.email.upper(), "password": "password123"},
    )
    assert same_email.status_code == 409
    assert same_email.json()["code"] == "AUTH_EMAIL_TAKEN"
    same_name = await client.post(
        "/api/auth/register",
        json={"username": account.username, "email": f"{unique()}@example.com", "password": "password123"},
    )
    assert same_name.status_code == 409
    assert same_name.json()["code"] == "AUTH_USERNAME_TAKEN"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ab", "email": "a@example.com", "password": "password123"}, "username"),
        ({"username": "bad name!", "email": "a@example.com", "password": "password123"}, "username"),
        ({"username": "goodname", "email": "not-an-email", "password": "password123"}, "email"),
        ({"username": "goodname", "email": "a@example.com", "password": "short"}, "password"),
        ({"username": "goodname", "email": "a@example.com"}, "password"),
        (
            {"username": "goodname", "email": "a@example.com", "password": "password123", "admin": True},
            "admin",
        ),
    ],
)
async def test_register_validation_names_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.post("/api/auth/register", json=body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "VALIDATION_FAILED"
    assert payload["statusCode"] == 400
    assert field in payload["details"]


async def test_login_by_email_and_username(client: httpx.AsyncClient, services: Services) -> None:
    account = await register(client)
    by_email = await _login(client, account.email.upper(), account.password)
    assert by_email.status_code == 200
    assert by_email.json()["user"]["id"] == account.id
    by_name = await _login(client, account.username, account.password)
    assert by_name.status_code == 200
    actions = [e.action for e in await services.audit.for_target("user", account.id)]
    assert actions.count("auth.login") == 2


async def test_login_invalid_credentials(client: httpx.AsyncClient) -> None:
    account = await register(client)
    for identifier, password in ((account.username, "wrong password"), (unique(), "whatever1")):
        response = await _login(client, identifier, password)
        assert response.status_code == 401
        assert response.json()["code"] == "AUTH_INVALID_CREDENTIALS"


async def test_banned_user_rejected_everywhere(client: httpx.AsyncClient, services: Services) -> None:
    account = await register(client)
    await services.users.set_banned(account.id, services.now(), "spam")
    login = await _login(client, account.username, account.password)
    assert login.status_code == 401
    assert login.json()["code"] == "USER_BANNED"
    me = await client.get("/api/users/me", headers=account.headers)
    assert me.status_code == 401
    assert me.json()["code"] == "USER_BANNED"
    refresh = await client.post("/api/auth/refresh", json={"refreshToken": account.refresh})
    assert refresh.status_code == 401


async def test_refresh_token_in_body_only_when_asked(client: httpx.AsyncClient) -> None:
    asked = {REFRESH_IN_BODY_HEADER: "true"}
    name = unique()
    reference_body = {"username": name, "email": f"{name}@example.com", "password": "password123"}
    registered = await client.post("/api/auth/register", json=reference_body, headers=asked)
    assert registered.status_code == 201, registered.text
    assert set(registered.json()) == {"accessToken", "user", "refreshToken"}
    assert registered.json()["refreshToken"] == refresh_cookie(registered)
    login_body = {"identifier": name, "password": "password123"}
    for flag, keys in (("false", {"accessToken", "user"}), ("true", {"accessToken", "user", "refreshToken"})):
        logged_in = await client.post(
            "/api/auth/login", json=login_body, headers={REFRESH_IN_BODY_HEADER: flag}
        )
        assert logged_in.status_code == 200, logged_in.text
        assert set(logged_in.json()) == keys
    client.cookies.clear()
    rotated = await client.post(
        "/api/auth/refresh", json={"refreshToken": logged_in.json()["refreshToken"]}, headers=asked
    )
    assert rotated.status_code == 200, rotated.text
    assert set(rotated.json()) == {"accessToken", "refreshToken"}
    assert rotated.json()["refreshToken"] == refresh_cookie(rotated)
    bad = await client.post("/api/auth/login", json=login_body, headers={REFRESH_IN_BODY_HEADER: "maybe"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "VALIDATION_FAILED"


async def test_refresh_rotates_by_body_and_cookie(client: httpx.AsyncClient) -> None:
    account = await register(client)
    first = await client.post("/api/auth/refresh", json={"refreshToken": account.refresh})
    assert first.status_code == 200
    assert set(first.json()) == {"accessToken"}
    rotated = refresh_cookie(first)
    assert rotated != account.refresh
    client.cookies.set("refreshToken", rotated)
    second = await client.post("/api/auth/refresh")
    assert second.status_code == 200
    me = await client.get(
        "/api/users/me", headers={"authorization": f"Bearer {second.json()['accessToken']}"}
    )
    assert me.status_code == 200


async def test_reused_refresh_token_revokes_family(client: httpx.AsyncClient) -> None:
    account = await register(client)
    rotated = refresh_cookie(await client.post("/api/auth/refresh", json={"refreshToken": account.refresh}))
    client.cookies.clear()
    reuse = await client.post("/api/auth/refresh", json={"refreshToken": account.refresh})
    assert reuse.status_code == 401
    assert reuse.json()["code"] == "AUTH_TOKEN_REVOKED"
    client.cookies.clear()
    after = await client.post("/api/auth/refresh", json={"refreshToken": rotated})
    assert after.status_code == 401
    assert after.json()["code"] == "AUTH_TOKEN_REVOKED"


async def test_logout_revokes_and_clears_cookie(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post("/api/auth/logout", json={"refreshToken": account.refresh})
    assert response.status_code == 204
    assert (
        'refreshToken=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    )
    client.cookies.clear()
    again = await client.post("/api/auth/refresh", json={"refreshToken": account.refresh})
    assert again.status_code == 401
    missing = await client.post("/api/auth/logout")
    assert missing.status_code == 401


async def test_refresh_and_logout_accept_no_body_no_content_type(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/refresh")
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHORIZED"


async def test_expired_tampered_and_wrong_type_tokens(
    client: httpx.AsyncClient, clock: AdjustableClock, services: Services
) -> None:
    account = await register(client)
    head, payload, signature = account.access.split(".")
    tampered = f"{head}.{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    forged = jwt.encode(
        {"sub": account.id, "type": "access", "iat": 1, "exp": 4102444800}, "x" * 40, algorithm="HS256"
    )
    for token in (tampered, forged, account.refresh, "not-a-jwt"):
        response = await client.get("/api/users/me", headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["code"] == "UNAUTHORIZED"
    assert (await client.get("/api/users/me")).status_code == 401
    clock.advance(services.tokens.ttl_s("access") + 5)
    expired = await client.get("/api/users/me", headers=account.headers)
    assert expired.status_code == 401
    assert expired.json()["code"] == "AUTH_TOKEN_EXPIRED"
    access_as_refresh = await client.post("/api/auth/refresh", json={"refreshToken": account.access})
    assert access_as_refresh.status_code == 401


async def test_expired_refresh_token_rejected(
    client: httpx.AsyncClient, clock: AdjustableClock, services: Services
) -> None:
    account = await register(client)
    clock.advance(services.tokens.ttl_s("refresh") + 5)
    response = await client.post("/api/auth/refresh", json={"refreshToken": account.refresh})
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_TOKEN_EXPIRED"


async def test_change_password_revokes_other_sessions(client: httpx.AsyncClient, services: Services) -> None:
    account = await register(client)
    other = refresh_cookie(await _login(client, account.username, account.password))
    client.cookies.clear()
    wrong = await client.post(
        "/api/auth/change-password",
        headers=account.headers,
        json={"currentPassword": "nope nope", "newPassword": "brand new pass"},
    )
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "AUTH_INVALID_CREDENTIALS"
    ok = await client.post(
        "/api/auth/change-password",
        headers=account.headers,
        json={"currentPassword": account.password, "newPassword": "brand new pass"},
    )
    assert ok.status_code == 204
    revoked = await client.post("/api/auth/refresh", json={"refreshToken": other})
    assert revoked.status_code == 401
    client.cookies.clear()
    kept = await client.post("/api/auth/refresh", json={"refreshToken": account.refresh})
    assert kept.status_code == 200, kept.text
    assert (await _login(client, account.username, "brand new pass")).status_code == 200
    assert (await _login(client, account.username, account.password)).status_code == 401
    assert "auth.password_change" in [e.action for e in await services.audit.for_target("user", account.id)]


async def test_login_rate_limit_with_retry_after(client: httpx.AsyncClient) -> None:
    statuses = []
    for _ in range(21):
        response = await _login(client, unique(), "whatever1")
        statuses.append(response.status_code)
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    assert response.json()["code"] == "RATE_LIMIT_EXCEEDED"
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def test_register_rate_limit_is_per_address(app: object, client: httpx.AsyncClient) -> None:
    for _ in range(20):
        await client.post("/api/auth/register", json={})
    limited = await client.post("/api/auth/register", json={})
    assert limited.status_code == 429
    transport = httpx.ASGITransport(app=app, client=("192.0.2.77", 1234))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        assert (await other.post("/api/auth/register", json={})).status_code == 400


async def test_admin_role_in_profile(client: httpx.AsyncClient, services: Services) -> None:
    account = await register(client)
    await services.users.set_role(account.id, UserRole.ADMIN, services.now())
    me = await client.get("/api/users/me", headers=account.headers)
    assert me.json()["role"] == "admin"
