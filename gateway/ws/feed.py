"""Per-room fan-out inside one gateway process: one subscription per room, many local sockets.

A RoomFeed long-polls its room actor (`wait_events(after_seq)`), never one call per socket per message,
and copies each event into every local subscriber's bounded queue. When the actor restarts or the feed
falls behind the actor's retained outbox, every socket gets a `resync` event with the full room state.
The feed ends when its last socket leaves (the hub owns and cancels it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from actors.clients import RoomActorGone
from actors.outbox import Batch
from engine.collab.wire import FrameKind, encode
from engine.errors import DomainError, NotFound
from engine.room.access import can_edit
from engine.room.state import Room
from engine.room.status import RoomStatus
from gateway.room_service import RoomService
from gateway.ws import codes
from gateway.ws.relay import Forwarder
from gateway.ws.subscriber import Subscriber

log = logging.getLogger(__name__)
POLL_S = 25.0
RETRY_S = 0.5
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
    task: asyncio.Task[None] | None = None
    state: dict[str, Any] = field(default_factory=dict)
    epoch: str = ""
    gateway_id: str = ""
    room: Room | None = None
    """The room as this gateway last saw it: what the hot path's write check reads."""

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

    async def run(self) -> None:
        recovering = False
        while self.subscribers:
            try:
                batch = await self.rooms.client.wait_events(
                    self.room_id, self.seq, POLL_S, self.gateway_id, self.epoch or None
                )
            except RoomActorGone:
                log.warning("room actor gone", extra={"room_id": self.room_id})
                if await self._ended():
                    return
                recovering = True
                continue
            except DomainError as exc:
                log.warning("room feed interrupted", extra={"room_id": self.room_id, "error": str(exc)})
                recovering = True
                await asyncio.sleep(RETRY_S)
                continue
            except Exception:
                log.exception("room feed failed", extra={"room_id": self.room_id})
                recovering = True
                await asyncio.sleep(RETRY_S)
                continue
            restarted = bool(self.epoch) and batch.epoch != self.epoch
            self.epoch = batch.epoch
            if batch.resync or recovering or restarted:
                await self._resync(batch.last_seq)
                recovering = False
                continue
            if self._deliver(batch):
                await self._refresh()

    async def _refresh(self) -> None:
        """Re-read the room for the write check after a membership, role or phase event."""
        with contextlib.suppress(DomainError):
            self.room = await self.rooms.state(self.room_id)

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
            code = codes.ROOM_CLOSED if data.get("reason") == "destroyed" else codes.NORMAL
            for sub in list(self.subscribers.values()):
                sub.close(code, f"Room closed: {data.get('reason', '')}")
            self.subscribers.clear()

    def _kick(self, user_id: str, code: object, reason: str) -> None:
        sub = self.subscribers.pop(user_id, None)
        if sub is not None:
            sub.close(code if isinstance(code, int) else codes.KICKED, reason)

    async def _resync(self, last_seq: int) -> None:
        """After a restart or a gap: JSON clients get `resync` plus the whole document as one update;
        binary-only clients are closed with RESYNC so that they reconnect and sync both ways."""
        try:
            room = await self.rooms.state(self.room_id)
            document = await self.rooms.client.document_state(self.room_id)
        except DomainError:
            await asyncio.sleep(RETRY_S)
            return
        self.seq = last_seq
        self.room = room
        self.state = await self.state_view(room)
        self.broadcast("resync", dict(self.state))
        for sub in list(self.subscribers.values()):
            if sub.json_mode:
                sub.send(encode(FrameKind.SYNC_UPDATE, document))
            else:
                self.subscribers.pop(sub.user_id, None)
                sub.close(codes.RESYNC, "Room restarted; reconnect to resync")

    async def _ended(self) -> bool:
        """The actor is gone: True when the room is over (destroyed or finished; sockets are closed),
        False when it is live (reading its state has brought the actor back)."""
        try:
            room = await self.rooms.state(self.room_id)
        except NotFound:
            self._side_effects("room-closed", {"reason": "destroyed"})
            return True
        except DomainError:
            await asyncio.sleep(RETRY_S)
            return False
        if room.status is RoomStatus.FINISHED:
            self.broadcast("room-state", await self.state_view(room))
            self._side_effects("room-closed", {"reason": "finished"})
            return True
        return False


@dataclass
class FeedHub:
    """The gateway's feeds, one per room with local sockets, and its forwarder of relayed frames."""

    rooms: RoomService
    state_view: StateView
    gateway_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    feeds: dict[str, RoomFeed] = field(default_factory=dict)
    forwarder: Forwarder = field(init=False)

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
        if feed is None or feed.task is None or feed.task.done():
            feed = RoomFeed(
                room_id=room_id,
                rooms=self.rooms,
                state_view=self.state_view,
                seq=seq,
                state=state,
                epoch=epoch,
                gateway_id=self.gateway_id,
                room=room,
            )
            self.feeds[room_id] = feed
            feed.add(subscriber)
            feed.task = asyncio.get_running_loop().create_task(feed.run())
        else:
            feed.add(subscriber)
        return feed

    def leave(self, room_id: str, subscriber: Subscriber) -> None:
        feed = self.feeds.get(room_id)
        if feed is None:
            return
        feed.remove(subscriber)
        if not feed.subscribers and feed.task is not None:
            feed.task.cancel()
            self.feeds.pop(room_id, None)

    async def close(self) -> None:
        await self.forwarder.close()
        for feed in list(self.feeds.values()):
            if feed.task is not None:
                feed.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await feed.task
        self.feeds.clear()
