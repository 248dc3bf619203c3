"""Typing Python Yjs peers for the drain and room-move tests: each types unique chunks until its socket is
closed (recording the close code), reconnects wherever the test points it, and converges with the server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from fastapi import FastAPI
from pycrdt import Doc, Text
from websockets.exceptions import ConnectionClosed

from tests.gateway.ws_support import open_socket
from tests.gateway.yjs_support import Peer
from tests.support import Account

PUMP_S = 0.02


@dataclass
class Typist:
    """One user's peer in one room; `chunks` is everything it typed (each chunk unique)."""

    peer: Peer
    token: str
    tag: str
    chunks: list[str] = field(default_factory=list)
    close_code: int | None = None

    async def type_until_closed(self) -> int | None:
        """Type a chunk, apply what arrived, repeat; returns the server's close code. A chunk typed when
        the socket was already closed is in the local document and reaches the server on the resync."""
        try:
            while True:
                chunk = f"<{self.tag}{len(self.chunks)}>"
                self.chunks.append(chunk)
                await self.peer.type(len(str(self.peer.text)), chunk)
                await self.peer.pump(PUMP_S)
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else None
        return self.close_code

    async def reconnect(self, base: str, room_id: str) -> None:
        """Open a new socket (as y-websocket does after a close) and sync both ways."""
        self.peer.ws = await open_socket(base, room_id, self.token, join=False)
        await self.peer.start()

    async def type_some(self, count: int) -> None:
        for _ in range(count):
            chunk = f"<{self.tag}{len(self.chunks)}>"
            self.chunks.append(chunk)
            await self.peer.type(len(str(self.peer.text)), chunk)
            await self.peer.pump(PUMP_S)


async def connect_typist(base: str, room_id: str, token: str, tag: str) -> Typist:
    peer = Peer(await open_socket(base, room_id, token, join=False))
    await peer.start()
    return Typist(peer=peer, token=token, tag=tag)


async def collab_token(client: httpx.AsyncClient, who: Account, room_id: str) -> str:
    response = await client.get(f"/api/rooms/{room_id}", headers=who.headers)
    assert response.status_code == 200, response.text
    token: str = response.json()["collabToken"]
    return token


async def server_text(app: FastAPI, room_id: str) -> str:
    doc: Doc = Doc()  # type: ignore[type-arg]
    doc.apply_update(await app.state.rooms.client.document_state(room_id))
    return str(doc.get("code:python", type=Text))


async def converge(app: FastAPI, room_id: str, typists: list[Typist], timeout_s: float = 20.0) -> str:
    """Pump every peer until all of them and the server hold the same text; returns it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        for typist in typists:
            await typist.peer.pump(PUMP_S)
        texts = {str(t.peer.text) for t in typists} | {await server_text(app, room_id)}
        if len(texts) == 1:
            return texts.pop()
        assert loop.time() < deadline, f"no convergence within {timeout_s}s: {[len(t) for t in texts]}"
