"""One long poll per room host for all of this gateway's feeds there (see actors/feed_waits.py).

A HostPoller keeps one `wait_many` call open to its host carrying the position of every room this
gateway follows there, and hands each room's answer to its feed. When the set changes (a feed joins, or
comes back after a resync) the open call is abandoned and a new one sent: the host answers the older
one at once, so a gateway never holds two polls on one host. A host that fails the call hands every
feed to its own recovery (which waits out a restart and resyncs), after which each follows again on
whatever host then serves its room.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from actors.clients import RoomClient
from actors.feed_waits import Cursor, FeedReply
from actors.outbox import Batch
from engine.errors import DomainError

log = logging.getLogger(__name__)
POLL_S = 25.0
RETRY_S = 0.5


class Followed(Protocol):
    """What a poller needs of a feed (gateway/ws/feed.py RoomFeed)."""

    room_id: str
    ended: bool

    def cursor(self) -> Cursor: ...

    def accept(self, batch: Batch) -> None: ...

    def lost(self, why: str) -> None:
        """The feed leaves the poller and recovers on its own ("gone", "moved" or "host")."""


@dataclass(eq=False)
class HostPoller:
    host: str
    client: RoomClient
    gateway_id: str
    on_empty: Callable[[HostPoller], None]
    feeds: dict[str, Followed] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def add(self, feed: Followed) -> None:
        self.feeds[feed.room_id] = feed
        self.changed.set()
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def remove(self, room_id: str) -> None:
        """The room has no more local sockets. The open poll still names it (harmless: its answer for
        the room is dropped); no new call just for this."""
        self.feeds.pop(room_id, None)
        if not self.feeds:
            self.stop()

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.on_empty(self)

    async def _run(self) -> None:
        while self.feeds:
            self.changed.clear()
            for room_id in [r for r, feed in self.feeds.items() if feed.ended]:
                del self.feeds[room_id]  # its room closed
            if not self.feeds:
                break
            cursors = {room_id: feed.cursor() for room_id, feed in self.feeds.items()}
            reply = await self._poll(cursors)
            if reply is None:
                continue  # the set changed while the call was open: ask again with the new one
            self._hand_out(cursors, reply)
        self.on_empty(self)

    async def _poll(self, cursors: dict[str, Cursor]) -> FeedReply | None:
        call = asyncio.ensure_future(self.client.wait_many(self.host, self.gateway_id, cursors, POLL_S))
        changed = asyncio.ensure_future(self.changed.wait())
        try:
            await asyncio.wait({call, changed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            changed.cancel()
            if not call.done():
                call.cancel()
        if not call.done() or call.cancelled():
            return None
        try:
            return call.result()
        except DomainError as exc:
            log.warning("room host poll failed", extra={"host": self.host, "error": str(exc)})
        except Exception:
            log.exception("room host poll failed", extra={"host": self.host})
        for feed in list(self.feeds.values()):  # each waits out the restart and resyncs on its own
            self.feeds.pop(feed.room_id, None)
            feed.lost("host")
        return None

    def _hand_out(self, cursors: dict[str, Cursor], reply: FeedReply) -> None:
        for why, room_ids in (("gone", reply.gone), ("moved", reply.moved)):
            for room_id in room_ids:
                feed = self.feeds.pop(room_id, None)
                if feed is not None:
                    feed.lost(why)
        for room_id, batch in reply.batches.items():
            feed = self.feeds.get(room_id)
            # the feed may have resynced and come back while the call was open: only its own answer counts
            if feed is not None and feed.cursor() == cursors.get(room_id):
                feed.accept(batch)
