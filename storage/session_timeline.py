"""A session's timeline: its slice of the room's event log, its code snapshots, runs, submissions and
media presence (LiveKit's participant joined/left, `media_presence`), merged in time order and read page
by page.

Invariants: the merged order is total, (at, source, key) with `key` the room event's seq or the
document id, and each source is read with the same keyset, so paging never skips or repeats an item;
no item carries code, program input/output or test-case data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pymongo import ASCENDING

from engine.room.limits import SYSTEM_ACTOR
from storage.client import Document, Mongo
from storage.recordings import PRESENCE
from storage.session_history import JOB_FIELDS, SessionRow, job_of

ROOM_EVENT, SNAPSHOT, RUN, SUBMISSION, MEDIA_PRESENCE = range(5)
"""Timeline sources, in the order they are merged when two items share a millisecond."""
SOURCES: Final = range(ROOM_EVENT, MEDIA_PRESENCE + 1)
MEDIA_PRESENCE_TYPE: Final = "media-presence"
PRESENCE_KINDS: Final = {"participant_joined": "joined", "participant_left": "left"}
"""LiveKit webhook event → the timeline entry's `data.kind`."""
SNAPSHOT_FIELDS: Final = {"trigger": 1, "language": 1, "linesOfCode": 1, "phase": 1, "createdAt": 1}


@dataclass(frozen=True)
class TimelineItem:
    """One entry of a session's timeline; (at, source, key) orders the merged timeline totally."""

    id: str
    type: str
    at: datetime
    actor_id: str | None
    data: dict[str, Any]
    source: int
    key: int | str


@dataclass(frozen=True)
class TimelinePosition:
    at: datetime
    source: int
    key: int | str


def _actor(data: dict[str, Any]) -> str | None:
    actor = data.get("by") or data.get("requestedBy") or data.get("userId")
    return None if actor in (None, SYSTEM_ACTOR) else str(actor)


def _room_event(doc: Document) -> TimelineItem:
    data = {k: v for k, v in (doc.get("data") or {}).items() if k != "at"}
    return TimelineItem(doc["_id"], doc["type"], doc["at"], _actor(data), data, ROOM_EVENT, int(doc["seq"]))


def _snapshot(doc: Document) -> TimelineItem:
    data = {k: doc.get(k) for k in ("trigger", "language", "linesOfCode", "phase")}
    return TimelineItem(doc["_id"], "code-snapshot", doc["createdAt"], None, data, SNAPSHOT, doc["_id"])


def _presence(doc: Document) -> TimelineItem:
    user = str(doc["userId"])
    data = {"userId": user, "kind": PRESENCE_KINDS.get(str(doc.get("type")), str(doc.get("type")))}
    return TimelineItem(doc["_id"], MEDIA_PRESENCE_TYPE, doc["at"], user, data, MEDIA_PRESENCE, doc["_id"])


def _job(kind: str, source: int) -> Any:
    def convert(doc: Document) -> TimelineItem:
        job = job_of(doc)
        data: dict[str, Any] = {"language": job.language, "status": job.status, "verdict": job.verdict}
        if kind == "submission":
            data |= {"passed": job.passed, "total": job.total, "problemId": doc.get("problemId")}
        return TimelineItem(job.id, kind, job.created_at, job.user_id, data, source, job.id)

    return convert


PRESENCE_FIELDS: Final = {"userId": 1, "type": 1, "at": 1}


def _presence_window(row: SessionRow) -> Document:
    """The room's media joins/leaves between the session's start and finish."""
    at: Document = {"$gte": row.started_at}
    if row.finished_at is not None:
        at["$lte"] = row.finished_at
    return {"roomId": row.room_id, "at": at}


@dataclass(frozen=True)
class _Source:
    rank: int
    collection: Any
    query: Document
    time_field: str
    key_field: str
    fields: Document | None
    convert: Any

    def after(self, position: TimelinePosition | None) -> Document:
        if position is None:
            return self.query
        at, tf = position.at, self.time_field
        if self.rank < position.source:
            keyset: Document = {tf: {"$gt": at}}
        elif self.rank > position.source:
            keyset = {tf: {"$gte": at}}
        else:
            keyset = {"$or": [{tf: {"$gt": at}}, {tf: at, self.key_field: {"$gt": position.key}}]}
        return {"$and": [self.query, keyset]}

    async def read(self, position: TimelinePosition | None, limit: int) -> list[TimelineItem]:
        sort = [(self.time_field, ASCENDING), (self.key_field, ASCENDING)]
        cursor = self.collection.find(self.after(position), self.fields).sort(sort).limit(limit)
        return [self.convert(d) async for d in cursor]


class SessionTimeline:
    """A session's room events (from the phase change that started it through the room's close), code
    snapshots (no code), runs and submissions (no code, output or test data) and media joins/leaves
    while it ran, merged in time order."""

    def __init__(self, mongo: Mongo) -> None:
        self._db = mongo.db

    async def _event_range(self, row: SessionRow) -> Document | None:
        """The session's slice of the room's event log by seq; None when the log has no start marker."""
        marks = {
            "roomId": row.room_id,
            "$or": [
                {"type": "session-started", "data.sessionId": row.id},
                {"type": "phase-change", "data.current": "warmup"},
                {"type": "room-closed"},
            ],
        }
        found = [d async for d in self._db["room_events"].find(marks, {"type": 1, "seq": 1}).sort("seq", 1)]
        start = next((d["seq"] for d in found if d["type"] == "session-started"), None)
        if start is None:
            return None
        first = min(d["seq"] for d in found if d["type"] != "room-closed")  # the phase change into warmup
        seqs: Document = {"$gte": first}
        end = next((d["seq"] for d in found if d["type"] == "room-closed" and d["seq"] > start), None)
        if end is not None:
            seqs["$lte"] = end
        return {"roomId": row.room_id, "seq": seqs}

    async def _sources(self, row: SessionRow) -> list[_Source]:
        db = self._db
        sources = [
            _Source(
                SNAPSHOT,
                db["code_snapshots"],
                {"sessionId": row.id},
                "createdAt",
                "_id",
                SNAPSHOT_FIELDS,
                _snapshot,
            ),
            _Source(RUN, db["runs"], row.window(), "createdAt", "_id", JOB_FIELDS, _job("run", RUN)),
            _Source(
                SUBMISSION,
                db["submissions"],
                row.window(),
                "createdAt",
                "_id",
                JOB_FIELDS,
                _job("submission", SUBMISSION),
            ),
            _Source(
                MEDIA_PRESENCE,
                db[PRESENCE],
                _presence_window(row),
                "at",
                "_id",
                PRESENCE_FIELDS,
                _presence,
            ),
        ]
        events = await self._event_range(row)
        if events is not None:
            sources.append(_Source(ROOM_EVENT, db["room_events"], events, "at", "seq", None, _room_event))
        return sources

    async def page(self, row: SessionRow, limit: int, after: TimelinePosition | None) -> list[TimelineItem]:
        """Up to `limit + 1` items after `after`, oldest first."""
        items: list[TimelineItem] = []
        for source in await self._sources(row):
            items += await source.read(after, limit + 1)
        items.sort(key=lambda i: (i.at, i.source, i.key))
        return items[: limit + 1]
