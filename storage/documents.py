"""Room documents in MongoDB: Yjs updates appended in batches, compacted into snapshots, the edit log
kept for replay (storage/edit_log.py), code snapshots (the CodeSnapshot history of a session) and the
binary states an external collab plane reports.

Rebuilding a document = its snapshot (if any) + every update stored after it, applied in order (Yjs
updates commute, so order only matters for efficiency). Compaction drops the updates a snapshot covers,
never the edit log. An ended document (collab-plane destroy) keeps its final state in the snapshot with
`final: true` until it is opened again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import Binary
from pymongo import ASCENDING, DESCENDING

from storage.client import Document, Mongo
from storage.edit_log import EditLog


class DocumentStore:
    def __init__(self, mongo: Mongo) -> None:
        self._updates = mongo.db["doc_updates"]
        self._batched_updates = mongo.batched("doc_updates")
        self._snapshots = mongo.db["doc_snapshots"]
        self._code = mongo.db["code_snapshots"]
        self._reported = mongo.db["room_doc_snapshots"]
        self.edits = EditLog(mongo)

    async def append(self, room_id: str, first_seq: int, updates: list[bytes], now: datetime) -> None:
        docs = [
            {
                "_id": f"{room_id}:{first_seq + i}",
                "roomId": room_id,
                "seq": first_seq + i,
                "update": Binary(u),
                "at": now,
            }
            for i, u in enumerate(updates)
        ]
        await self._batched_updates.insert(docs)  # with every other room of this process

    async def load(self, room_id: str) -> tuple[bytes | None, list[bytes], int]:
        """(snapshot, updates after it, last update seq)."""
        snap = await self._snapshots.find_one({"_id": room_id})
        after = int(snap["upToSeq"]) if snap else -1
        cursor = self._updates.find({"roomId": room_id, "seq": {"$gt": after}}).sort("seq", ASCENDING)
        updates = [d async for d in cursor]
        last = int(updates[-1]["seq"]) if updates else after
        return (bytes(snap["state"]) if snap else None), [bytes(d["update"]) for d in updates], last

    async def compact(self, room_id: str, state: bytes, up_to_seq: int, now: datetime) -> None:
        """Replace the snapshot by `state` (covering every update up to `up_to_seq`) and drop those."""
        await self._snapshots.replace_one(
            {"_id": room_id},
            {"_id": room_id, "state": Binary(state), "upToSeq": up_to_seq, "at": now},
            upsert=True,
        )
        await self._updates.delete_many({"roomId": room_id, "seq": {"$lte": up_to_seq}})

    async def end(self, room_id: str, state: bytes, up_to_seq: int, now: datetime) -> None:
        """Compact into `state` and mark it final (the document was ended)."""
        await self.compact(room_id, state, up_to_seq, now)
        await self._snapshots.update_one({"_id": room_id}, {"$set": {"final": True, "endedAt": now}})

    async def final_state(self, room_id: str) -> bytes | None:
        """The final state of an ended document (None while it is open)."""
        snap = await self._snapshots.find_one({"_id": room_id, "final": True}, {"state": 1})
        return bytes(snap["state"]) if snap else None

    async def reopen(self, room_id: str) -> None:
        await self._snapshots.update_one({"_id": room_id}, {"$unset": {"final": "", "endedAt": ""}})

    async def save_reported_state(self, room_id: str, state: bytes, at: datetime, trigger: str) -> None:
        """The latest binary state an external collab plane reported with a snapshot (one per room)."""
        await self._reported.replace_one(
            {"_id": room_id},
            {"_id": room_id, "state": Binary(state), "at": at, "trigger": trigger},
            upsert=True,
        )

    async def reported_state(self, room_id: str) -> tuple[bytes, datetime, str] | None:
        found = await self._reported.find_one({"_id": room_id})
        return (bytes(found["state"]), found["at"], str(found["trigger"])) if found else None

    async def add_code_snapshot(self, snapshot: dict[str, Any]) -> None:
        await self._code.insert_one(snapshot)

    async def code_snapshots(
        self, session_id: str, limit: int, after: tuple[datetime, str] | None
    ) -> list[Document]:
        query: Document = {"sessionId": session_id}
        if after is not None:
            query["$or"] = [
                {"createdAt": {"$gt": after[0]}},
                {"createdAt": after[0], "_id": {"$gt": after[1]}},
            ]
        cursor = self._code.find(query).sort([("createdAt", ASCENDING), ("_id", ASCENDING)]).limit(limit + 1)
        return [d async for d in cursor]

    async def last_code_snapshot(self, room_id: str) -> Document | None:
        return await self._code.find_one({"roomId": room_id}, sort=[("createdAt", DESCENDING)])

    async def delete_room(self, room_id: str) -> None:
        await self._updates.delete_many({"roomId": room_id})
        await self._snapshots.delete_one({"_id": room_id})
        await self._code.delete_many({"roomId": room_id})
        await self._reported.delete_one({"_id": room_id})
        await self.edits.delete_room(room_id)
