"""A minimal Python Yjs peer (pycrdt) speaking y-protocols over the room websocket, for tests."""

from __future__ import annotations

import asyncio
from typing import Any

from pycrdt import Doc, Text
from websockets.asyncio.client import ClientConnection

from engine.collab.wire import FrameKind, encode, parse_frame


class Peer:
    def __init__(self, ws: ClientConnection, language: str = "python") -> None:
        self.ws = ws
        self.doc: Doc[Any] = Doc()
        self.text = self.doc.get(f"code:{language}", type=Text)
        self.json: list[str] = []

    async def start(self) -> None:
        """Open the sync as y-websocket does: send our step 1 so the server answers with what we lack."""
        await self.ws.send(encode(FrameKind.SYNC_STEP1, self.doc.get_state()))

    async def pump(self, duration_s: float) -> None:
        """Apply everything the server sends for `duration_s` (answering its step 1)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration_s
        while (left := deadline - loop.time()) > 0:
            try:
                frame = await asyncio.wait_for(self.ws.recv(), left)
            except TimeoutError:
                return
            await self.handle(frame)

    async def handle(self, frame: str | bytes) -> None:
        if isinstance(frame, str):
            self.json.append(frame)
            return
        parsed = parse_frame(frame)
        if parsed.kind is FrameKind.SYNC_STEP1:
            await self.ws.send(encode(FrameKind.SYNC_STEP2, self.doc.get_update(parsed.payload)))
        elif parsed.writes:
            self.doc.apply_update(parsed.payload)

    async def type(self, index: int, chunk: str) -> None:
        before = self.doc.get_state()
        self.text.insert(index, chunk)
        await self.ws.send(encode(FrameKind.SYNC_UPDATE, self.doc.get_update(before)))

    async def until(self, predicate: Any, timeout_s: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not predicate():
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError("condition not met")
            try:
                await self.handle(await asyncio.wait_for(self.ws.recv(), left))
            except TimeoutError:
                continue
