"""The keystroke hot path inside one gateway: accepted Yjs frames go to the room's other local sockets at
once, and to the room's actor in batches, never waiting on a Ray round trip.

A socket's binary frames are sorted here (pure): sync step 1 needs the server's document and goes to the
actor (`receive`, which answers it); document writes and awareness are relayed. The write check
(`engine.room.access.can_edit`) runs against the room state the gateway's feed follows, and its decision
is final: the actor applies whatever the gateway relayed, so peers and the server never diverge.

Forwarding: per room host one flush at a time (one call carrying all of that host's rooms), at most one
per FLUSH_WINDOW_S; frames that arrive meanwhile form the next flush. Bounded: a room whose backlog passes
FORWARD_MAX_FRAMES (its host is stuck) has its local sockets closed with RESYNC — they reconnect and
sync both ways, so nothing a client holds is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from actors.clients import RoomClient
from engine.collab.document import check_update
from engine.collab.wire import FrameKind, parse_awareness, parse_frame
from engine.errors import DomainError

log = logging.getLogger(__name__)
FORWARD_MAX_FRAMES = 4096
"""Frames of one room waiting for its actor before the room's sockets are told to resync."""
FLUSH_WINDOW_S = 0.02
"""Back-to-back flushes to one host start at least this far apart, so that a host's typing rooms cost a
few Ray calls per second however fast they type (the first frame after a pause goes at once). Local
peers never wait for it; other gateways' sockets and a joiner's first sync wait at most this long."""


@dataclass(frozen=True)
class Sorted:
    """One socket's batch, in order: what needs the actor's answer and what is relayed."""

    to_actor: list[bytes]
    relayed: list[bytes]
    writes: int
    malformed: bool


def sort_frames(frames: list[bytes], may_write: bool) -> Sorted:
    """Parse strictly; stop at the first malformed frame (everything before it still counts). Writes
    from a socket that may not write are dropped, as the reference does."""
    to_actor: list[bytes] = []
    relayed: list[bytes] = []
    writes = 0
    for data in frames:
        try:
            frame = parse_frame(data)
            if frame.kind is FrameKind.AWARENESS:
                parse_awareness(frame.payload)
            elif frame.writes:
                check_update(frame.payload)
        except DomainError:
            return Sorted(to_actor, relayed, writes, malformed=True)
        if frame.kind is FrameKind.SYNC_STEP1:
            to_actor.append(data)
        elif frame.kind is FrameKind.AWARENESS or may_write:
            relayed.append(data)
            writes += frame.writes
    return Sorted(to_actor, relayed, writes, malformed=False)


@dataclass
class _Backlog:
    items: list[tuple[str, list[bytes]]] = field(default_factory=list)
    frames: int = 0


@dataclass
class _Lane:
    """One room host's traffic from this gateway: at most one flush in flight."""

    backlogs: dict[str, _Backlog] = field(default_factory=dict)
    sending: set[str] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    flushed: asyncio.Event = field(default_factory=asyncio.Event)

    def holds(self, room_id: str) -> bool:
        return room_id in self.backlogs or room_id in self.sending


@dataclass
class Forwarder:
    """Batches relayed frames to room hosts: per host one flush in flight, carrying every frame of that
    host's rooms that arrived since its last flush (one `relayed_many` call per host per flush). A slow
    host delays only its own rooms."""

    client: RoomClient
    gateway_id: str
    on_overflow: Callable[[str], None]
    """Called with a room id when its backlog overflowed or its host failed (resync its sockets)."""
    lanes: dict[str, _Lane] = field(default_factory=dict)

    def push(self, room_id: str, user_id: str, frames: list[bytes]) -> None:
        key = self.client.hosts.cached_host(room_id) or f"room:{room_id}"
        lane = self.lanes.setdefault(key, _Lane())
        backlog = lane.backlogs.setdefault(room_id, _Backlog())
        if backlog.frames + len(frames) > FORWARD_MAX_FRAMES:
            log.warning("relay backlog overflow", extra={"room_id": room_id})
            self.on_overflow(room_id)
            return
        backlog.items.append((user_id, frames))
        backlog.frames += len(frames)
        if lane.task is None or lane.task.done():
            lane.task = asyncio.get_running_loop().create_task(self._drain(key, lane))

    async def _drain(self, key: str, lane: _Lane) -> None:
        loop = asyncio.get_running_loop()
        while lane.backlogs:
            started = loop.time()
            batch = {room_id: b.items for room_id, b in lane.backlogs.items()}
            lane.backlogs, lane.sending = {}, set(batch)
            try:
                failed = await self.client.relayed_many(self.gateway_id, batch)
            except DomainError as exc:
                log.warning("relay flush failed", extra={"error": str(exc)})
                failed = list(batch)
            for room_id in failed:
                log.warning("relay to room failed", extra={"room_id": room_id})
                lane.backlogs.pop(room_id, None)
                self.on_overflow(room_id)
            lane.sending = set()
            lane.flushed.set()
            lane.flushed = asyncio.Event()
            rest = FLUSH_WINDOW_S - (loop.time() - started)
            if rest > 0 and lane.backlogs:
                await asyncio.sleep(rest)  # the flush window: what arrives meanwhile goes in one call
        if self.lanes.get(key) is lane and not lane.backlogs:
            del self.lanes[key]

    async def settle(self, room_id: str) -> None:
        """Wait until every frame relayed so far in this room has reached its host."""
        while True:
            lane = next((ln for ln in self.lanes.values() if ln.holds(room_id)), None)
            if lane is None or lane.task is None or lane.task.done():
                return
            await lane.flushed.wait()

    async def close(self) -> None:
        for lane in list(self.lanes.values()):
            if lane.task is not None:
                lane.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await lane.task
        self.lanes.clear()
