"""Peer feedback (collection `peer_feedback`): how one session participant resolved another, by
submitting feedback or by skipping.

Invariant: at most one document per (sessionId, reviewerId, candidateId); the unique index
`session_pair_unique` (storage/client.py) enforces it. A submitted document is final: a second submit
for the pair is refused by the index (409 FEEDBACK_ALREADY_SUBMITTED), never by read-then-write. A
skipped document may be replaced, once, by a submit (one atomic replace conditioned on `status:
skipped`); a skip never touches an existing document (an upsert that only inserts), so a skip racing a
submit can never undo it. Documents go when their room is destroyed (`delete_room`).

Fields: `_id, sessionId, roomId, reviewerId, candidateId, status (submitted | skipped; absent on
documents written before skips existed: submitted), ratings{problemSolving, communication, codeQuality,
collaboration, overall} | null, text | null, wouldPairAgain | null, createdAt` (`hasFeedback` counts the
submitted documents of a `sessionId`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from engine.errors import Conflict, ErrorCode
from engine.feedback import FeedbackStatus
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
    status: FeedbackStatus
    ratings: Ratings | None
    text: str | None
    would_pair_again: bool | None
    created_at: datetime

    def pair(self) -> Document:
        """The query naming this document's (session, reviewer, candidate)."""
        return {
            "sessionId": self.session_id,
            "reviewerId": self.reviewer_id,
            "candidateId": self.candidate_id,
        }


def _ratings_doc(ratings: Ratings | None) -> Document | None:
    if ratings is None:
        return None
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
        "status": feedback.status.value,
        "ratings": _ratings_doc(feedback.ratings),
        "text": feedback.text,
        "wouldPairAgain": feedback.would_pair_again,
        "createdAt": feedback.created_at,
    }


def _ratings(doc: Document | None) -> Ratings | None:
    if not doc or doc.get("overall") is None:
        return None
    return Ratings(
        overall=doc["overall"],
        problem_solving=doc.get("problemSolving"),
        communication=doc.get("communication"),
        code_quality=doc.get("codeQuality"),
        collaboration=doc.get("collaboration"),
    )


def _from_doc(doc: Document) -> PeerFeedback:
    again = doc.get("wouldPairAgain")
    return PeerFeedback(
        id=doc["_id"],
        session_id=doc["sessionId"],
        room_id=doc["roomId"],
        reviewer_id=doc["reviewerId"],
        candidate_id=doc["candidateId"],
        status=FeedbackStatus(doc.get("status") or FeedbackStatus.SUBMITTED),
        ratings=_ratings(doc.get("ratings")),
        text=doc.get("text"),
        would_pair_again=None if again is None else bool(again),
        created_at=doc["createdAt"],
    )


class FeedbackRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._feedback = mongo.db["peer_feedback"]

    async def add(self, feedback: PeerFeedback) -> PeerFeedback:
        """Store a submitted feedback (replacing the pair's skip, keeping its id); 409
        FEEDBACK_ALREADY_SUBMITTED when the pair already has a submitted one."""
        doc = _to_doc(feedback)
        try:
            await self._feedback.insert_one(doc)
        except DuplicateKeyError:
            skipped = feedback.pair() | {"status": FeedbackStatus.SKIPPED.value}
            body = {k: v for k, v in doc.items() if k != "_id"}
            found = await self._feedback.find_one_and_replace(
                skipped, body, return_document=ReturnDocument.AFTER
            )
            if found is None:
                raise _already_submitted(feedback.candidate_id) from None
            return replace(feedback, id=found["_id"])
        return feedback

    async def skip(self, skips: list[PeerFeedback]) -> None:
        """Record skips (idempotent); a pair that already has a document keeps it unchanged."""
        for skip in skips:
            fresh = {k: v for k, v in _to_doc(skip).items() if k not in skip.pair()}
            try:
                await self._feedback.update_one(skip.pair(), {"$setOnInsert": fresh}, upsert=True)
            except DuplicateKeyError:
                continue  # a concurrent write resolved the pair first; it stays as it is

    async def for_session(self, session_id: str) -> list[PeerFeedback]:
        """A session's feedback, oldest first (bounded by the number of ordered pairs of a full room)."""
        cursor = self._feedback.find({"sessionId": session_id}).sort([("createdAt", 1), ("_id", 1)])
        return [_from_doc(doc) for doc in await cursor.to_list(SESSION_FEEDBACK_MAX)]

    async def submitted_in(self, session_ids: list[str]) -> set[str]:
        """The sessions (of `session_ids`) with at least one submitted feedback."""
        if not session_ids:
            return set()
        query = {"sessionId": {"$in": session_ids}, "status": {"$ne": FeedbackStatus.SKIPPED.value}}
        return {str(s) for s in await self._feedback.distinct("sessionId", query)}

    async def delete_room(self, room_id: str) -> int:
        """Drop every feedback of a destroyed room (idempotent); how many went."""
        result = await self._feedback.delete_many({"roomId": room_id})
        return result.deleted_count


def _already_submitted(candidate_id: str) -> Conflict:
    return Conflict(
        ErrorCode.FEEDBACK_ALREADY_SUBMITTED,
        "You have already submitted feedback for this participant",
        {"candidateId": candidate_id},
    )
