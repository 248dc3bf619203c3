"""A generic warm pool of idle named actors: claim, release, background refill and replacement.

Runs as one named async actor per kind (`pool:<kind>`), so every gateway shares it. Invariant: an id
handed out by `claim` belonged to an actor that answered `ping` just before; ids are never reused
(Ray actor names are fixed at creation).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

Spawn = Callable[..., Any]
"""(kind, resource id, *spawn_args) -> a new actor handle whose `ping` resolves once it is ready."""
Kill = Callable[[str, str], None]
"""(kind, resource id) -> end that actor for good."""
PROBE_TIMEOUT_S = 30.0


class ActorPool:
    def __init__(
        self,
        kind: str,
        target_idle: int,
        spawn: Spawn,
        kill: Kill,
        probe_interval_s: float,
        spawn_args: tuple[Any, ...] = (),
    ) -> None:
        self._kind = kind
        self._spawn_args = spawn_args
        self._target = target_idle
        self._spawn = spawn
        self._kill = kill
        self._interval = probe_interval_s
        self._idle: OrderedDict[str, Any] = OrderedDict()
        self._claimed = 0
        self._replaced = 0
        self._maintainer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    async def claim(self) -> str:
        """Hand out the id of a live idle actor, spawning one on the spot when the pool is empty."""
        self._ensure_maintainer()
        while self._idle:
            resource_id, handle = self._idle.popitem(last=False)
            if await _alive(handle.ping.remote()):
                self._claimed += 1
                self._wake.set()
                return resource_id
            self._replaced += 1
        resource_id, handle = self._new()
        if not await _alive(handle.ping.remote()):
            raise RuntimeError(f"fresh {self._kind} actor did not start")
        self._claimed += 1
        self._wake.set()
        return resource_id

    async def release(self, resource_id: str) -> None:
        """End a claimed actor for good (its name cannot be reused); the pool refills separately."""
        self._idle.pop(resource_id, None)
        self._kill(self._kind, resource_id)

    async def status(self) -> dict[str, Any]:
        self._ensure_maintainer()
        return {
            "kind": self._kind,
            "target": self._target,
            "idle": list(self._idle),
            "claimed": self._claimed,
            "replaced": self._replaced,
        }

    async def ping(self) -> str:
        self._ensure_maintainer()
        return self._kind

    def _new(self) -> tuple[str, Any]:
        resource_id = str(uuid.uuid4())
        return resource_id, self._spawn(self._kind, resource_id, *self._spawn_args)

    def _ensure_maintainer(self) -> None:
        if self._maintainer is None or self._maintainer.done():
            self._maintainer = asyncio.get_running_loop().create_task(self._maintain())

    async def _maintain(self) -> None:
        while True:
            await self._drop_dead()
            await self._refill()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)

    async def _drop_dead(self) -> None:
        entries = list(self._idle.items())
        results = await asyncio.gather(*(_alive(h.ping.remote()) for _, h in entries))
        for (resource_id, _), ok in zip(entries, results, strict=True):
            if not ok and self._idle.pop(resource_id, None) is not None:
                self._replaced += 1

    async def _refill(self) -> None:
        missing = self._target - len(self._idle)
        if missing <= 0:
            return
        fresh = [self._new() for _ in range(missing)]
        results = await asyncio.gather(*(_alive(h.ping.remote()) for _, h in fresh))
        for (resource_id, handle), ok in zip(fresh, results, strict=True):
            if ok:
                self._idle[resource_id] = handle


async def _alive(reply: Awaitable[Any]) -> bool:
    try:
        await asyncio.wait_for(reply, PROBE_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - any failure (actor died, timeout) means "not alive"
        return False
    return True
