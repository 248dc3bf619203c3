"""Ordered, batched persistence for one actor's state and event log.

Callers `submit(seq, state, entries)` after each mutation and may `await durable(seq)`. One background
task (owned by the writer, cancelled by `close`) writes whatever is pending as one batch: the newest
state plus every event in sequence order. Writes are idempotent (events keyed by sequence), so a retry
after a failure is safe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from actors.outbox import Entry

log = logging.getLogger(__name__)
Persist = Callable[[Any, list[Entry]], Awaitable[None]]
RETRY_DELAYS_S = (0.05, 0.2, 1.0, 2.0, 5.0)


class Writer:
    def __init__(self, persist: Persist, durable_seq: int = 0) -> None:
        self._persist = persist
        self._durable = durable_seq
        self._state: Any = None
        self._pending: list[Entry] = []
        self._pending_seq = durable_seq
        self._wake = asyncio.Event()
        self._done = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    def submit(self, seq: int, state: Any, entries: list[Entry]) -> None:
        self._state = state
        self._pending.extend(entries)
        self._pending_seq = max(self._pending_seq, seq)
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def durable(self, seq: int) -> None:
        async with self._done:
            await self._done.wait_for(lambda: self._durable >= seq)

    async def settled(self) -> None:
        """Every submitted write is durable (volatile outbox entries never reach the writer, so the
        outbox's last sequence number is not something to wait for)."""
        await self.durable(self._pending_seq)

    @property
    def durable_seq(self) -> int:
        return self._durable

    async def close(self) -> None:
        if self._task is not None:
            await self.settled()
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            state, entries, seq = self._state, self._pending, self._pending_seq
            self._pending = []
            await self._write(state, entries)
            async with self._done:
                self._durable = max(self._durable, seq)
                self._done.notify_all()

    async def _write(self, state: Any, entries: list[Entry]) -> None:
        for delay in (*RETRY_DELAYS_S, None):
            try:
                await self._persist(state, entries)
            except Exception:
                if delay is None:
                    raise
                log.warning("persist failed; retrying", exc_info=True, extra={"delay_s": delay})
                await asyncio.sleep(delay)
            else:
                return
