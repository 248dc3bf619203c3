"""Slot uids for sandboxed jobs: each job holds one uid for its whole life, so concurrent jobs never
share a uid. In this process a `SlotPool` hands them out in order; across processes on the machine an
abstract unix socket named after the uid is the lock (the kernel drops it when its holder dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import deque
from collections.abc import AsyncIterator, Iterable
from typing import Final

FOREIGN_SLOT_POLL_S: Final = 0.05


def _machine_lock(uid: int) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(f"\0syncode-sandbox-slot-{uid}")
    except OSError:
        sock.close()
        return None
    return sock


class SlotPool:
    """Slot uids, one job each at a time; waiters are served in order."""

    def __init__(self, uids: Iterable[int]) -> None:
        self._free = deque(uids)
        self._waiters: deque[asyncio.Future[None]] = deque()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[int]:
        uid, lock = await self._acquire()
        try:
            yield uid
        finally:
            lock.close()
            self._free.append(uid)
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    break

    def _claim(self) -> tuple[int, socket.socket] | None:
        for _ in range(len(self._free)):
            uid = self._free.popleft()
            lock = _machine_lock(uid)
            if lock is not None:
                return uid, lock
            self._free.append(uid)
        return None

    async def _acquire(self) -> tuple[int, socket.socket]:
        while (claimed := self._claim()) is None:
            if self._free:  # every free uid is held by another process: nothing signals its release
                await asyncio.sleep(FOREIGN_SLOT_POLL_S)  # bounded-poll
                continue
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter
        return claimed
