"""The warm actor pool through a real local Ray: claims hand out live actors, dead ones are replaced."""

from __future__ import annotations

import pytest

from actors import deploy
from actors.clients import PoolClient, call
from gateway.services import Services
from tests.support import wait_until

pytestmark = pytest.mark.anyio


async def _full(pool: PoolClient, target: int) -> bool:
    return len((await pool.status())["idle"]) >= target


async def test_pool_claim_returns_live_named_actor(services: Services) -> None:
    pool = services.room_pool
    assert pool is not None
    target = services.config.settings.room_pool_idle
    await wait_until(lambda: _full(pool, target), timeout_s=90)
    idle_before = set((await pool.status())["idle"])
    room_id = await pool.claim()
    assert room_id in idle_before
    handle = deploy.get_named("room", room_id)
    assert handle is not None
    assert await call(handle.ping.remote()) == room_id
    await wait_until(lambda: _full(pool, target), timeout_s=90)
    assert room_id not in (await pool.status())["idle"]
    await pool.release(room_id)

    async def gone() -> bool:
        return deploy.get_named("room", room_id) is None

    await wait_until(gone, timeout_s=30)


async def test_pool_replaces_killed_idle_actor(services: Services) -> None:
    pool = services.room_pool
    assert pool is not None
    target = services.config.settings.room_pool_idle
    await wait_until(lambda: _full(pool, target), timeout_s=90)
    status = await pool.status()
    victim = status["idle"][0]
    deploy.kill_named("room", victim)

    async def replaced() -> bool:
        now = await pool.status()
        return victim not in now["idle"] and len(now["idle"]) >= target

    await wait_until(replaced, timeout_s=90)
    assert (await pool.status())["replaced"] >= status["replaced"] + 1
    claimed = await pool.claim()
    assert claimed != victim
    await pool.release(claimed)
