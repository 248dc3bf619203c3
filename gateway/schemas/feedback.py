"""Peer feedback shapes: the seed's PeerFeedbackRatings, the reference's PeerFeedbackEntry (§3.19) and
progress (§4.9), the submit and skip bodies, the views.

The submit body takes the reference's `{candidateId, feedbackText}` or the seed's `{candidateId, ratings,
text?, wouldPairAgain}` (or both together); which combinations are valid is checked by the route.
Ratings are strict integers 1..5 (no "3", 3.0 or true). `overall` is required; the four dimensions are
optional (null = "no basis to judge", e.g. the code quality of an interviewer who wrote little code).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Final, Literal

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
    feedbackText: FeedbackText | None = Field(
        default=None, description="The reference's free text (trimmed, 1..2000); required without ratings"
    )
    ratings: PeerFeedbackRatings | None = Field(default=None, description="Requires wouldPairAgain")
    text: FeedbackText | None = Field(default=None, description="The seed's name of feedbackText")
    wouldPairAgain: StrictBool | None = Field(default=None, description="Requires ratings")


class SkipPeerFeedbackRequest(StrictBody):
    candidateId: uuid.UUID = Field(description="The session participant not to give feedback about")


class PeerFeedbackEntry(ApiModel):
    """One submitted feedback. `feedbackText` is always a string: for ratings-only feedback it is
    written from the ratings. Ours: `ratings` and `wouldPairAgain` (null for free-text feedback)."""

    id: str
    sessionId: str
    roomId: str
    status: Literal["submitted", "skipped"]
    reviewerId: str
    reviewerName: str
    reviewerAvatarUrl: str | None
    candidateId: str
    candidateName: str
    candidateAvatarUrl: str | None
    feedbackText: str
    createdAt: UtcDatetime
    ratings: PeerFeedbackRatings | None
    wouldPairAgain: bool | None


class PeerFeedbackList(ApiModel):
    """`allSubmitted`: every rater has resolved (submitted or skipped) every other rater."""

    allSubmitted: bool
    data: list[PeerFeedbackEntry]


class PeerFeedbackTarget(ApiModel):
    """Someone the caller is expected to resolve; `createdAt` is when they did (null while pending)."""

    candidateId: str
    candidateName: str
    candidateAvatarUrl: str | None
    role: Literal["candidate", "interviewer"]
    state: Literal["pending", "submitted", "skipped"]
    createdAt: UtcDatetime | None


class PeerFeedbackProgress(ApiModel):
    """The caller's to-do list; `allSubmitted`: nothing of it is pending."""

    allSubmitted: bool
    targets: list[PeerFeedbackTarget]


class MyPeerFeedback(ApiModel):
    """What the caller wrote, and the candidateIds the caller may still rate now."""

    data: list[PeerFeedbackEntry]
    pending: list[str]
