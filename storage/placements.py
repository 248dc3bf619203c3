"""Which room host serves a room: one small record per room (`room_placements`), written when the room is
placed (before it is created) and read by any gateway or worker that has to reach the room.

A record outlives its room's time in memory (an evicted or finished room keeps it): the host it names
re-activates the room from MongoDB on the next touch. It is deleted with the room (purge) and rewritten
when the room is placed again (its host is gone for good, or an operator moves it).
"""

from __future__ import annotations

from datetime import datetime

from storage.client import Mongo

COLLECTION = "room_placements"


class PlacementRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._c = mongo.db[COLLECTION]

    async def host_of(self, room_id: str) -> str | None:
        doc = await self._c.find_one({"_id": room_id}, {"host": 1})
        return None if doc is None else str(doc["host"])

    async def place(self, room_id: str, host: str, now: datetime) -> None:
        await self._c.update_one({"_id": room_id}, {"$set": {"host": host, "placedAt": now}}, upsert=True)

    async def rooms_of(self, host: str, limit: int = 10_000) -> list[str]:
        docs = await self._c.find({"host": host}, {"_id": 1}).to_list(limit)
        return [str(d["_id"]) for d in docs]

    async def release(self, room_id: str, host: str) -> None:
        """The host is done with the room (it finished): drop the record if it still names that host."""
        await self._c.delete_one({"_id": room_id, "host": host})

    async def delete(self, room_id: str) -> None:
        await self._c.delete_one({"_id": room_id})
