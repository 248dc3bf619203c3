"""Runs and submissions: job state (queued, running, completed, failed) and results in MongoDB.

A submission's `result` holds its judged cases (`result.cases`, with outputs up to 64 KiB each) and the
counters computed from them when it finished; lists never load the cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import DESCENDING

from engine.pagination import Cursor
from storage.client import Document, Mongo


class ExecutionRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._runs = mongo.db["runs"]
        self._submissions = mongo.db["submissions"]

    def _coll(self, kind: str) -> Any:
        return self._runs if kind == "run" else self._submissions

    async def create(self, kind: str, job: dict[str, Any]) -> None:
        await self._coll(kind).insert_one({**job, "status": "queued", "result": None, "finishedAt": None})

    async def set_status(self, kind: str, job_id: str, status: str, now: datetime) -> None:
        field = "startedAt" if status == "running" else "finishedAt"
        await self._coll(kind).update_one({"_id": job_id}, {"$set": {"status": status, field: now}})

    async def complete(
        self, kind: str, job_id: str, status: str, result: dict[str, Any], now: datetime
    ) -> None:
        await self._coll(kind).update_one(
            {"_id": job_id}, {"$set": {"status": status, "result": result, "finishedAt": now}}
        )

    async def get(self, kind: str, job_id: str) -> Document | None:
        doc: Document | None = await self._coll(kind).find_one({"_id": job_id})
        return doc

    async def page(self, kind: str, room_id: str, limit: int, after: Cursor | None) -> list[Document]:
        query: Document = {"roomId": room_id}
        if after is not None:
            moment = after.moment
            query["$or"] = [{"createdAt": {"$lt": moment}}, {"createdAt": moment, "_id": {"$lt": after.id}}]
        hidden: Document = {"code": 0, "result.cases": 0} if kind == "submission" else {"code": 0}
        cursor = self._coll(kind).find(query, hidden).sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
        return [d async for d in cursor.limit(limit + 1)]

    async def delete_room(self, room_id: str) -> None:
        await self._runs.delete_many({"roomId": room_id})
        await self._submissions.delete_many({"roomId": room_id})
