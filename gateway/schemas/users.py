"""User profile, public profile, quotas, avatar, training stats and weaknesses shapes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from engine import rules
from gateway.schemas.common import ApiModel, StrictBody, UtcDatetime
from gateway.schemas.rooms import RoomSummary


class UserStats(ApiModel):
    totalSessions: int
    totalProblems: int
    streakDays: int


class UserProfile(ApiModel):
    id: str
    email: str
    username: str
    displayName: str | None
    role: str
    avatarUrl: str | None
    bio: str | None
    stats: UserStats
    createdAt: UtcDatetime
    updatedAt: UtcDatetime


class PublicProfile(ApiModel):
    id: str
    username: str
    displayName: str | None
    avatarUrl: str | None
    bio: str | None
    createdAt: UtcDatetime


class UpdateProfileRequest(StrictBody):
    displayName: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=rules.DISPLAY_NAME_MAX_LEN)] | None
    ) = None
    bio: Annotated[str, StringConstraints(strip_whitespace=True, max_length=rules.BIO_MAX_LEN)] | None = None
    username: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True,
                min_length=rules.USERNAME_MIN_LEN,
                max_length=rules.USERNAME_MAX_LEN,
                pattern=rules.USERNAME_PATTERN,
            ),
        ]
        | None
    ) = None


class AvatarUploadUrl(ApiModel):
    uploadUrl: str
    key: str
    expiresAt: UtcDatetime
    maxBytes: int
    contentTypes: list[str]


class ConfirmAvatarRequest(StrictBody):
    key: Annotated[str, Field(min_length=1, max_length=200)]


class DailyQuota(ApiModel):
    used: int
    limit: int
    remaining: int
    resetsAt: UtcDatetime


class RoomQuota(ApiModel):
    activeCount: int
    maxActive: int


class UserQuotas(ApiModel):
    ai: DailyQuota
    execution: DailyQuota
    rooms: RoomQuota


class ActiveRoom(RoomSummary):
    """The RoomSummary plus what a client needs to reconnect (`id` repeats `roomId`)."""

    id: str
    collabToken: str
    collabUrl: str


class ActiveRoomResponse(ApiModel):
    room: ActiveRoom | None


class StatsBucket(ApiModel):
    start: date
    sessions: int
    practiceMinutes: int
    problemsSolved: int
    averageScore: float | None


class StatsTotals(ApiModel):
    sessions: int
    practiceMinutes: int
    problemsSolved: int
    averageScore: float | None
    streakDays: int


class TrainingStats(ApiModel):
    bucket: str
    from_: UtcDatetime = Field(alias="from")
    to: UtcDatetime
    series: list[StatsBucket]
    totals: StatsTotals


class WeaknessSessionLink(ApiModel):
    sessionId: str
    problemName: str | None
    reportedAt: UtcDatetime
    score: int | None


class WeaknessEntry(ApiModel):
    """The reference's `UserWeakness` (§3.17, §9.8): one category across the user's sessions; `frequency`
    counts the visible linked sessions, `sessions` newest first."""

    id: str
    category: str
    description: str
    frequency: int
    trend: Literal["improving", "stable", "worsening"]
    lastSeenAt: UtcDatetime
    sessions: list[WeaknessSessionLink]


class WeaknessesResponse(ApiModel):
    data: list[WeaknessEntry]
