"""Admin shapes: the seed's AdminDashboard, AdminUserDetail and AdminRoomEntry (the reference leaves them
unbuilt), the reference's AdminUser row (here AdminUserEntry) and AuditLogEntry, and the request bodies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import StrictBool, StringConstraints, model_validator

from engine.identity import UserRole
from gateway.schemas.common import ApiModel, Pagination, StrictBody, UtcDatetime
from gateway.schemas.rooms import Mode, Status

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class AdminUserStats(ApiModel):
    total: int
    active: int
    banned: int
    admins: int
    newLast7Days: int


class AdminRoomStats(ApiModel):
    live: int
    waiting: int
    warmup: int
    coding: int
    wrapup: int
    finishedLast24h: int


class AdminSessionStats(ApiModel):
    total: int
    ongoing: int
    startedLast7Days: int


class AdminExecutionStats(ApiModel):
    """Runs and submissions created in the last 24 hours."""

    runs: int
    submissions: int
    acceptedSubmissions: int


class AdminProblemStats(ApiModel):
    published: int
    drafts: int


class AdminDashboard(ApiModel):
    users: AdminUserStats
    rooms: AdminRoomStats
    sessions: AdminSessionStats
    executionsLast24h: AdminExecutionStats
    problems: AdminProblemStats
    generatedAt: UtcDatetime


class AdminUserEntry(ApiModel):
    id: str
    email: str
    username: str
    displayName: str | None
    role: Literal["user", "admin"]
    avatarUrl: str | None
    bannedAt: UtcDatetime | None
    bannedReason: str | None
    createdAt: UtcDatetime
    updatedAt: UtcDatetime


class AdminUserPage(ApiModel):
    data: list[AdminUserEntry]
    pagination: Pagination


class AuditActor(ApiModel):
    id: str
    username: str
    email: str
    displayName: str | None


class AuditLogEntry(ApiModel):
    id: str
    actorId: str | None
    actor: AuditActor | None
    action: str
    targetType: str
    targetId: str
    metadata: dict[str, Any] | None
    ipAddress: str | None
    createdAt: UtcDatetime


class AuditLogPage(ApiModel):
    data: list[AuditLogEntry]
    pagination: Pagination


class AdminUserCounts(ApiModel):
    rooms: int
    sessions: int
    runs: int
    submissions: int
    acceptedSubmissions: int


class AdminUserDetail(AdminUserEntry):
    deletedAt: UtcDatetime | None
    lastLoginAt: UtcDatetime | None
    counts: AdminUserCounts
    recentAudit: list[AuditLogEntry]


class AdminRoomEntry(ApiModel):
    roomId: str
    name: str | None
    code: str
    mode: Mode
    status: Status
    hostId: str
    hostName: str
    language: str | None
    problemId: str | None
    participantCount: int
    maxParticipants: int
    isPrivate: bool
    createdAt: UtcDatetime
    updatedAt: UtcDatetime
    finishedAt: UtcDatetime | None


class AdminRoomPage(ApiModel):
    data: list[AdminRoomEntry]
    pagination: Pagination


class AdminUpdateUserRequest(StrictBody):
    """Ban or unban (`banned`, with an optional `reason` when banning) and/or change the role."""

    banned: StrictBool | None = None
    reason: Reason | None = None
    role: UserRole | None = None

    @model_validator(mode="after")
    def _one_change(self) -> AdminUpdateUserRequest:
        if self.banned is None and self.role is None:
            raise ValueError("Give at least one of banned, role")
        if self.reason is not None and self.banned is not True:
            raise ValueError("reason is only allowed with banned=true")
        return self


class CloseRoomRequest(StrictBody):
    reason: Reason
