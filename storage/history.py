"""Read models over sessions and rooms for a user's history views (stats, active room).

`sessions` documents (storage/sessions.py) carry: participantIds, status (ongoing|finished),
finishedAt, durationSeconds, problemId, solvedBy (user ids with an accepted submission, written by the
execution task) and
scores ({userId: overall score}); and `rooms` documents with participantIds and status.
"""

from __future__ import annotations

from datetime import datetime

from engine.stats import SessionFact
from storage.client import Document, Mongo


def _fact(doc: Document, user_id: str) -> SessionFact:
    scores = doc.get("scores") or {}
    score = scores.get(user_id)
    return SessionFact(
        finished_at=doc["finishedAt"],
        duration_s=int(doc.get("durationSeconds") or 0),
        problem_id=doc.get("problemId"),
        solved=user_id in (doc.get("solvedBy") or []),
        score=float(score) if score is not None else None,
    )


class HistoryReader:
    def __init__(self, mongo: Mongo) -> None:
        self._sessions = mongo.db["sessions"]
        self._rooms = mongo.db["rooms"]
        self._weaknesses = mongo.db["weaknesses"]

    async def finished_sessions(self, user_id: str, since: datetime | None = None) -> list[SessionFact]:
        query: Document = {"participantIds": user_id, "status": "finished", "deletedFor": {"$ne": user_id}}
        if since is not None:
            query["finishedAt"] = {"$gte": since}
        return [_fact(doc, user_id) async for doc in self._sessions.find(query)]

    async def active_room_id(self, user_id: str) -> str | None:
        doc = await self._rooms.find_one(
            {"activeParticipantIds": user_id, "status": {"$ne": "finished"}},
            {"_id": 1},
            sort=[("updatedAt", -1)],
        )
        return str(doc["_id"]) if doc else None

    async def hosted_active_rooms(self, user_id: str) -> int:
        return await self._rooms.count_documents({"hostId": user_id, "status": {"$ne": "finished"}})

    async def weaknesses(self, user_id: str) -> list[Document]:
        """Weakness entries the report pipeline maintains (category, count, trend, lastSeenAt, examples)."""
        cursor = self._weaknesses.find({"userId": user_id}, {"_id": 0}).sort("count", -1)
        return [doc async for doc in cursor]
