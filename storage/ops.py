"""Operational reads for metrics, the orphan sweep and `syncode status`: counts and tails, never payloads.

Every query here is cheap by construction: counts run on an index (`OPS_INDEXES`, created with the other
indexes at start-up) and tails read only documents finished after a watermark, bounded by `TAIL_MAX`
and projected to the few fields a metric needs. Invariant: nothing here writes application data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel

from engine.room.status import RoomStatus
from storage.client import Document, Mongo

TAIL_MAX = 1000
"""Finished jobs read per tail and scrape; a backlog beyond it is read on the next scrapes."""
LIVE_STATUSES = tuple(s.value for s in RoomStatus if s is not RoomStatus.FINISHED)
OPEN_EXECUTION = ("queued", "running")
EXECUTIONS = ("runs", "submissions")

OPS_INDEXES: dict[str, list[IndexModel]] = {
    "runs": [IndexModel([("status", ASCENDING), ("finishedAt", ASCENDING)], name="ops_status_finished")],
    "submissions": [
        IndexModel([("status", ASCENDING), ("finishedAt", ASCENDING)], name="ops_status_finished")
    ],
    "reports": [IndexModel([("status", ASCENDING), ("generatedAt", ASCENDING)], name="ops_status_generated")],
    "ai_jobs": [IndexModel([("completedAt", ASCENDING)], name="ops_completed")],
}


async def ensure_ops_indexes(mongo: Mongo) -> None:
    for collection, models in OPS_INDEXES.items():
        await mongo.db[collection].create_indexes(models)


@dataclass(frozen=True)
class Finished:
    """One finished job as a metric sees it: when it ended, how long it took, and its labels."""

    at: datetime
    seconds: float
    labels: dict[str, str]


class OpsReader:
    """The counts and tails behind `/metrics`, the orphan sweep and `syncode status`."""

    def __init__(self, mongo: Mongo) -> None:
        self._db = mongo.db

    async def live_rooms(self) -> int:
        query = {"status": {"$in": list(LIVE_STATUSES)}, "destroyedAt": {"$exists": False}}
        return int(await self._db["rooms"].count_documents(query))

    async def room_statuses(self, room_ids: Iterable[str]) -> dict[str, str]:
        """The status of each stored, not destroyed room among `room_ids` (absent ids are gone)."""
        ids = list(room_ids)
        if not ids:
            return {}
        query = {"_id": {"$in": ids}, "destroyedAt": {"$exists": False}}
        return {str(d["_id"]): str(d["status"]) async for d in self._db["rooms"].find(query, {"status": 1})}

    async def open_executions(self) -> dict[tuple[str, str, str], int]:
        """(kind, status, language) → count of queued and running jobs."""
        counts: dict[tuple[str, str, str], int] = {}
        for collection in EXECUTIONS:
            kind = collection.removesuffix("s")
            pipeline: list[Document] = [
                {"$match": {"status": {"$in": list(OPEN_EXECUTION)}}},
                {"$group": {"_id": {"s": "$status", "l": "$language"}, "n": {"$sum": 1}}},
            ]
            async for row in await self._db[collection].aggregate(pipeline):
                counts[(kind, str(row["_id"]["s"]), str(row["_id"].get("l")))] = int(row["n"])
        return counts

    async def finished_executions(self, after: datetime) -> list[Finished]:
        """Runs and submissions that finished after `after`, oldest first (at most TAIL_MAX each)."""
        found: list[Finished] = []
        for collection in EXECUTIONS:
            query = {"status": {"$in": ["completed", "failed"]}, "finishedAt": {"$gt": after}}
            fields = {"finishedAt": 1, "startedAt": 1, "createdAt": 1, "language": 1, "status": 1}
            cursor = self._db[collection].find(query, fields).sort("finishedAt", ASCENDING).limit(TAIL_MAX)
            kind = collection.removesuffix("s")
            async for d in cursor:
                begun = d.get("startedAt") or d.get("createdAt") or d["finishedAt"]
                labels = {"kind": kind, "language": str(d.get("language")), "status": str(d["status"])}
                found.append(Finished(d["finishedAt"], _seconds(begun, d["finishedAt"]), labels))
        return sorted(found, key=lambda f: f.at)

    async def generated_reports(self, after: datetime) -> list[Finished]:
        """Completed reports generated after `after`: the time from the (last) request to the result."""
        query = {"status": "completed", "generatedAt": {"$gt": after}}
        cursor = (
            self._db["reports"]
            .find(query, {"generatedAt": 1, "requestedAt": 1})
            .sort("generatedAt", ASCENDING)
            .limit(TAIL_MAX)
        )
        return [
            Finished(
                d["generatedAt"], _seconds(d.get("requestedAt") or d["generatedAt"], d["generatedAt"]), {}
            )
            async for d in cursor
        ]

    async def finished_ai_jobs(self, after: datetime) -> list[tuple[Finished, dict[str, Any]]]:
        """AI jobs that ended after `after`, each with its usage (provider, model, token counts)."""
        query = {"completedAt": {"$gt": after}}
        fields = {"completedAt": 1, "createdAt": 1, "kind": 1, "status": 1, "result.usage": 1}
        cursor = self._db["ai_jobs"].find(query, fields).sort("completedAt", ASCENDING).limit(TAIL_MAX)
        found: list[tuple[Finished, dict[str, Any]]] = []
        async for d in cursor:
            usage = (d.get("result") or {}).get("usage") or {}
            labels = {"kind": str(d.get("kind")), "status": str(d.get("status"))}
            seconds = _seconds(d.get("createdAt") or d["completedAt"], d["completedAt"])
            found.append((Finished(d["completedAt"], seconds, labels), usage))
        return found


def _seconds(begun: datetime, ended: datetime) -> float:
    return max(0.0, (ended - begun).total_seconds())
