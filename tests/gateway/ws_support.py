"""Websocket test helpers: connect with a room's collab token and wait for specific events."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed


async def open_socket(base: str, room_id: str, token: str, join: bool = True) -> ClientConnection:
    """Connect; with `join` behave as a reference-style client (a join frame first, JSON events)."""
    ws = await connect(f"ws://{base}/ws/rooms/{room_id}?token={token}", open_timeout=30)
    if join:
        with contextlib.suppress(ConnectionClosed):
            await ws.send(json.dumps({"type": "join", "data": {"roomId": room_id}}))
    return ws


async def next_event(ws: ClientConnection, kind: str, timeout_s: float = 30.0) -> dict[str, Any]:
    """Read frames until a JSON event of `kind` arrives."""

    async def read() -> dict[str, Any]:
        while True:
            frame = await ws.recv()
            if isinstance(frame, str):
                message: dict[str, Any] = json.loads(frame)
                if message.get("type") == kind:
                    return message

    return await asyncio.wait_for(read(), timeout_s)


async def close_code(ws: ClientConnection, timeout_s: float = 30.0) -> int | None:
    """Drain until the server closes the socket; return its close code."""

    async def drain() -> int | None:
        try:
            while True:
                await ws.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    return await asyncio.wait_for(drain(), timeout_s)
