"""One connected socket: a bounded send queue drained by its own writer task.

Overflow policy: when the queue is full the socket is closed with RESYNC (4011); the client reconnects
and receives a fresh `room-state`. Memory per socket is therefore bounded by SEND_QUEUE_MAX messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketState

from gateway.ws import codes

SEND_QUEUE_MAX = 256
FINISH_S = 5.0
"""How long an ending socket may take to send what was queued before it is closed regardless."""
Frame = str | bytes


@dataclass(eq=False)
class Subscriber:
    socket: WebSocket
    user_id: str
    role: str
    queue: asyncio.Queue[Frame | None] = field(default_factory=lambda: asyncio.Queue(SEND_QUEUE_MAX))
    closed: bool = False
    close_code: int | None = None
    writer: asyncio.Task[None] | None = None
    closer: asyncio.Task[None] | None = None
    json_mode: bool = False
    """JSON room events go only to sockets that sent a `join` frame: stock Yjs clients (binary only)
    would fail on text frames."""

    def start(self) -> None:
        self.writer = asyncio.get_running_loop().create_task(self._drain())

    def send_event(self, kind: str, data: dict[str, Any], timestamp_ms: int, seq: int | None = None) -> None:
        if not self.json_mode:
            return
        message: dict[str, Any] = {"type": kind, "data": data, "timestamp": timestamp_ms}
        if seq is not None:
            message["seq"] = seq
        self.send(json.dumps(message, separators=(",", ":")))

    def send(self, frame: Frame) -> None:
        if self.closed:
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.close(codes.RESYNC, "Too far behind; reconnect to resync")

    def close(self, code: int, reason: str = "") -> None:
        """Close after what is already queued has been sent."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        self._reason = reason
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)
        if self.queue.full():
            self._abort()

    async def finish(self, timeout_s: float = FINISH_S) -> None:
        """The socket's end: close it after what is queued (at most `timeout_s` for a slow client) and
        wait for the tasks this subscriber owns."""
        self.close(codes.NORMAL)
        owned = [t for t in (self.writer, self.closer) if t is not None]
        if not owned:
            return
        _, late = await asyncio.wait(owned, timeout=timeout_s)
        for task in late:
            task.cancel()
        if late:
            await self._close_now()

    def _abort(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
        self.closer = asyncio.get_running_loop().create_task(self._close_now())

    async def _close_now(self) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(self.close_code or codes.NORMAL, getattr(self, "_reason", ""))

    async def _drain(self) -> None:
        try:
            while True:
                frame = await self.queue.get()
                if frame is None:
                    break
                if isinstance(frame, bytes):
                    await self.socket.send_bytes(frame)
                else:
                    await self.socket.send_text(frame)
        except Exception:  # noqa: BLE001 - a dead socket just stops its writer
            return
        if self.socket.application_state is WebSocketState.CONNECTED:
            await self._close_now()
