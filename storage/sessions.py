"""Interview sessions: one per room, created when the room leaves `waiting`, closed when it finishes;
and the reads of what other areas attach to a session (training reports, recordings).

Fields read by the history views (storage/history.py): participantIds, status, finishedAt,
durationSeconds, problemId, solvedBy, scores.

Reports (collection `reports`, written by the report pipeline): one document per (sessionId, userId)
with `status` (pending | completed | failed), `overallScore` (0..100, set when completed), `report` (the
report document) and `generatedAt`. Recordings (collection `recordings`, storage/recordings.py): rows
keyed by `sessionId`; a session has a recording once one row is `complete` with a file `location`
(the egress ended with a file), not while one is only starting or running. Both are only read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from engine.room.state import Room
from storage.client import Document, Mongo
from storage.recordings import COMPLETE as RECORDING_COMPLETE

REPORTS: Final = "reports"
RECORDINGS: Final = "recordings"
REPORT_COMPLETED: Final = "completed"


@dataclass(frozen=True)
class ReportRow:
    """One user's training report of one session, in whatever state the pipeline left it."""

    session_id: str
    user_id: str
    status: str
    overall_score: float | None
    report: dict[str, Any] | None
    generated_at: datetime | None

    @property
    def completed(self) -> bool:
        return self.status == REPORT_COMPLETED


def _report_row(doc: Document) -> ReportRow:
    score = doc.get("overallScore")
    report = doc.get("report")
    return ReportRow(
        session_id=str(doc["sessionId"]),
        user_id=str(doc["userId"]),
        status=str(doc.get("status") or ""),
        overall_score=float(score)
        if isinstance(score, int | float) and not isinstance(score, bool)
        else None,
        report=dict(report) if isinstance(report, dict) else None,
        generated_at=doc.get("generatedAt"),
    )


class SessionArtifacts:
    """Reads of the reports and recordings attached to sessions."""

    def __init__(self, mongo: Mongo) -> None:
        self._reports = mongo.db[REPORTS]
        self._recordings = mongo.db[RECORDINGS]

    async def report(self, session_id: str, user_id: str) -> ReportRow | None:
        doc = await self._reports.find_one({"sessionId": session_id, "userId": user_id})
        return _report_row(doc) if doc else None

    async def completed_reports(self, session_ids: list[str], user_id: str) -> dict[str, ReportRow]:
        """`user_id`'s completed reports of these sessions, by session id."""
        if not session_ids:
            return {}
        query = {"sessionId": {"$in": session_ids}, "userId": user_id, "status": REPORT_COMPLETED}
        rows = [_report_row(d) async for d in self._reports.find(query)]
        return {row.session_id: row for row in rows}

    async def has_recording(self, session_id: str) -> bool:
        """A recording of the session completed with a file (a started or failed one does not count)."""
        query = {"sessionId": session_id, "status": RECORDING_COMPLETE, "location": {"$nin": [None, ""]}}
        return await self._recordings.count_documents(query, limit=1) > 0


class SessionRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._sessions = mongo.db["sessions"]

    async def start(self, room: Room, now: datetime) -> None:
        """Create the room's session with its active participants (idempotent by session id)."""
        if room.session_id is None:
            return
        active = room.active()
        await self._sessions.update_one(
            {"_id": room.session_id},
            {
                "$setOnInsert": {
                    "roomId": room.id,
                    "mode": room.mode.value,
                    "problemId": room.problem_id,
                    "language": room.language,
                    "status": "ongoing",
                    "startedAt": now,
                    "finishedAt": None,
                    "durationMs": None,
                    "durationSeconds": None,
                    "participantIds": [p.user_id for p in active],
                    "participants": [
                        {"userId": p.user_id, "role": p.role.value, "joinedAt": p.joined_at} for p in active
                    ],
                    "solvedBy": [],
                    "scores": {},
                    "createdAt": now,
                }
            },
            upsert=True,
        )

    async def sync(self, room: Room) -> None:
        """Keep the ongoing session's problem and language in step with the room."""
        if room.session_id:
            await self._sessions.update_one(
                {"_id": room.session_id, "status": "ongoing"},
                {"$set": {"problemId": room.problem_id, "language": room.language}},
            )

    async def finish(self, room: Room, now: datetime, elapsed_ms: int) -> None:
        if room.session_id:
            await self._sessions.update_one(
                {"_id": room.session_id, "status": "ongoing"},
                {
                    "$set": {
                        "status": "finished",
                        "finishedAt": now,
                        "durationMs": elapsed_ms,
                        "durationSeconds": elapsed_ms // 1000,
                        "problemId": room.problem_id,
                        "language": room.language,
                    }
                },
            )

    async def mark_solved(self, room_id: str, user_id: str, problem_id: str) -> None:
        """An accepted submission: the user solved the room's latest session's problem (read by the
        profile stats and the history)."""
        latest = await self._sessions.find_one(
            {"roomId": room_id, "problemId": problem_id}, {"_id": 1}, sort=[("startedAt", -1)]
        )
        if latest is not None:
            await self._sessions.update_one({"_id": latest["_id"]}, {"$addToSet": {"solvedBy": user_id}})

    async def get(self, session_id: str) -> Document | None:
        return await self._sessions.find_one({"_id": session_id})

    async def set_score(self, session_id: str, user_id: str, score: float) -> None:
        """A completed training report's overall score (`scores.<userId>`, read by the stats)."""
        await self._sessions.update_one({"_id": session_id}, {"$set": {f"scores.{user_id}": score}})

    async def delete_for_room(self, room_id: str) -> None:
        await self._sessions.delete_many({"roomId": room_id})
