"""Matchmaking shapes: the reference's queue body and `idle | searching | matched` statuses (§10.1, §10.2),
our `proposed` status with the seed's `MatchOpponent`, and the rating band. Extras are extra keys."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from gateway.schemas.common import ApiModel, StrictBody, UtcDatetime
from gateway.schemas.rooms import Language, Role

DifficultyName = Literal["easy", "medium", "hard"]
Topic = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class EnterQueueRequest(StrictBody):
    """The reference body (every list optional, empty meaning any) plus `requireConfirmation`."""

    languages: Annotated[list[Language], Field(max_length=8)] = []
    difficulties: Annotated[list[DifficultyName], Field(max_length=3)] = []
    problemIds: Annotated[list[uuid.UUID], Field(max_length=20)] = []
    topics: Annotated[list[Topic], Field(max_length=20)] = []
    roles: Annotated[list[Role], Field(max_length=3)] = []
    requireConfirmation: bool = False
    """Ours: propose the match first (both accept within 30 s) instead of making the room at once."""


class MatchPreferences(ApiModel):
    languages: list[str]
    difficulties: list[str]
    problemIds: list[str]
    topics: list[str]
    roles: list[str]


class RatingBand(ApiModel):
    label: Literal["novice", "intermediate", "advanced", "expert"]
    low: int
    high: int
    provisional: bool


class MatchOpponent(ApiModel):
    """Who a proposal pairs you with: their public profile, skill band and what you would share."""

    userId: str
    username: str
    displayName: str | None
    avatarUrl: str | None
    ratingBand: RatingBand | None
    sharedLanguages: list[str]
    proposedLanguage: str | None
    proposedDifficulty: DifficultyName | None
    role: Role
    """The opponent's role in the room (yours is `myRole`)."""
    roomId: str | None = None
    """Set when the match seats you in their existing public room."""


class MatchIdle(ApiModel):
    status: Literal["idle"] = "idle"


class MatchSearching(ApiModel):
    status: Literal["searching"] = "searching"
    requestId: str
    queuePosition: int
    expiresAt: UtcDatetime
    preferences: MatchPreferences
    estimatedWaitSeconds: int | None = None
    waitedSeconds: int = 0
    requireConfirmation: bool = False
    aiRoomOffered: bool = False
    """No human partner yet after the configured wait: `POST /api/matchmaking/ai-room` makes one."""


class MatchProposed(ApiModel):
    status: Literal["proposed"] = "proposed"
    requestId: str
    matchId: str
    opponent: MatchOpponent
    myRole: Role
    deadline: UtcDatetime
    accepted: bool
    opponentAccepted: bool | None
    confirmed: bool
    """Everyone accepted; the room is being made."""
    expiresAt: UtcDatetime
    preferences: MatchPreferences


class MatchMatched(ApiModel):
    status: Literal["matched"] = "matched"
    requestId: str
    roomId: str
    matchedWithUserId: str | None
    expiresAt: UtcDatetime
    preferences: MatchPreferences
    matchId: str
    role: Role


MatchStatus = Annotated[
    MatchIdle | MatchSearching | MatchProposed | MatchMatched, Field(discriminator="status")
]
QueueStatus = Annotated[MatchIdle | MatchSearching | MatchMatched, Field(discriminator="status")]
"""What the reference's `GET /matchmaking/queue` answers (a proposal reads as searching)."""
