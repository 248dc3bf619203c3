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
import time
import uuid
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from engine.errors import DomainError, InvalidInput
from engine.room import Join
from engine.room.state import Room
from engine.room.status import RoomStatus
from gateway.room_service import RoomService
from gateway.services import Services
from gateway.ws import codes
from gateway.ws.feed import FeedHub
from gateway.ws.subscriber import Subscriber

router = APIRouter()
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


def _admission(room: Room, user_id: str) -> str | None:
    """Why this user may not hold a socket in this room, or None."""
    member = room.participant(user_id)
    if member is None:
        return "not-participant"
    if member.removed_at is not None:
        return "participant-removed"
    if room.status is RoomStatus.FINISHED:
        return "room-finished"
    return None


async def _authenticate(ws: WebSocket, services: Services, room_id: str) -> tuple[str, str] | None:
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
    return claims.sub, str(claims.extra.get("role", "observer"))


@router.websocket("/ws/rooms/{room_id}")
async def room_socket(ws: WebSocket, room_id: str) -> None:
    services: Services = ws.app.state.services
    rooms: RoomService = ws.app.state.rooms
    hub: FeedHub = ws.app.state.hub
    await ws.accept()
    identity = await _authenticate(ws, services, room_id)
    if identity is None:
        return
    user_id, role = identity
    try:
        outcome = await rooms.client.call(room_id, "state")
    except Exception:  # noqa: BLE001 - any failure to find the room is 4004
        await ws.close(codes.ROOM_NOT_FOUND, "Room not found")
        return
    reason = _admission(outcome.room, user_id)
    if reason is not None:
        await ws.close(codes.FORBIDDEN, reason)
        return
    subscriber = Subscriber(socket=ws, user_id=user_id, role=role)
    subscriber.start()
    # Count the new socket before registering it: registering closes an older socket of the same user,
    # whose disconnect must not make the user inactive.
    socket_id = str(uuid.uuid4())
    await rooms.client.call(room_id, "connected", user_id, socket_id)
    await _rejoin_if_inactive(rooms, room_id, outcome.room, user_id)
    hub.join(room_id, subscriber, outcome.seq, room_state(outcome.room), outcome.epoch)
    for frame in await rooms.client.call(room_id, "hello"):
        subscriber.send(frame)
    try:
        await _receive(ws, subscriber, room_id, rooms)
    finally:
        hub.leave(room_id, subscriber)
        with contextlib.suppress(Exception):  # the room may be gone; presence then no longer matters
            await rooms.client.call(room_id, "disconnected", user_id, socket_id, services.now())


async def _rejoin_if_inactive(rooms: RoomService, room_id: str, room: Room, user_id: str) -> None:
    """Connecting with a valid collab token is joining: a participant made inactive by an earlier
    disconnect becomes active again (stock Yjs clients cannot call the REST join after reconnecting).
    When the seat is no longer available the socket stays, read-only."""
    member = room.participant(user_id)
    if member is None or member.is_active:
        return
    with contextlib.suppress(DomainError):
        await rooms.execute(room_id, Join(user_id))


async def _receive(ws: WebSocket, subscriber: Subscriber, room_id: str, rooms: RoomService) -> None:
    """Read frames into a bounded inbox while a worker handles them: binary frames that arrived while the
    previous actor call ran go to the actor together, in one call. When the inbox is full the reader
    stops reading, so a client that outpaces its room is slowed by TCP rather than buffered here."""
    inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue(INBOX_FRAMES)
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(_work(inbox, subscriber, room_id, rooms))
        try:
            while not subscriber.closed:
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


async def _work(
    inbox: asyncio.Queue[str | bytes | None], subscriber: Subscriber, room_id: str, rooms: RoomService
) -> None:
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
                await _on_binary(subscriber, room_id, rooms, binary)
                binary = []
            if frame is None:
                return
            if not subscriber.closed:
                await _on_text(subscriber, room_id, rooms, frame)
        if binary:
            await _on_binary(subscriber, room_id, rooms, binary)


async def _on_binary(subscriber: Subscriber, room_id: str, rooms: RoomService, frames: list[bytes]) -> None:
    """y-protocols frames: the actor applies them (or drops forbidden writes) and answers the sender."""
    if subscriber.closed:
        return
    try:
        replies: list[bytes] = await rooms.client.call(room_id, "receive", subscriber.user_id, frames)
    except InvalidInput:
        subscriber.close(codes.MALFORMED, "Malformed frame")
        return
    except DomainError:
        return
    for reply in replies:
        subscriber.send(reply)


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
            history = await rooms.client.call(room_id, "chat", subscriber.user_id, "history", {})
            subscriber.send_event("chat-history", history, now_ms)
    elif kind in CHAT_FRAMES:
        data = frame.get("data")
        request_id = str(uuid.uuid4())  # the same on the client's retries: a message is posted once
        await rooms.client.call(
            room_id, "chat", subscriber.user_id, kind, data if isinstance(data, dict) else {}, request_id
        )
    elif kind == "ping":
        subscriber.send_event("pong", {}, int(time.time() * 1000))
