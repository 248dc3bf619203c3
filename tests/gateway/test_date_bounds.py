"""Date query bounds at the edges of what a datetime can hold (found by the OpenAPI fuzz, issue 10): a
bound whose UTC time, default window or buckets fall outside years 1..9999 is a 400 naming the
parameter, never a 500 (OverflowError when it is shifted or encoded for the database)."""

from __future__ import annotations

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from tests.support import Account, err, ok, register

pytestmark = pytest.mark.anyio


async def _admin(client: httpx.AsyncClient, services: Services) -> Account:
    account = await register(client)
    await services.users.set_role(account.id, UserRole.ADMIN, services.now())
    return account


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/admin/audit-logs", {"from": "0001-01-01T03:02:00.0+06:00"}, "from"),  # the fuzz's case
        ("/api/admin/audit-logs", {"to": "9999-12-31T23:00:00-06:00"}, "to"),
        ("/api/users/me/stats", {"from": "0001-01-01T00:00:00+06:00", "to": "0001-01-02T00:00:00Z"}, "from"),
        ("/api/users/me/stats", {"to": "9999-12-31T23:00:00-06:00"}, "to"),
        ("/api/users/me/stats", {"to": "0001-01-05T00:00:00Z"}, "to"),  # the default 30-day window
        ("/api/users/me/stats", {"from": "9999-12-31T00:00:00Z", "to": "9999-12-31T23:59:59Z"}, "to"),
        (
            "/api/users/me/stats",
            {"from": "9999-12-20T00:00:00Z", "to": "9999-12-31T23:59:59Z", "bucket": "week"},
            "to",
        ),
    ],
)
async def test_date_bound_out_of_range_is_a_validation_error(
    client: httpx.AsyncClient, services: Services, path: str, params: dict[str, str], field: str
) -> None:
    admin = await _admin(client, services)
    response = await client.get(path, params=params, headers=admin.headers)
    assert err(response, 400) == "VALIDATION_FAILED"
    assert response.json()["details"] == {field: "out of range"}


async def test_date_bounds_with_offsets_are_read_in_utc(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    stats = ok(
        await client.get(
            "/api/users/me/stats",
            params={"from": "2026-03-02T01:00:00+02:00", "to": "2026-03-08T23:30:00-01:00", "bucket": "day"},
            headers=admin.headers,
        )
    )
    assert (stats["from"], stats["to"]) == ("2026-03-01T23:00:00.000Z", "2026-03-09T00:30:00.000Z")
    assert [b["start"] for b in stats["series"]][:1] == ["2026-03-01"]
    logs = await client.get(
        "/api/admin/audit-logs",
        params={"from": "0001-01-01T06:00:00+06:00", "to": "9999-12-31T17:59:59-06:00"},
        headers=admin.headers,
    )
    assert logs.status_code == 200, logs.text
