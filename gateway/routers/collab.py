"""The collab plane's internal API (`/collab/...`) and the control plane's collab callbacks
(`/api/internal/collab/...`), all behind `X-Internal-Token`. The documents live in the room actors; these
routes give operators and other services the reference's contract over them.

Create (201) honours `initialLanguage`, `initialPhase` and `editorLocked` by applying them to the room
through its own commands, issued as the room's host (the room is the one registry here), so the room's
rules decide: a phase behind the current one is 400 ROOM_INVALID_TRANSITION, a forward one is reached
step by step. Destroy ends the document (see RoomActor.end_document) and is idempotent.
"""

from __future__ import annotations

import hmac
import time
import uuid
from datetime import UTC, datetime
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Header

from engine.collab.document import check_update
from engine.errors import ErrorCode, InvalidInput, NotFound, Unauthenticated
from engine.room import Disconnect, LockEditor, UnlockEditor
from engine.room.commands import ChangeLanguage, Transition
from engine.room.state import Room
from engine.room.status import RoomStatus
from gateway.deps import ServicesDep
from gateway.room_deps import RoomsDep
from gateway.room_service import RoomService
from gateway.schemas.collab import (
    CallbackAckResponse,
    CollabHealth,
    CreateDocumentRequest,
    CreateDocumentResponse,
    DestroyDocumentResponse,
    KickUserRequest,
    KickUserResponse,
    SnapshotReadyPayload,
    UserDisconnectedPayload,
)
from gateway.schemas.common import ERROR_RESPONSES


def require_internal(
    services: ServicesDep, token: Annotated[str | None, Header(alias="X-Internal-Token")] = None
) -> None:
    expected = services.config.secrets.internal
    if token is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthenticated(ErrorCode.UNAUTHORIZED, "Missing or wrong X-Internal-Token")


Internal = [Depends(require_internal)]
plane = APIRouter(prefix="/collab", tags=["collab-plane"], dependencies=Internal, responses=ERROR_RESPONSES)
callbacks = APIRouter(
    prefix="/internal/collab", tags=["collab-callbacks"], dependencies=Internal, responses=ERROR_RESPONSES
)


FORWARD: Final = (
    RoomStatus.WAITING,
    RoomStatus.WARMUP,
    RoomStatus.CODING,
    RoomStatus.WRAPUP,
    RoomStatus.FINISHED,
)
"""The phases in the order a room goes through them."""


async def _live(rooms: RoomService, room_id: str) -> Room:
    try:
        return await rooms.state(room_id)
    except NotFound as exc:
        raise NotFound(ErrorCode.COLLAB_DOCUMENT_NOT_FOUND, "No document for this room") from exc


def _phase_steps(current: RoomStatus, target: RoomStatus) -> list[RoomStatus]:
    """The transitions that take the room from `current` to `target` (finishing is always one step)."""
    if target is current:
        return []
    if target is RoomStatus.FINISHED:
        return [target]
    if FORWARD.index(target) < FORWARD.index(current):
        raise InvalidInput(
            ErrorCode.ROOM_INVALID_TRANSITION,
            f"The room is {current.value}; it cannot go back to {target.value}",
            {"initialPhase": "behind the room's phase"},
        )
    return list(FORWARD[FORWARD.index(current) + 1 : FORWARD.index(target) + 1])


async def _apply_state(rooms: RoomService, room: Room, body: CreateDocumentRequest) -> None:
    """The request's language, lock and phase, applied as the room's host (unchanged values do nothing)."""
    host = room.host_id
    if body.initialLanguage is not None and body.initialLanguage != room.language:
        room = (await rooms.execute(room.id, ChangeLanguage(host, str(body.initialLanguage)))).room
    if body.editorLocked is not None and body.editorLocked != room.editor_locked:
        lock = LockEditor(host) if body.editorLocked else UnlockEditor(host)
        room = (await rooms.execute(room.id, lock)).room
    if body.initialPhase is not None:
        for step in _phase_steps(room.status, RoomStatus(body.initialPhase)):
            room = (await rooms.execute(room.id, Transition(host, step))).room


@plane.post("/documents", status_code=201, summary="Create a Yjs document")
async def create_document(body: CreateDocumentRequest, rooms: RoomsDep) -> CreateDocumentResponse:
    room = await _live(rooms, body.roomId)
    snapshot = bytes(body.snapshot) if body.snapshot else None
    if snapshot is not None:
        check_update(snapshot)
    starter = {str(language): code for language, code in (body.initialContentByLanguage or {}).items()}
    if body.initialLanguage is not None:
        starter.setdefault(str(body.initialLanguage), "")
    created = await rooms.client.create_document(body.roomId, starter, snapshot)
    await _apply_state(rooms, room, body)
    return CreateDocumentResponse(roomId=body.roomId, createdAt=int(time.time() * 1000), created=created)


@plane.delete("/documents/{room_id}", summary="Destroy a Yjs document")
async def destroy_document(room_id: uuid.UUID, rooms: RoomsDep) -> DestroyDocumentResponse:
    """Ends the document: final snapshot, sockets closed with 4003, document released. A repeat returns
    the same final state and records nothing."""
    await _live(rooms, str(room_id))
    state = await rooms.client.end_document(str(room_id))
    return DestroyDocumentResponse(roomId=str(room_id), finalSnapshot=list(state))


@plane.post("/documents/{room_id}/kick", summary="Kick a user from the document")
async def kick(room_id: str, body: KickUserRequest, rooms: RoomsDep) -> KickUserResponse:
    await _live(rooms, room_id)
    kicked = await rooms.client.kick_socket(room_id, body.userId, body.reason or "Removed")
    return KickUserResponse(kicked=kicked)


@plane.get("/health", summary="Health check")
async def collab_health(services: ServicesDep) -> CollabHealth:
    live = await services.mongo.db["rooms"].count_documents(
        {"status": {"$ne": "finished"}, "code": {"$type": "string"}}
    )
    return CollabHealth(status="ok", documents=live)


@callbacks.post("/snapshot", summary="[Callback] Snapshot ready")
async def snapshot_ready(body: SnapshotReadyPayload, rooms: RoomsDep) -> CallbackAckResponse:
    """Stores the binary state (the room's latest reported one) and, once the room has a session, the code
    snapshot at the payload's timestamp and phase; `success` is false when no code snapshot was stored."""
    await _live(rooms, body.roomId)
    state = bytes(body.snapshot)
    check_update(state)
    at = datetime.fromtimestamp(body.timestamp / 1000, UTC)
    stored = await rooms.client.snapshot_ready(
        body.roomId, body.trigger, body.code, body.language, state, at, body.phase
    )
    return CallbackAckResponse(success=stored is not None)


@callbacks.post("/user-disconnected", summary="[Callback] User disconnected")
async def user_disconnected(body: UserDisconnectedPayload, rooms: RoomsDep) -> CallbackAckResponse:
    await _live(rooms, body.roomId)
    await rooms.execute(body.roomId, Disconnect(body.userId))
    return CallbackAckResponse(success=True)
