"""A socket that stops reading: its bounded send queue overflows, the gateway closes it with 4011
(reconnect to resync) instead of buffering without limit, the room goes on for everyone else, and the
client reconnects and gets the whole document back.

The stalled client is a raw TCP socket that does the websocket handshake and then never reads (a
websocket library would keep reading into its own memory), with a tiny receive buffer."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pycrdt import Doc, Text
from websockets.asyncio.client import connect

from engine.collab.wire import FrameKind, encode
from gateway.ws import codes
from gateway.ws.subscriber import SEND_QUEUE_MAX
from tests.gateway.rooms_support import create_room, join
from tests.gateway.ws_support import open_socket
from tests.gateway.yjs_support import Peer
from tests.support import register

pytestmark = pytest.mark.anyio
CHUNK = 40 * 1024
"""Large enough that the room never merges two of them into one frame (MERGE_MAX_BYTES)."""
UPDATES = SEND_QUEUE_MAX + 4 * 1024 * 1024 // CHUNK + 64
"""One frame each: the send queue, plus what the server's socket buffer (at most 4 MiB here) and the
stalled client's tiny window can hold, plus a margin."""
CLOSE_OPCODE = 0x8


async def _token(client: httpx.AsyncClient, headers: dict[str, str], room_id: str) -> str:
    token: str = (await client.get(f"/api/rooms/{room_id}", headers=headers)).json()["collabToken"]
    return token


async def _stalled(live_url: str, room_id: str, token: str) -> asyncio.StreamReader:
    """Handshake by hand on a socket with a 4 KiB receive buffer; the caller then does not read."""
    parts = urlsplit(f"ws://{live_url}")
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (parts.hostname, parts.port))
    reader, writer = await asyncio.open_connection(sock=raw, limit=64 * 1024)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /ws/rooms/{room_id}?token={token} HTTP/1.1\r\nHost: {live_url}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readuntil(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 101"), status
    reader._writer = writer  # type: ignore[attr-defined]  # keep the socket open with the reader
    return reader


async def _close_code(reader: asyncio.StreamReader) -> int | None:
    """Read server frames (never masked) until the close frame; its status code, or None at EOF."""
    while True:
        try:
            head = await reader.readexactly(2)
        except asyncio.IncompleteReadError:
            return None
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await reader.readexactly(8))
        payload = await reader.readexactly(length)
        if opcode == CLOSE_OPCODE:
            return int(struct.unpack("!H", payload[:2])[0]) if len(payload) >= 2 else None


async def _peer(live_url: str, room_id: str, token: str) -> Peer:
    """A reading client; no frame size limit (the document is ~21 MB)."""
    peer = Peer(await connect(f"ws://{live_url}/ws/rooms/{room_id}?token={token}", max_size=None))
    await peer.start()
    return peer


async def test_a_stalled_socket_is_closed_with_4011_and_resyncs(
    client: httpx.AsyncClient, live_url: str
) -> None:
    host, guest, watcher = await register(client), await register(client), await register(client)
    room = await create_room(client, host, config={"maxParticipants": 3})
    assert (await join(client, guest, room)).status_code == 200
    assert (await join(client, watcher, room, requestedRole="observer")).status_code == 200
    rid = room["roomId"]
    stalled = await _stalled(live_url, rid, await _token(client, guest.headers, rid))
    reader = await _peer(live_url, rid, await _token(client, watcher.headers, rid))
    writer = await open_socket(live_url, rid, await _token(client, host.headers, rid), join=False)
    source: Doc[Any] = Doc()
    code = source.get("code:python", type=Text)
    for i in range(UPDATES):
        before = source.get_state()
        code.insert(len(str(code)), f"# {i:04d} " + "x" * CHUNK + "\n")
        await writer.send(encode(FrameKind.SYNC_UPDATE, source.get_update(before)))
    expected = str(code)
    await reader.until(lambda: str(reader.text) == expected, timeout_s=90)  # the room has sent it all
    assert await asyncio.wait_for(_close_code(stalled), 60) == codes.RESYNC
    # Everyone else went on; a fresh socket of the stalled user gets the whole document.
    assert writer.close_code is None
    rejoined = await client.post(f"/api/rooms/{rid}/join", headers=guest.headers, json={})  # as clients do
    assert rejoined.status_code == 200, rejoined.text
    again = await _peer(live_url, rid, await _token(client, guest.headers, rid))
    await again.until(lambda: str(again.text) == expected, timeout_s=60)
    for ws in (writer, reader.ws, again.ws):
        await ws.close()
