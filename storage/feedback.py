"""Peer feedback (collection `peer_feedback`): what one session participant wrote about another.

Invariant: at most one document per (sessionId, reviewerId, candidateId). The unique index
`session_pair_unique` (storage/client.py) enforces it, so two concurrent submits cannot both land: the
second insert fails and is reported as 409 FEEDBACK_ALREADY_SUBMITTED. Documents are written once and
never updated; they go when their room is destroyed (`delete_room`).

Fields: `_id, sessionId, roomId, reviewerId, candidateId, ratings{problemSolving, communication,
codeQuality, collaboration, overall}, text, wouldPairAgain, createdAt` (`hasFeedback` on session details
counts this collection by `sessionId`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from pymongo.errors import DuplicateKeyError

from engine.errors import Conflict, ErrorCode
from engine.room.limits import MAX_PARTICIPANTS
from storage.client import Document, Mongo

# Every ordered pair of a full room: the most feedback one session can hold.
SESSION_FEEDBACK_MAX: Final = MAX_PARTICIPANTS * (MAX_PARTICIPANTS - 1)


@dataclass(frozen=True)
class Ratings:
    """1..5 per dimension; `overall` is always given, the others may be left out (None)."""

    overall: int
    problem_solving: int | None = None
    communication: int | None = None
    code_quality: int | None = None
    collaboration: int | None = None


@dataclass(frozen=True)
class PeerFeedback:
    id: str
    session_id: str
    room_id: str
    reviewer_id: str
    candidate_id: str
    ratings: Ratings
    text: str | None
    would_pair_again: bool
    created_at: datetime


def _ratings_doc(ratings: Ratings) -> Document:
    return {
        "problemSolving": ratings.problem_solving,
        "communication": ratings.communication,
        "codeQuality": ratings.code_quality,
        "collaboration": ratings.collaboration,
        "overall": ratings.overall,
    }


def _to_doc(feedback: PeerFeedback) -> Document:
    return {
        "_id": feedback.id,
        "sessionId": feedback.session_id,
        "roomId": feedback.room_id,
        "reviewerId": feedback.reviewer_id,
        "candidateId": feedback.candidate_id,
        "ratings": _ratings_doc(feedback.ratings),
        "text": feedback.text,
        "wouldPairAgain": feedback.would_pair_again,
        "createdAt": feedback.created_at,
    }


def _from_doc(doc: Document) -> PeerFeedback:
    ratings = doc.get("ratings") or {}
    return PeerFeedback(
        id=doc["_id"],
        session_id=doc["sessionId"],
        room_id=doc["roomId"],
        reviewer_id=doc["reviewerId"],
        candidate_id=doc["candidateId"],
        ratings=Ratings(
            overall=ratings["overall"],
            problem_solving=ratings.get("problemSolving"),
            communication=ratings.get("communication"),
            code_quality=ratings.get("codeQuality"),
            collaboration=ratings.get("collaboration"),
        ),
        text=doc.get("text"),
        would_pair_again=bool(doc["wouldPairAgain"]),
        created_at=doc["createdAt"],
    )


class FeedbackRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._feedback = mongo.db["peer_feedback"]

    async def add(self, feedback: PeerFeedback) -> PeerFeedback:
        """Store a new feedback; 409 FEEDBACK_ALREADY_SUBMITTED when the pair already has one."""
        try:
            await self._feedback.insert_one(_to_doc(feedback))
        except DuplicateKeyError as exc:
            raise Conflict(
                ErrorCode.FEEDBACK_ALREADY_SUBMITTED,
                "You have already submitted feedback for this participant",
                {"candidateId": feedback.candidate_id},
            ) from exc
        return feedback

    async def for_session(self, session_id: str) -> list[PeerFeedback]:
        """A session's feedback, oldest first (bounded by the number of ordered pairs of a full room)."""
        cursor = self._feedback.find({"sessionId": session_id}).sort([("createdAt", 1), ("_id", 1)])
        return [_from_doc(doc) for doc in await cursor.to_list(SESSION_FEEDBACK_MAX)]

    async def delete_room(self, room_id: str) -> int:
        """Drop every feedback of a destroyed room (idempotent); how many went."""
        result = await self._feedback.delete_many({"roomId": room_id})
        return result.deleted_count
