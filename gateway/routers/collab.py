"""The collab plane's internal API (`/collab/...`) and the control plane's collab callbacks
(`/api/internal/collab/...`), all behind `X-Internal-Token`. The documents live in the room actors; these
routes give operators and other services the reference's contract over them."""

from __future__ import annotations

import hmac
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header

from engine.errors import ErrorCode, NotFound, Unauthenticated
from engine.room import Disconnect
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


async def _live(rooms: RoomService, room_id: str) -> None:
    try:
        await rooms.state(room_id)
    except NotFound as exc:
        raise NotFound(ErrorCode.COLLAB_DOCUMENT_NOT_FOUND, "No document for this room") from exc


@plane.post("/documents", summary="Create a Yjs document")
async def create_document(body: CreateDocumentRequest, rooms: RoomsDep) -> CreateDocumentResponse:
    await _live(rooms, body.roomId)
    snapshot = bytes(body.snapshot) if body.snapshot else None
    starter = {str(language): code for language, code in (body.initialContentByLanguage or {}).items()}
    created = await rooms.client.create_document(body.roomId, starter, snapshot)
    return CreateDocumentResponse(roomId=body.roomId, createdAt=int(time.time() * 1000), created=created)


@plane.delete("/documents/{room_id}", summary="Destroy a Yjs document")
async def destroy_document(room_id: str, rooms: RoomsDep) -> DestroyDocumentResponse:
    await _live(rooms, room_id)
    state = await rooms.client.final_document(room_id)
    return DestroyDocumentResponse(roomId=room_id, finalSnapshot=list(state))


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
    await _live(rooms, body.roomId)
    stored = await rooms.client.record_snapshot(body.roomId, body.trigger, body.code, body.language)
    return CallbackAckResponse(success=stored is not None)


@callbacks.post("/user-disconnected", summary="[Callback] User disconnected")
async def user_disconnected(body: UserDisconnectedPayload, rooms: RoomsDep) -> CallbackAckResponse:
    await _live(rooms, body.roomId)
    await rooms.execute(body.roomId, Disconnect(body.userId))
    return CallbackAckResponse(success=True)
