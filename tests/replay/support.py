"""Replay test helpers: a scripted stock Yjs client (tests/replay/node/scripted.js) and a PNG decoder."""

from __future__ import annotations

import asyncio
import json
import os
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from tests import processes
from tests.conftest import ROOT

NODE_MODULES = ROOT / ".data" / "collab-node" / "node_modules"
SCRIPTED = Path(__file__).parent / "node" / "scripted.js"


def now_ms() -> int:
    return int(time.time() * 1000)


async def next_ms(after: int) -> int:
    """Wait (bounded) until the wall clock is past `after`, so that later edits are stamped later."""
    deadline = time.monotonic() + 1.0
    while now_ms() <= after:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.001)  # bounded-poll: the next millisecond
    return now_ms()


class ScriptedClient:
    """One stock Yjs client; every command returns once the server has applied it."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, live_url: str, room_id: str, token: str) -> ScriptedClient:
        proc = await asyncio.create_subprocess_exec(
            "node",
            str(SCRIPTED),
            f"ws://{live_url}/ws/rooms",
            room_id,
            token,
            env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
            preexec_fn=processes.die_with_parent,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        client = cls(proc)
        hello = await client._answer()
        assert hello.get("synced") is True, hello
        return client

    async def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 40)
        assert line, "the Yjs client exited"
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def send(self, **command: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        await self.proc.stdin.drain()
        answer = await self._answer()
        assert answer.get("ok") is True, answer
        return answer

    async def quit(self) -> None:
        await self.send(op="quit")
        await asyncio.wait_for(self.proc.wait(), 20)


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGBA pixels) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color_type in (2, 6) and interlace == 0, (depth, color_type, interlace)
    channels = 4 if color_type == 6 else 3
    raw, stride, rows = zlib.decompress(idat), width * channels, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        _unfilter(kind, line, previous, channels)
        rgba = (
            line
            if channels == 4
            else bytearray(b"".join(line[i : i + 3] + b"\xff" for i in range(0, stride, 3)))
        )
        rows.append(bytes(rgba))
        previous = line
    return width, height, rows


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> None:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF


def pixel(rows: list[bytes], x: int, y: int) -> tuple[int, int, int, int]:
    r, g, b, a = rows[y][x * 4 : x * 4 + 4]
    return r, g, b, a
