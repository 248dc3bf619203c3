"""`quotas.rooms.maxActive` is enforced: a user active in that many live rooms can neither create nor
join another (409 ROOM_QUOTA_EXCEEDED) until one is left or destroyed; quotas report the same count.

The app under test shares the session's database (the room actors of the shared warm pool write there)
with `rooms_max_active=2`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.services import Services
from tests.conftest import make_config
from tests.gateway.rooms_support import create_room, join, post
from tests.support import Account, AdjustableClock, err, ok, register

pytestmark = pytest.mark.anyio
MAX_ACTIVE = 2


@pytest.fixture
async def limited(
    mongo_uri: str, services: Services, clock: AdjustableClock
) -> AsyncIterator[httpx.AsyncClient]:
    config = make_config(
        mongo_uri,
        mongodb_database=services.config.settings.mongodb_database,
        rooms_max_active=MAX_ACTIVE,
        seed_on_start=False,
    )
    app = create_app(config, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def _rooms_quota(client: httpx.AsyncClient, who: Account) -> dict[str, Any]:
    rooms: dict[str, Any] = ok(await client.get("/api/users/me/quotas", headers=who.headers))["rooms"]
    return rooms


async def test_room_quota_refuses_create_beyond_max_active(limited: httpx.AsyncClient) -> None:
    host = await register(limited)
    first = await create_room(limited, host)
    await create_room(limited, host, mode="ai")
    assert await _rooms_quota(limited, host) == {"activeCount": MAX_ACTIVE, "maxActive": MAX_ACTIVE}
    refused = await limited.post("/api/rooms", headers=host.headers, json={"mode": "peer"})
    assert err(refused, 409) == "ROOM_QUOTA_EXCEEDED"
    assert refused.json()["details"]["maxActive"] == MAX_ACTIVE
    destroyed = await limited.delete(f"/api/rooms/{first['roomId']}", headers=host.headers)
    assert destroyed.status_code == 200, destroyed.text
    assert (await _rooms_quota(limited, host))["activeCount"] == MAX_ACTIVE - 1
    await create_room(limited, host)


async def test_room_quota_refuses_join_beyond_max_active(limited: httpx.AsyncClient) -> None:
    guest, others = await register(limited), [await register(limited) for _ in range(3)]
    rooms = [await create_room(limited, other) for other in others]
    for room in rooms[:MAX_ACTIVE]:
        ok(await join(limited, guest, room))
    assert await _rooms_quota(limited, guest) == {"activeCount": MAX_ACTIVE, "maxActive": MAX_ACTIVE}
    assert err(await join(limited, guest, rooms[2]), 409) == "ROOM_QUOTA_EXCEEDED"
    by_code = await post(limited, guest, "/api/rooms/join", {"roomCode": rooms[2]["roomCode"]})
    assert err(by_code, 409) == "ROOM_QUOTA_EXCEEDED"
    assert err(await limited.post("/api/rooms", headers=guest.headers, json={"mode": "ai"}), 409) == (
        "ROOM_QUOTA_EXCEEDED"
    )
    ok(await join(limited, guest, rooms[0]))  # re-joining a room the guest is active in takes no slot
    ok(await post(limited, guest, f"/api/rooms/{rooms[0]['roomId']}/leave"))
    assert (await _rooms_quota(limited, guest))["activeCount"] == MAX_ACTIVE - 1
    ok(await join(limited, guest, rooms[2]))
    assert err(await join(limited, guest, rooms[0]), 409) == "ROOM_QUOTA_EXCEEDED"
