"""Interview sessions: one per room, created when the room leaves `waiting`, closed when it finishes.

Fields read by the history views (storage/history.py): participantIds, status, finishedAt,
durationSeconds, problemId, solvedBy, scores.
"""

from __future__ import annotations

from datetime import datetime

from engine.room.state import Room
from storage.client import Document, Mongo


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

    async def delete_for_room(self, room_id: str) -> None:
        await self._sessions.delete_many({"roomId": room_id})
