"""The keystroke hot path inside one gateway: accepted Yjs frames go to the room's other local sockets at
once, and to the room's actor in batches, never waiting on a Ray round trip.

A socket's binary frames are sorted here (pure): sync step 1 needs the server's document and goes to the
actor (`receive`, which answers it); document writes and awareness are relayed. The write check
(`engine.room.access.can_edit`) runs against the room state the gateway's feed follows, and its decision
is final: the actor applies whatever the gateway relayed, so peers and the server never diverge.

Forwarding: per room at most one `relayed` call is in flight; frames that arrive meanwhile form the next
batch. Bounded: a room whose backlog passes FORWARD_MAX_FRAMES (its actor is stuck) has its local sockets
closed with RESYNC — they reconnect and sync both ways, so nothing a client holds is lost.
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
    task: asyncio.Task[None] | None = None


@dataclass
class Forwarder:
    """Batches relayed frames to room actors: one call per room in flight, the rest queued behind it."""

    client: RoomClient
    gateway_id: str
    on_overflow: Callable[[str], None]
    """Called with a room id when its backlog overflowed or its actor failed (resync its sockets)."""
    backlogs: dict[str, _Backlog] = field(default_factory=dict)

    def push(self, room_id: str, user_id: str, frames: list[bytes]) -> None:
        backlog = self.backlogs.setdefault(room_id, _Backlog())
        if backlog.frames + len(frames) > FORWARD_MAX_FRAMES:
            log.warning("relay backlog overflow", extra={"room_id": room_id})
            self.on_overflow(room_id)
            return
        backlog.items.append((user_id, frames))
        backlog.frames += len(frames)
        if backlog.task is None or backlog.task.done():
            backlog.task = asyncio.get_running_loop().create_task(self._drain(room_id, backlog))

    async def _drain(self, room_id: str, backlog: _Backlog) -> None:
        while backlog.items:
            batch, backlog.items, backlog.frames = backlog.items, [], 0
            try:
                await self.client.relayed(room_id, self.gateway_id, batch)
            except DomainError as exc:
                log.warning("relay to room failed", extra={"room_id": room_id, "error": str(exc)})
                self.on_overflow(room_id)
                backlog.items, backlog.frames = [], 0
        if self.backlogs.get(room_id) is backlog and not backlog.items:
            del self.backlogs[room_id]

    async def settle(self, room_id: str) -> None:
        """Wait until every frame relayed so far in this room has reached its actor."""
        backlog = self.backlogs.get(room_id)
        while backlog is not None and backlog.task is not None and not backlog.task.done():
            await asyncio.shield(backlog.task)
            backlog = self.backlogs.get(room_id)

    async def close(self) -> None:
        for backlog in list(self.backlogs.values()):
            if backlog.task is not None:
                backlog.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await backlog.task
        self.backlogs.clear()
