"""Static-analysis jobs in MongoDB (`static_analyses`): one document per job, created `pending` before
the job is queued; the analysis task moves it to `running` (still `pending` to API readers) and then
stores the report (`completed` or `failed`) with its summary counters as top-level fields for queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import DESCENDING

from engine.pagination import Cursor
from storage.client import Document, Mongo


class AnalysisRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._jobs = mongo.db["static_analyses"]

    async def create(self, job: dict[str, Any]) -> None:
        await self._jobs.insert_one({**job, "status": "pending", "report": None, "completedAt": None})

    async def set_running(self, job_id: str, now: datetime) -> None:
        await self._jobs.update_one({"_id": job_id}, {"$set": {"status": "running", "startedAt": now}})

    async def complete(self, job_id: str, report: dict[str, Any], now: datetime) -> None:
        counters = {f"summary.{k}": v for k, v in report["summary"].items()}
        await self._jobs.update_one(
            {"_id": job_id},
            {"$set": {"status": report["status"], "report": report, "completedAt": now, **counters}},
        )

    async def get(self, job_id: str) -> Document | None:
        doc: Document | None = await self._jobs.find_one({"_id": job_id})
        return doc

    async def forget(self, job_id: str) -> None:
        """Remove a job that could not be queued (its run or submission goes on without it)."""
        await self._jobs.delete_one({"_id": job_id, "status": "pending"})

    async def page(self, room_id: str, limit: int, after: Cursor | None) -> list[Document]:
        query: Document = {"roomId": room_id}
        if after is not None:
            moment = after.moment
            query["$or"] = [{"createdAt": {"$lt": moment}}, {"createdAt": moment, "_id": {"$lt": after.id}}]
        cursor = self._jobs.find(query, {"code": 0}).sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
        return [d async for d in cursor.limit(limit + 1)]

    async def delete_room(self, room_id: str) -> None:
        await self._jobs.delete_many({"roomId": room_id})
