"""Room chat in MongoDB: messages (capped per room), reactions and read markers.

Cap: a room keeps its newest CHAT_CAP messages; older ones are deleted when new ones arrive.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING

from storage.client import Document, Mongo

CHAT_CAP = 500


class ChatRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._messages = mongo.db["chat_messages"]
        self._reads = mongo.db["chat_reads"]

    async def add(self, message: dict[str, Any]) -> None:
        await self._messages.insert_one(dict(message, _id=message["messageId"]))
        count = await self._messages.count_documents({"roomId": message["roomId"]})
        if count > CHAT_CAP:
            old = self._messages.find({"roomId": message["roomId"]}, {"_id": 1}).sort("createdAt", ASCENDING)
            doomed = [d["_id"] async for d in old.limit(count - CHAT_CAP)]
            await self._messages.delete_many({"_id": {"$in": doomed}})

    async def recent(self, room_id: str, limit: int = CHAT_CAP) -> list[Document]:
        cursor = (
            self._messages.find({"roomId": room_id}, {"_id": 0}).sort("createdAt", DESCENDING).limit(limit)
        )
        return list(reversed([d async for d in cursor]))

    async def get(self, room_id: str, message_id: str) -> Document | None:
        return await self._messages.find_one({"_id": message_id, "roomId": room_id}, {"_id": 0})

    async def set_reactions(self, message_id: str, reactions: list[dict[str, Any]], updated_at: int) -> None:
        await self._messages.update_one(
            {"_id": message_id}, {"$set": {"reactions": reactions, "updatedAt": updated_at}}
        )

    async def mark_read(self, room_id: str, user_id: str, at_ms: int) -> int:
        doc = await self._reads.find_one_and_update(
            {"_id": f"{room_id}:{user_id}"},
            {"$max": {"lastReadAt": at_ms}, "$set": {"roomId": room_id, "userId": user_id}},
            upsert=True,
            return_document=True,
        )
        return int(doc["lastReadAt"]) if doc else at_ms

    async def read_states(self, room_id: str) -> list[dict[str, Any]]:
        return [
            {"userId": d["userId"], "lastReadAt": d["lastReadAt"]}
            async for d in self._reads.find({"roomId": room_id})
        ]

    async def delete_room(self, room_id: str) -> None:
        await self._messages.delete_many({"roomId": room_id})
        await self._reads.delete_many({"roomId": room_id})
