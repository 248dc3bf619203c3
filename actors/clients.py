"""What the gateway calls: every Ray call goes through `call`, which bounds it and maps failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError, RayError

from actors import deploy
from actors.room import RoomRuntime
from engine.errors import ErrorCode, Unavailable

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 30.0


async def bounded(reply: Awaitable[T], timeout_s: float) -> T:
    """Await a Ray reply for at most `timeout_s`. Unlike `asyncio.wait_for`, a timed-out reply is
    abandoned without waiting for its cancellation (a call stuck on a crashed actor may never settle)."""
    future = asyncio.ensure_future(reply)
    done, _ = await asyncio.wait({future}, timeout=timeout_s)
    if not done:
        future.cancel()
        raise TimeoutError
    return future.result()


async def call(reply: Awaitable[T], timeout_s: float = DEFAULT_TIMEOUT_S) -> T:
    """Await an actor reply; a dead actor or a timeout becomes 503 SERVICE_UNAVAILABLE."""
    try:
        return await bounded(reply, timeout_s)
    except (RayActorError, RayError, TimeoutError) as exc:
        raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Actor unavailable") from exc


class PoolClient:
    """The gateway's view of a warm pool."""

    def __init__(self, kind: str, target_idle: int, spawn_args: tuple[Any, ...] = ()) -> None:
        self._handle: Any = deploy.pool(kind, target_idle, spawn_args)

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


RECOVERY_WINDOW_S = 30.0
RECOVERY_STEP_S = 0.25


class RoomActorGone(Exception):  # noqa: N818 - a signal, not a failure
    """No actor serves this room (never created, retired after finishing, or lost with its cluster)."""


class RoomClient:
    """Room actors by id. Rides out an actor restart (bounded) so a request made while the actor reloads
    succeeds against the reloaded room; reports a missing actor so the caller can decide from storage."""

    def __init__(self, runtime: RoomRuntime) -> None:
        self._runtime = runtime

    @property
    def runtime(self) -> RoomRuntime:
        return self._runtime

    def revive(self, room_id: str) -> None:
        """(Re)create the named actor of a room stored as live; it reloads itself from MongoDB."""
        deploy.spawn_pooled("room", room_id, self._runtime, get_if_exists=True)

    async def call(self, room_id: str, method: str, *args: Any, timeout_s: float = DEFAULT_TIMEOUT_S) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECOVERY_WINDOW_S
        while True:
            handle = deploy.get_named("room", room_id)
            if handle is None:
                raise RoomActorGone(room_id)
            try:
                return await bounded(getattr(handle, method).remote(*args), timeout_s)
            except (ActorDiedError, ActorUnavailableError) as exc:
                # A restartable actor that crashed fails its in-flight calls but keeps its name while Ray
                # restarts it; only an actor whose name is gone has really ended.
                if deploy.get_named("room", room_id) is None:
                    raise RoomActorGone(room_id) from exc
                if loop.time() > deadline:
                    raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Room is recovering; retry") from exc
            except TimeoutError as exc:
                raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Room did not answer") from exc
            await asyncio.sleep(RECOVERY_STEP_S)
