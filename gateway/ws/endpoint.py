"""`WS /ws/rooms/{roomId}?token=<collab token>`: authenticate, admit, register with the room feed, relay.

Two client styles work: stock clients start at once (the join is implicit in the token) and the
reference's clients send `{"type":"join","data":{"roomId":...}}` first; both get `room-state`. Close codes:
4001 bad token or join payload, 4004 unknown room, 4007 not admitted (removed, not a participant,
finished), 4009 replaced by a newer socket of the same user.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from actors.room import Outcome
from engine.errors import DomainError, Forbidden, NotFound
from engine.identity import ensure_active
from engine.room.state import Room
from gateway.drain import CLOSE_REASON, draining
from gateway.errors import close_code_for
from gateway.room_service import RoomService
from gateway.services import Services
from gateway.ws import codes
from gateway.ws.feed import FeedHub, RoomFeed
from gateway.ws.relay import Forwarder, sort_frames
from gateway.ws.subscriber import Subscriber

router = APIRouter()
log = logging.getLogger(__name__)
MAX_TEXT_FRAME = 64 * 1024
INBOX_FRAMES = 256
BATCH_FRAMES = 64
CHAT_FRAMES = frozenset({"chat-send", "chat-mark-read", "chat-react-toggle"})


def room_state(room: Room) -> dict[str, Any]:
    return {
        "phase": room.status.value,
        "editorLocked": room.editor_locked,
        "language": room.language,
        "problemId": room.problem_id,
        "hostId": room.host_id,
    }


async def _authenticate(ws: WebSocket, services: Services, room_id: str) -> tuple[str, str] | None:
    """The collab token's user and role; a bad token, another room's token, or a banned or deleted
    account (its tokens minted before the ban included) closes the socket with 4001."""
    token = (
        ws.query_params.get("token") or ws.headers.get("authorization", "").removeprefix("Bearer ").strip()
    )
    try:
        claims = services.tokens.verify("collab", token, services.now())
    except DomainError:
        await ws.close(codes.UNAUTHORIZED, "Unauthorized")
        return None
    if claims.extra.get("roomId") != room_id:
        await ws.close(codes.UNAUTHORIZED, "Room ID mismatch")
        return None
    try:
        ensure_active(await services.users.get(claims.sub))
    except DomainError:
        await ws.close(codes.UNAUTHORIZED, "Account disabled")
        return None
    return claims.sub, str(claims.extra.get("role", "observer"))


async def _admit(
    ws: WebSocket, rooms: RoomService, room_id: str, user_id: str, socket_id: str
) -> Outcome | None:
    """Count the socket in the room (rejoining an inactive participant); close it when refused."""
    try:
        return await rooms.attach(room_id, user_id, socket_id)
    except Forbidden as exc:
        await ws.close(codes.FORBIDDEN, exc.message)
    except NotFound:
        await ws.close(codes.ROOM_NOT_FOUND, "Room not found")
    except DomainError as exc:
        await ws.close(close_code_for(exc), exc.message)
    return None


@router.websocket("/ws/rooms/{room_id}")
async def room_socket(ws: WebSocket, room_id: str) -> None:
    services: Services = ws.app.state.services
    rooms: RoomService = ws.app.state.rooms
    await ws.accept()
    if draining(ws.app.state):  # this gateway is going away: reconnect through another one
        await ws.close(codes.RESYNC, CLOSE_REASON)
        return
    identity = await _authenticate(ws, services, room_id)
    if identity is None:
        return
    user_id, role = identity
    socket_id = str(uuid.uuid4())
    outcome = await _admit(ws, rooms, room_id, user_id, socket_id)
    if outcome is None:
        return
    subscriber = Subscriber(socket=ws, user_id=user_id, role=role)
    subscriber.start()
    try:
        await _serve(ws, subscriber, room_id, rooms, outcome)
    finally:
        await subscriber.finish()
        with contextlib.suppress(DomainError):  # the room may be gone; presence then no longer matters
            await rooms.client.disconnected(room_id, user_id, socket_id, services.now())


async def _serve(
    ws: WebSocket, subscriber: Subscriber, room_id: str, rooms: RoomService, outcome: Outcome
) -> None:
    """Register with the room feed and relay until the socket ends. Whatever fails on the way closes the
    socket with a code (4004 when the room is gone, else 4011: reconnect and resync), so a socket is
    never left open and silent."""
    hub: FeedHub = ws.app.state.hub
    feed = hub.join(room_id, subscriber, outcome.seq, outcome.room, room_state(outcome.room), outcome.epoch)
    if draining(ws.app.state):  # admitted while the drain closed the others (no await since the join)
        subscriber.close(codes.RESYNC, CLOSE_REASON)
    try:
        for frame in await rooms.client.hello(room_id):
            subscriber.send(frame)
        await _receive(ws, Link(subscriber, room_id, rooms, feed, hub.forwarder))
    except* NotFound:
        subscriber.close(codes.ROOM_NOT_FOUND, "Room not found")
    except* Exception:
        log.exception("room socket failed", extra={"room_id": room_id})
        subscriber.close(codes.RESYNC, "Reconnect to resync")
    finally:
        hub.leave(room_id, subscriber)


@dataclass(frozen=True)
class Link:
    """One socket's place: who, which room, and the gateway parts its frames go through."""

    subscriber: Subscriber
    room_id: str
    rooms: RoomService
    feed: RoomFeed
    forwarder: Forwarder


async def _receive(ws: WebSocket, link: Link) -> None:
    """Read frames into a bounded inbox while a worker handles them: binary frames that arrived while the
    previous actor call ran go to the actor together, in one call. When the inbox is full the reader
    stops reading, so a client that outpaces its room is slowed by TCP rather than buffered here."""
    inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue(INBOX_FRAMES)
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(_work(inbox, link))
        try:
            while not link.subscriber.closed:
                try:
                    message = await ws.receive()
                except WebSocketDisconnect:
                    return
                if message["type"] == "websocket.disconnect":
                    return
                frame = message.get("text")
                if frame is None:
                    frame = message.get("bytes")
                if frame is not None:
                    await inbox.put(frame)
        finally:
            await inbox.put(None)


async def _work(inbox: asyncio.Queue[str | bytes | None], link: Link) -> None:
    """Handle the inbox in order until its end marker; consecutive binary frames form one batch."""
    while True:
        taken = [await inbox.get()]
        while len(taken) < BATCH_FRAMES and not inbox.empty():
            taken.append(inbox.get_nowait())
        binary: list[bytes] = []
        for frame in taken:
            if isinstance(frame, bytes):
                binary.append(frame)
                continue
            if binary:
                await _on_binary(link, binary)
                binary = []
            if frame is None:
                return
            if not link.subscriber.closed:
                await _on_text(link.subscriber, link.room_id, link.rooms, frame)
        if binary:
            await _on_binary(link, binary)


async def _on_binary(link: Link, frames: list[bytes]) -> None:
    """y-protocols frames (see gateway/ws/relay.py): accepted writes and awareness go to the room's other
    local sockets at once and to the actor in the background; a sync step 1 is answered by the actor
    once it has every frame relayed so far. A malformed frame closes the sender with 1007 after every
    frame before it has taken effect; any other failure propagates and closes the socket with a code."""
    sub = link.subscriber
    if sub.closed:
        return
    batch = sort_frames(frames, link.feed.may_write(sub.user_id))
    if batch.relayed:
        link.feed.relay_local(sub, batch.relayed)
        link.forwarder.push(link.room_id, sub.user_id, batch.relayed)
    if batch.to_actor:
        await link.forwarder.settle(link.room_id)
        for reply in await link.rooms.client.receive(link.room_id, sub.user_id, batch.to_actor):
            sub.send(reply)
    if batch.malformed:
        sub.close(codes.MALFORMED, "Malformed frame")


async def _on_text(subscriber: Subscriber, room_id: str, rooms: RoomService, text: str) -> None:
    if len(text) > MAX_TEXT_FRAME:
        subscriber.close(codes.UNAUTHORIZED, "Frame too large")
        return
    try:
        frame = json.loads(text)
    except ValueError:
        subscriber.send_event("error", {"message": "Malformed JSON frame"}, int(time.time() * 1000))
        return
    kind = frame.get("type") if isinstance(frame, dict) else None
    if kind == "join":
        data = frame.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("roomId"), str):
            subscriber.close(codes.UNAUTHORIZED, "Invalid join payload")
        elif data["roomId"] != room_id:
            subscriber.close(codes.UNAUTHORIZED, "Room ID mismatch")
        else:
            subscriber.json_mode = True
            now_ms = int(time.time() * 1000)
            subscriber.send_event("room-state", room_state(await rooms.state(room_id)), now_ms)
            subscriber.send_event("chat-history", await rooms.client.chat_history(room_id), now_ms)
    elif kind in CHAT_FRAMES:
        data = frame.get("data")
        await _on_chat(subscriber.user_id, room_id, rooms, kind, data if isinstance(data, dict) else {})
    elif kind == "ping":
        subscriber.send_event("pong", {}, int(time.time() * 1000))


async def _on_chat(user_id: str, room_id: str, rooms: RoomService, kind: str, data: dict[str, Any]) -> None:
    if kind == "chat-send":
        message_id = str(uuid.uuid4())  # the same on the door's retries: a message is posted once
        await rooms.client.chat_send(room_id, user_id, data, message_id)
    elif kind == "chat-mark-read":
        await rooms.client.chat_mark_read(room_id, user_id, data.get("upTo"))
    else:
        await rooms.client.chat_react(room_id, user_id, data.get("messageId"), data.get("emoji"))
