"""One long poll per (gateway, host): a gateway's feeds of every room it follows on a host, in one call.

A gateway used to hold one `wait_events` call open per room; at 500 idle rooms that alone was ~20 Ray
calls/s (each ~2.4 ms of CPU on the two ends). Now it asks a host once for all of them
(`RoomHost.wait_many`): the host answers as soon as any of those rooms has something for this gateway —
an event it did not relay itself, a restart, a gap, a move — and carries every other room's position
with it, so a cursor never falls behind a room's retained outbox while its own gateway types.

A gateway has one such call per host at a time: a newer one (the gateway's room set changed) answers
the older one at once, empty.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from actors.outbox import Batch, Entry

Cursor = tuple[int, str | None]
"""Where a gateway's feed of a room stands: the last sequence number it read, and the incarnation
(epoch) it read it from (None before it knows one)."""


@dataclass
class FeedReply:
    """A host's answer to one many-room long poll."""

    batches: dict[str, Batch] = field(default_factory=dict)
    """Rooms whose position moved (with what there is to deliver; possibly nothing but the position)."""
    gone: list[str] = field(default_factory=list)
    """Rooms no longer live here (finished, destroyed, never created): the feed decides from storage."""
    moved: list[str] = field(default_factory=list)
    """Rooms that left this host: the feed looks their placement up again."""


@dataclass(eq=False)
class _Waiter:
    gateway_id: str
    rooms: frozenset[str]
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    dirty: set[str] = field(default_factory=set)
    superseded: bool = False


class FeedWaits:
    """The open many-room long polls of one host, by gateway."""

    def __init__(self) -> None:
        self._waiters: dict[str, _Waiter] = {}

    def open(self) -> int:
        """How many polls are open (one per gateway that follows rooms here)."""
        return len(self._waiters)

    def enter(self, gateway_id: str, rooms: frozenset[str]) -> _Waiter:
        """A new poll of `gateway_id`; its older one (if still open) is answered now."""
        older = self._waiters.get(gateway_id)
        if older is not None:
            older.superseded = True
            older.wake.set()
        waiter = self._waiters[gateway_id] = _Waiter(gateway_id, rooms)
        return waiter

    def leave(self, waiter: _Waiter) -> None:
        if self._waiters.get(waiter.gateway_id) is waiter:
            del self._waiters[waiter.gateway_id]

    def published(self, room_id: str, entries: list[Entry]) -> None:
        """A room's outbox grew (or was woken: `entries` empty). Wakes the polls following the room,
        except a gateway's own relayed frames, which never wake that gateway."""
        for waiter in self._waiters.values():
            if room_id in waiter.rooms and (
                not entries or any(e.data.get("gateway") != waiter.gateway_id for e in entries)
            ):
                waiter.dirty.add(room_id)
                waiter.wake.set()

    @staticmethod
    async def next_dirty(waiter: _Waiter, timeout_s: float) -> set[str] | None:
        """The rooms woken since the last call; None when the poll timed out or was superseded."""
        if not waiter.dirty and not waiter.superseded:
            try:
                await asyncio.wait_for(waiter.wake.wait(), max(0.0, timeout_s))
            except TimeoutError:
                return None
        if waiter.superseded:
            return None
        waiter.wake.clear()
        dirty, waiter.dirty = waiter.dirty, set()
        return dirty


def merge(reply: FeedReply, room_id: str, batch: Batch) -> None:
    """Add a room's newer batch to a reply (a poll may read one room twice: first its position only)."""
    earlier = reply.batches.get(room_id)
    if earlier is not None and not batch.resync:
        batch = Batch(
            entries=earlier.entries + batch.entries,
            resync=earlier.resync,
            last_seq=batch.last_seq,
            epoch=batch.epoch,
        )
    reply.batches[room_id] = batch


def urgent(batch: Batch, cursor: Cursor) -> bool:
    """Whether a batch must reach the gateway now (not only a newer position): events, a gap, or another
    incarnation than the one the feed knows (a feed that knows none learns it at once)."""
    return bool(batch.entries) or batch.resync or batch.epoch != cursor[1]
