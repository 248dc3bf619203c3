"""Per-room fan-out inside one gateway process: one feed per room, many local sockets.

A RoomFeed follows its room through the poller of the room's host (gateway/ws/pollers.py: one long
poll per host for all of this gateway's rooms there, never one call per room or per socket) and copies
each event into every local subscriber's bounded queue. When the room restarts, moves, or the feed
falls behind the room's retained outbox, every socket gets a `resync` event with the full room state.
The feed ends when its last socket leaves or the room closes (the hub owns it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

from actors.feed_waits import Cursor
from actors.outbox import Batch
from actors.room import MOVED_EPOCH, Outcome
from engine.collab.wire import FrameKind, encode
from engine.errors import DomainError, NotFound
from engine.room.access import can_edit
from engine.room.state import Room
from engine.room.status import RoomStatus
from gateway.room_service import RoomService
from gateway.ws import codes
from gateway.ws.pollers import RETRY_S, HostPoller
from gateway.ws.relay import Forwarder
from gateway.ws.subscriber import Subscriber

log = logging.getLogger(__name__)
StateView = Callable[[Room], Awaitable[dict[str, Any]]]
BINARY_EVENTS = frozenset({"y-sync", "y-awareness"})
VOLATILE_PREFIXES = ("chat-", "execution-", "static-analysis-", "ai-", "timer")
"""Events that cannot change who may write (everything else makes the write check re-read the room)."""
STATE_EVENTS: dict[str, dict[str, str]] = {
    "phase-change": {"phase": "phase"},
    "editor-lock": {"locked": "editorLocked"},
    "language-change": {"language": "language"},
    "problem-change": {"problemId": "problemId"},
}
"""Events after which every socket also gets a fresh `room-state` (as the reference does)."""


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(eq=False)
class RoomFeed:
    room_id: str
    rooms: RoomService
    state_view: StateView
    seq: int = 0
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    epoch: str = ""
    room: Room | None = None
    """The room as this gateway last saw it: what the hot path's write check reads."""
    follow: Callable[[RoomFeed], None] | None = None
    """Hands the feed to the poller of its room's host (the hub's); again after every recovery."""
    following: bool = False
    ended: bool = False
    """The room closed (finished, destroyed): its sockets were closed and the feed is done."""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    recovering: asyncio.Task[None] | None = None
    refreshing: asyncio.Task[None] | None = None
    stale: bool = False
    """An event since the last reading may have changed who may write: read the room again."""

    def add(self, subscriber: Subscriber) -> None:
        """Register a socket; an older socket of the same user is replaced (closed with 4009)."""
        old = self.subscribers.get(subscriber.user_id)
        if old is not None and old is not subscriber:
            old.close(codes.ALREADY_CONNECTED, "Replaced by new connection")
        self.subscribers[subscriber.user_id] = subscriber

    def may_write(self, user_id: str) -> bool:
        return self.room is not None and can_edit(self.room, user_id)

    def relay_local(self, sender: Subscriber, frames: list[bytes]) -> None:
        """Send accepted frames to this gateway's other sockets of the room. A socket that joins later
        gets them from the actor: its sync step 1 is answered once they have reached it."""
        for sub in list(self.subscribers.values()):
            if sub is not sender:
                for frame in frames:
                    sub.send(frame)

    def observe(self, room: Room) -> None:
        """A command this gateway ran changed the room: its write check follows at once."""
        self.room = room
        if room.status is RoomStatus.FINISHED:
            return
        self.state.update({"editorLocked": room.editor_locked})

    def remove(self, subscriber: Subscriber) -> None:
        if self.subscribers.get(subscriber.user_id) is subscriber:
            del self.subscribers[subscriber.user_id]

    def broadcast(
        self, kind: str, data: dict[str, Any], seq: int | None = None, exclude: str | None = None
    ) -> None:
        stamp = _now_ms()
        for sub in list(self.subscribers.values()):
            if sub.user_id != exclude:
                sub.send_event(kind, data, stamp, seq)

    # --- what the host poller (gateway/ws/pollers.py) hands this feed ---------------------------------
    def cursor(self) -> Cursor:
        return self.seq, self.epoch or None

    def accept(self, batch: Batch) -> None:
        """The room's news since `cursor()`: delivered, or — after a restart or a gap — a resync."""
        if batch.epoch == MOVED_EPOCH:
            self.lost("moved")
            return
        restarted = bool(self.epoch) and batch.epoch != self.epoch
        if batch.resync or restarted:
            self.lost("restarted")
            return
        self.epoch = batch.epoch
        if self._deliver(batch):
            self.stale = True
            if self.refreshing is None or self.refreshing.done():
                self.refreshing = self._spawn(self._refresh())

    def lost(self, why: str) -> None:
        """The feed left its poller ("gone", "moved", "host", "restarted"): it finds the room again,
        resyncs its sockets (or closes them when the room is over) and follows again."""
        if why == "moved":
            self.rooms.client.forget_placement(self.room_id)
        self.following = False
        if self.recovering is None or self.recovering.done():
            self.recovering = self._spawn(self._recover(why))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _recover(self, why: str) -> None:
        if why == "host":
            await asyncio.sleep(RETRY_S)  # the host failed its call: give a restart a moment
        while self.subscribers and not self.ended:
            try:
                outcome = await self.rooms.outcome(self.room_id)
                if outcome.room.status is RoomStatus.FINISHED:
                    self.broadcast("room-state", await self.state_view(outcome.room))
                    self._side_effects("room-closed", {"reason": "finished"})
                    return
                document = await self.rooms.client.document_state(self.room_id)
            except NotFound:
                self._side_effects("room-closed", {"reason": "destroyed"})
                return
            except DomainError as exc:
                log.warning("room feed interrupted", extra={"room_id": self.room_id, "error": str(exc)})
                await asyncio.sleep(RETRY_S)
                continue
            except Exception:  # a feed that stopped here would leave its sockets silent
                log.exception("room feed recovery failed", extra={"room_id": self.room_id})
                await asyncio.sleep(RETRY_S)
                continue
            await self._resync(outcome, document)
            if self.subscribers and self.follow is not None:
                self.follow(self)
            return

    async def _refresh(self) -> None:
        """Re-read the room for the write check after a membership, role or phase event. A reading older
        than what the feed has delivered since it was asked for (a lock that arrived meanwhile) is
        dropped: the write check never goes back in time."""
        while self.stale and not self.ended:
            self.stale = False
            with contextlib.suppress(DomainError):
                outcome = await self.rooms.outcome(self.room_id)
                if outcome.seq >= self.seq and outcome.epoch in (self.epoch, ""):
                    self.room = outcome.room

    def _deliver(self, batch: Batch) -> bool:
        """Fan a batch out; True when it held an event after which the write check must re-read the room."""
        stale = False
        for entry in batch.entries:
            if entry.type in BINARY_EVENTS:
                self._relay(entry.data)
                continue
            stale = stale or not entry.type.startswith(VOLATILE_PREFIXES)
            if entry.type == "editor-lock" and self.room is not None:
                self.room = replace(self.room, editor_locked=bool(entry.data.get("locked")))
            if entry.type == "socket-kick":
                self._kick(
                    str(entry.data.get("userId")), entry.data.get("code"), str(entry.data.get("reason"))
                )
                continue
            self.broadcast(entry.type, entry.data, entry.seq)
            self._side_effects(entry.type, entry.data)
        self.seq = batch.last_seq
        return stale

    def _relay(self, data: dict[str, Any]) -> None:
        """A document or awareness frame from the actor (another gateway's or the server's; this
        gateway's own relayed frames are not sent back), for every socket but its author's."""
        origin, frame = str(data.get("origin")), data["frame"]
        for sub in list(self.subscribers.values()):
            if sub.user_id != origin:
                sub.send(frame)

    def _side_effects(self, kind: str, data: dict[str, Any]) -> None:
        if kind in STATE_EVENTS:
            self.state.update(
                {key: data[source] for source, key in STATE_EVENTS[kind].items() if source in data}
            )
            self.broadcast("room-state", dict(self.state))
        if kind == "participant-removed":
            self._kick(str(data.get("userId")), codes.KICKED, "Removed by host")
        elif kind == "room-closed":
            self.ended = True
            code = codes.ROOM_CLOSED if data.get("reason") == "destroyed" else codes.NORMAL
            for sub in list(self.subscribers.values()):
                sub.close(code, f"Room closed: {data.get('reason', '')}")
            self.subscribers.clear()

    def _kick(self, user_id: str, code: object, reason: str) -> None:
        sub = self.subscribers.pop(user_id, None)
        if sub is not None:
            sub.close(code if isinstance(code, int) else codes.KICKED, reason)

    async def _resync(self, outcome: Outcome, document: bytes) -> None:
        """After a restart, a move or a gap: JSON clients get `resync` plus the whole document as one
        update; binary-only clients are closed with RESYNC so that they reconnect and sync both ways."""
        self.seq, self.epoch, self.room = outcome.seq, outcome.epoch, outcome.room
        self.state = await self.state_view(outcome.room)
        self.broadcast("resync", dict(self.state))
        for sub in list(self.subscribers.values()):
            if sub.json_mode:
                sub.send(encode(FrameKind.SYNC_UPDATE, document))
            else:
                self.subscribers.pop(sub.user_id, None)
                sub.close(codes.RESYNC, "Room restarted; reconnect to resync")


@dataclass
class FeedHub:
    """The gateway's feeds, one per room with local sockets; one poller per room host they are on; and
    its forwarder of relayed frames."""

    rooms: RoomService
    state_view: StateView
    gateway_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    feeds: dict[str, RoomFeed] = field(default_factory=dict)
    pollers: dict[str, HostPoller] = field(default_factory=dict)
    forwarder: Forwarder = field(init=False)
    _placing: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.forwarder = Forwarder(self.rooms.client, self.gateway_id, self.resync_room)
        self.rooms.listeners.append(self.observe)

    def observe(self, room: Room) -> None:
        feed = self.feeds.get(room.id)
        if feed is not None:
            feed.observe(room)

    def resync_room(self, room_id: str) -> None:
        """The room's relayed frames could not reach its actor: every local socket reconnects and
        syncs both ways (4011), so nothing is lost."""
        feed = self.feeds.get(room_id)
        for sub in list(feed.subscribers.values()) if feed is not None else []:
            sub.close(codes.RESYNC, "Reconnect to resync")

    def join(
        self, room_id: str, subscriber: Subscriber, seq: int, room: Room, state: dict[str, Any], epoch: str
    ) -> RoomFeed:
        feed = self.feeds.get(room_id)
        if feed is None or feed.ended:
            feed = RoomFeed(
                room_id=room_id,
                rooms=self.rooms,
                state_view=self.state_view,
                seq=seq,
                state=state,
                epoch=epoch,
                room=room,
                follow=self.follow,
            )
            self.feeds[room_id] = feed
            feed.add(subscriber)
            self.follow(feed)
        else:
            feed.add(subscriber)
        return feed

    def follow(self, feed: RoomFeed) -> None:
        """Put the feed under the poller of its room's host (found first: a placement lookup)."""
        task = asyncio.get_running_loop().create_task(self._place(feed))
        self._placing.add(task)
        task.add_done_callback(self._placing.discard)

    async def _place(self, feed: RoomFeed) -> None:
        try:
            host = await self.rooms.client.host_name(feed.room_id)
        except Exception:  # noqa: BLE001 - the feed's recovery tries again
            log.warning("room host lookup failed", extra={"room_id": feed.room_id})
            feed.lost("host")
            return
        if self.feeds.get(feed.room_id) is not feed or not feed.subscribers:
            return
        if host is None:  # not placed (any more): the room's stored state decides
            feed.lost("gone")
            return
        poller = self.pollers.get(host)
        if poller is None:
            poller = self.pollers[host] = HostPoller(host, self.rooms.client, self.gateway_id, self._empty)
        feed.following = True
        poller.add(feed)

    def _empty(self, poller: HostPoller) -> None:
        if not poller.feeds and self.pollers.get(poller.host) is poller:
            del self.pollers[poller.host]

    def leave(self, room_id: str, subscriber: Subscriber) -> None:
        feed = self.feeds.get(room_id)
        if feed is None:
            return
        feed.remove(subscriber)
        if not feed.subscribers:
            self.feeds.pop(room_id, None)
            feed.ended = True
            for task in list(feed.tasks):
                task.cancel()
            for poller in list(self.pollers.values()):
                if poller.feeds.get(room_id) is feed:
                    poller.remove(room_id)

    async def close(self) -> None:
        await self.forwarder.close()
        tasks = [p.task for p in self.pollers.values() if p.task is not None] + list(self._placing)
        for feed in self.feeds.values():
            tasks.extend(feed.tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.feeds.clear()
        self.pollers.clear()
