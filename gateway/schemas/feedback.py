"""Peer feedback shapes: the seed's PeerFeedbackRatings and PeerFeedbackEntry, the submit body, the views.

Ratings are strict integers 1..5 (no "3", 3.0 or true). `overall` is required; the four dimensions are
optional (null = "no basis to judge", e.g. the code quality of an interviewer who wrote little code).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Final

from pydantic import Field, StrictBool, StringConstraints

from gateway.schemas.common import ApiModel, StrictBody, UtcDatetime

RATING_MIN: Final = 1
RATING_MAX: Final = 5
FEEDBACK_TEXT_MAX_CHARS: Final = 2000

Rating = Annotated[int, Field(ge=RATING_MIN, le=RATING_MAX, strict=True)]
FeedbackText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=FEEDBACK_TEXT_MAX_CHARS)
]


class PeerFeedbackRatings(StrictBody):
    """1..5 per dimension; `overall` required, the others optional (null when left out)."""

    problemSolving: Rating | None = None
    communication: Rating | None = None
    codeQuality: Rating | None = None
    collaboration: Rating | None = None
    overall: Rating


class SubmitPeerFeedbackRequest(StrictBody):
    candidateId: uuid.UUID = Field(description="The session participant being rated")
    ratings: PeerFeedbackRatings
    text: FeedbackText | None = Field(default=None, description="Trimmed; 1..2000 characters when present")
    wouldPairAgain: StrictBool


class PeerFeedbackEntry(ApiModel):
    id: str
    sessionId: str
    roomId: str
    reviewerId: str
    reviewerName: str
    reviewerAvatarUrl: str | None
    candidateId: str
    candidateName: str
    candidateAvatarUrl: str | None
    ratings: PeerFeedbackRatings
    feedbackText: str | None
    wouldPairAgain: bool
    createdAt: UtcDatetime


class PeerFeedbackList(ApiModel):
    """`allSubmitted`: the room is finished and every rater has rated every other rater."""

    allSubmitted: bool
    data: list[PeerFeedbackEntry]


class MyPeerFeedback(ApiModel):
    """What the caller wrote, and the candidateIds the caller may still rate now."""

    data: list[PeerFeedbackEntry]
    pending: list[str]
