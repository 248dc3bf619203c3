"""Bookmarks: (user, problem) pairs, idempotent, listed newest first with keyset cursors."""

from __future__ import annotations

from datetime import datetime

from pymongo import DESCENDING

from engine.pagination import Cursor
from storage.client import Document, Mongo


class BookmarkRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._bookmarks = mongo.db["bookmarks"]

    async def add(self, user_id: str, problem_id: str, now: datetime) -> None:
        await self._bookmarks.update_one(
            {"_id": f"{user_id}:{problem_id}"},
            {"$setOnInsert": {"userId": user_id, "problemId": problem_id, "createdAt": now}},
            upsert=True,
        )

    async def remove(self, user_id: str, problem_id: str) -> None:
        await self._bookmarks.delete_one({"_id": f"{user_id}:{problem_id}"})

    async def marked(self, user_id: str, problem_ids: list[str]) -> set[str]:
        cursor = self._bookmarks.find(
            {"userId": user_id, "problemId": {"$in": problem_ids}}, {"problemId": 1}
        )
        return {d["problemId"] async for d in cursor}

    async def page(
        self, user_id: str, visible_ids: list[str], limit: int, after: Cursor | None
    ) -> list[Document]:
        """Bookmarks of visible problems, newest first; `limit + 1` rows so the caller sees hasMore."""
        query: Document = {"userId": user_id, "problemId": {"$in": visible_ids}}
        if after is not None and isinstance(after.value, int | float):
            moment = after.moment
            query["$or"] = [{"createdAt": {"$lt": moment}}, {"createdAt": moment, "_id": {"$lt": after.id}}]
        cursor = (
            self._bookmarks.find(query)
            .sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
            .limit(limit + 1)
        )
        return [d async for d in cursor]
