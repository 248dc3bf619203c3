"""The collab plane's internal shapes (seed: SynCode Collab Plane API)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from gateway.schemas.common import ApiModel, StrictBody
from gateway.schemas.rooms import Language, Status

Uuid = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    ),
]
ByteList = Annotated[list[Annotated[int, Field(ge=0, le=255)]], Field(max_length=4 * 1024 * 1024)]
Trigger = Literal["periodic", "phase_change", "submission", "session_end"]


class CreateDocumentRequest(StrictBody):
    roomId: Uuid
    initialContentByLanguage: dict[Language, Annotated[str, Field(max_length=64 * 1024)]] | None = None
    initialLanguage: Language | None = None
    initialPhase: Status | None = None
    editorLocked: bool | None = None
    snapshot: ByteList | None = None


class CreateDocumentResponse(ApiModel):
    roomId: str
    createdAt: int
    created: bool


class DestroyDocumentResponse(ApiModel):
    roomId: str
    finalSnapshot: list[int] | None = None


class KickUserRequest(StrictBody):
    userId: Uuid
    reason: Annotated[str, Field(max_length=200)] | None = None


class KickUserResponse(ApiModel):
    kicked: bool


class SnapshotReadyPayload(StrictBody):
    roomId: Uuid
    snapshot: ByteList
    code: Annotated[str, Field(max_length=64 * 1024)]
    language: Language
    timestamp: Annotated[int, Field(gt=0)]
    trigger: Trigger
    phase: Status | None


class UserDisconnectedPayload(StrictBody):
    roomId: Uuid
    userId: Uuid
    timestamp: Annotated[int, Field(gt=0)]


class CallbackAckResponse(ApiModel):
    success: bool


class CollabHealth(ApiModel):
    status: str
    documents: int
