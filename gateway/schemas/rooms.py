"""Room shapes: the seed's RoomConfig, RoomParticipantSummary, RoomSummary, RoomDetail, RoomPreview, and
the request bodies of the rooms, participants and control routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from gateway.schemas.common import ApiModel, Pagination, StrictBody, UtcDatetime, optional_key

Language = Literal["python", "javascript", "typescript", "java", "cpp", "c", "go", "rust"]
Role = Literal["interviewer", "candidate", "observer"]
Mode = Literal["peer", "ai"]
Status = Literal["waiting", "warmup", "coding", "wrapup", "finished"]
RoomCode = Annotated[str, StringConstraints(min_length=6, max_length=6, pattern=r"^[A-Za-z0-9]{6}$")]


class RoomConfig(ApiModel):
    maxParticipants: Annotated[int, Field(ge=2, le=8)] = 2
    maxDuration: Annotated[int, Field(ge=1, le=600)] = 120
    isPrivate: bool = True


class RoomConfigBody(StrictBody):
    maxParticipants: Annotated[int, Field(ge=2, le=8)] = 2
    maxDuration: Annotated[int, Field(ge=1, le=600)] = 120
    isPrivate: bool = True


class RoomParticipantSummary(ApiModel):
    userId: str
    username: str
    displayName: str | None
    avatarUrl: str | None
    role: Role
    isActive: bool
    isReady: bool
    isMuted: bool
    isConnected: bool
    joinedAt: UtcDatetime
    leftAt: UtcDatetime | None = None
    removedAt: UtcDatetime | None = None


class RoomSummary(ApiModel):
    roomId: str
    roomCode: str
    name: str | None
    status: Status
    mode: Mode
    hostId: str
    language: str | None
    createdAt: UtcDatetime
    myRole: Role | None
    problemTitle: str | None
    participantCount: int


class RoomSummaryPage(ApiModel):
    data: list[RoomSummary]
    pagination: Pagination


class RoleSwapView(ApiModel):
    swapId: str
    requestedBy: str
    targetUserId: str
    requestedAt: UtcDatetime
    expiresAt: UtcDatetime


class RoomDetail(ApiModel):
    roomId: str
    roomCode: str
    name: str | None
    status: Status
    mode: Mode
    hostId: str
    language: str | None
    createdAt: UtcDatetime
    sessionId: str | None
    problemId: str | None
    config: RoomConfig
    participants: list[RoomParticipantSummary]
    myRole: Role | None
    myCapabilities: list[str]
    currentPhaseStartedAt: UtcDatetime | None
    timerPaused: bool
    elapsedMs: int
    editorLocked: bool
    roleSwap: RoleSwapView | None = None
    collabToken: str | None = None
    collabUrl: str | None = None


class RoomPreview(ApiModel):
    roomId: str
    roomCode: str
    name: str | None
    status: Status
    mode: Mode
    hostId: str
    hostName: str
    hostAvatarUrl: str | None
    language: str | None
    problemTitle: str | None
    problemDifficulty: str | None
    participantCount: int
    maxParticipants: int
    isPrivate: bool
    isParticipant: bool
    createdAt: UtcDatetime


class RoomPreviewPage(ApiModel):
    data: list[RoomPreview]
    pagination: Pagination


class CreateRoomRequest(StrictBody):
    mode: Mode
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    problemId: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F-]{36}$")] | None = None
    language: Language | None = None
    config: RoomConfigBody | None = None


class CreateRoomResponse(ApiModel):
    roomId: str
    roomCode: str
    name: str | None
    status: Status
    mode: Mode
    hostId: str
    problemId: str | None
    language: str | None
    config: RoomConfig
    createdAt: UtcDatetime
    collabCreated: bool
    mediaCreated: bool


class JoinRoomRequest(StrictBody):
    roomCode: RoomCode | None = None
    requestedRole: Role | None = None


class JoinByCodeRequest(StrictBody):
    roomCode: RoomCode
    requestedRole: Role | None = None


class JoinRoomResponse(ApiModel):
    room: RoomDetail
    assignedRole: Role
    requestedRole: Role | None
    assignmentReason: str
    myCapabilities: list[str]
    collabToken: str
    collabUrl: str


class DestroyRoomResponse(ApiModel):
    """The reference's `{roomId, finalSnapshot?, collabDeleted, mediaDeleted}` (no final snapshot: the
    document is deleted with the room)."""

    roomId: str
    collabDeleted: bool
    mediaDeleted: bool


class TransferOwnershipResponse(ApiModel):
    roomId: str
    previousHostId: str
    currentHostId: str
    transferredAt: UtcDatetime
    transferredBy: str


class RoomParticipantList(ApiModel):
    data: list[RoomParticipantSummary]


class UpdateParticipantResponse(ApiModel):
    """The reference's `{room, updatedUserId, previousRole, currentRole, updatedAt, updatedBy}` plus
    `isMuted`."""

    room: RoomDetail
    updatedUserId: str
    previousRole: Role | None
    currentRole: Role | None
    isMuted: bool | None
    updatedAt: UtcDatetime
    updatedBy: str
    mediaUpdated: bool | None = None
    """Ours: whether the mute reached the LiveKit room (null when no mute change was asked for; false
    when LiveKit is not configured or failed — the room's own mute state is changed either way)."""


class RoomTransitionResponse(ApiModel):
    roomId: str
    previousStatus: Status
    currentStatus: Status
    transitionedAt: UtcDatetime
    transitionedBy: str
    sessionId: str | None


class EditorLockResponse(ApiModel):
    """`{roomId, editorLocked, changed}`; a change adds `lockedAt`/`lockedBy` (lock) or
    `unlockedAt`/`unlockedBy` (unlock), as the reference."""

    roomId: str
    editorLocked: bool
    changed: bool
    lockedAt: UtcDatetime | None = optional_key()
    lockedBy: str | None = optional_key()
    unlockedAt: UtcDatetime | None = optional_key()
    unlockedBy: str | None = optional_key()


class TimerStateResponse(ApiModel):
    roomId: str
    timerPaused: bool
    elapsedMs: int


class LanguageRequest(StrictBody):
    language: Language


class TransferRequest(StrictBody):
    targetUserId: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F-]{36}$")]


class ParticipantUpdateRequest(StrictBody):
    role: Role | None = None
    isMuted: bool | None = None


class TransitionRequest(StrictBody):
    targetStatus: Status


class SelectProblemRequest(StrictBody):
    problemId: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F-]{36}$")]


class SettingsRequest(StrictBody):
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    maxParticipants: Annotated[int, Field(ge=2, le=8)] | None = None
    maxDuration: Annotated[int, Field(ge=1, le=600)] | None = None
    isPrivate: bool | None = None


class RoleSwapRespondRequest(StrictBody):
    accept: bool


class ReadyRequest(StrictBody):
    ready: bool | None = None
