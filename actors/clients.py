"""What the gateway calls: every Ray call goes through `call`, which bounds it and maps failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from ray.exceptions import RayActorError, RayError

from actors import deploy
from engine.errors import ErrorCode, Unavailable

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 30.0


async def call(reply: Awaitable[T], timeout_s: float = DEFAULT_TIMEOUT_S) -> T:
    """Await an actor reply; a dead actor or a timeout becomes 503 SERVICE_UNAVAILABLE."""
    try:
        return await asyncio.wait_for(reply, timeout_s)
    except (RayActorError, RayError, TimeoutError) as exc:
        raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Actor unavailable") from exc


class PoolClient:
    """The gateway's view of a warm pool."""

    def __init__(self, kind: str, target_idle: int) -> None:
        self._handle: Any = deploy.pool(kind, target_idle)

    async def claim(self) -> str:
        return await call(self._handle.claim.remote(), timeout_s=60)

    async def release(self, resource_id: str) -> None:
        await call(self._handle.release.remote(resource_id))

    async def status(self) -> dict[str, Any]:
        return await call(self._handle.status.remote())

    async def probe(self, timeout_s: float = 5.0) -> bool:
        """Health: the pool actor answers within the timeout."""
        try:
            await call(self._handle.ping.remote(), timeout_s)
        except Unavailable:
            return False
        return True
