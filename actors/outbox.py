"""The room's ordered outbox: every published event gets the next sequence number.

Bounded: the last `capacity` entries are kept for fan-out (overflow policy: drop the oldest). A
subscriber asking for entries after a sequence number that has already been dropped is told to resync
(re-read the whole state) instead of silently missing events.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_CAPACITY = 1024


@dataclass(frozen=True)
class Entry:
    seq: int
    type: str
    data: dict[str, Any]
    at_ms: int


@dataclass(frozen=True)
class Batch:
    entries: list[Entry]
    resync: bool
    last_seq: int
    epoch: str = ""
    """Which incarnation of the actor answered: a change means it restarted (subscribers resync)."""


Listener = Callable[[list[Entry]], None]
"""Told every append's entries (an empty list: a wake-up with nothing new, see `wake`)."""


class Outbox:
    def __init__(
        self, last_seq: int = 0, capacity: int = DEFAULT_CAPACITY, listener: Listener | None = None
    ) -> None:
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._last = last_seq
        self._appended = asyncio.Event()
        self._listener = listener

    @property
    def last_seq(self) -> int:
        return self._last

    def append(self, items: list[tuple[str, dict[str, Any]]], at_ms: int) -> list[Entry]:
        """Number and keep new events; wakes every waiting subscriber."""
        added = []
        for kind, data in items:
            self._last += 1
            entry = Entry(seq=self._last, type=kind, data=data, at_ms=at_ms)
            self._entries.append(entry)
            added.append(entry)
        if added:
            self._appended.set()
            self._appended = asyncio.Event()
            if self._listener is not None:
                self._listener(added)
        return added

    def wake(self) -> None:
        """Answer every waiting subscriber now (with whatever there is), e.g. when the room moves."""
        self._appended.set()
        self._appended = asyncio.Event()
        if self._listener is not None:
            self._listener([])

    def after(self, seq: int) -> Batch:
        if seq > self._last:
            return Batch(entries=[], resync=True, last_seq=self._last)
        oldest = self._entries[0].seq if self._entries else self._last + 1
        if seq + 1 < oldest:
            return Batch(entries=[], resync=True, last_seq=self._last)
        return Batch(entries=[e for e in self._entries if e.seq > seq], resync=False, last_seq=self._last)

    async def wait_after(self, seq: int, timeout_s: float) -> Batch:
        """Long-poll: return as soon as something after `seq` exists, or an empty batch on timeout."""
        if self._last == seq:
            appended = self._appended
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(appended.wait(), timeout_s)
        return self.after(seq)
