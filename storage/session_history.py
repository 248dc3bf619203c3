"""Read model of a user's session history: the filtered, sorted page of their sessions, what happened in
each (runs, submissions), and the one write the history owns, the per-user soft delete.

Invariants:
- a session is in the history of each user in its `participantIds` who is not in its `deletedFor`;
- a run or submission belongs to a session when it was created in the session's room between the
  session's `startedAt` and `finishedAt` (open-ended while the session is ongoing); a room has at most
  one session (it reaches warmup only from waiting, and finished is final), so counts group by room;
- a page is ordered by (sort value, id) in one direction, with null sort values after every non-null one
  in both directions (NULLS LAST), so keyset paging never skips or repeats a session. The score sort
  orders by the viewer's completed report score (collection `reports`, joined per page query).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from pymongo import ASCENDING, DESCENDING

from storage.client import Document, Mongo
from storage.sessions import REPORT_COMPLETED, REPORTS


class SessionSort(StrEnum):
    """The reference's `sortBy` values (`createdAt` is when the session started)."""

    CREATED_AT = "createdAt"
    FINISHED_AT = "finishedAt"
    OVERALL_SCORE = "overallScore"
    DURATION = "duration"


class SortOrder(StrEnum):
    DESC = "desc"
    ASC = "asc"


SCORE_FIELD: Final = "_score"
"""The viewer's completed report score, added to each session by the score sort's join."""
SORT_FIELDS: Final = {
    SessionSort.CREATED_AT: "startedAt",
    SessionSort.FINISHED_AT: "finishedAt",
    SessionSort.OVERALL_SCORE: SCORE_FIELD,
    SessionSort.DURATION: "durationMs",
}
NULLABLE_SORTS: Final = frozenset({SessionSort.FINISHED_AT, SessionSort.OVERALL_SCORE, SessionSort.DURATION})
TERMINAL_JOBS: Final = ("completed", "failed")
JOB_FIELDS: Final = {
    "userId": 1,
    "language": 1,
    "status": 1,
    "problemId": 1,
    "createdAt": 1,
    "result.verdict": 1,
    "result.passed": 1,
    "result.total": 1,
}
"""What the history reads of a run or submission: never code, input, output or test-case data."""


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_epoch_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


@dataclass(frozen=True)
class Seat:
    """A participant as the session recorded them when it started."""

    user_id: str
    role: str
    joined_at: datetime | None


@dataclass(frozen=True)
class SessionRow:
    id: str
    room_id: str
    mode: str
    status: str
    problem_id: str | None
    language: str | None
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    participant_ids: tuple[str, ...]
    seats: tuple[Seat, ...]
    deleted_for: frozenset[str]
    score: float | None = None
    """Set only on rows read under the score sort."""

    def role_of(self, user_id: str) -> str | None:
        return next((s.role for s in self.seats if s.user_id == user_id), None)

    def sort_value(self, sort: SessionSort) -> float | None:
        """The row's position under `sort` as a cursor keeps it: epoch ms for times, ms for durations."""
        if sort is SessionSort.DURATION:
            return self.duration_ms
        if sort is SessionSort.OVERALL_SCORE:
            return self.score
        moment = self.started_at if sort is SessionSort.CREATED_AT else self.finished_at
        return None if moment is None else epoch_ms(moment)

    def window(self) -> Document:
        """The query selecting this session's runs or submissions."""
        created: Document = {"$gte": self.started_at}
        if self.finished_at is not None:
            created["$lte"] = self.finished_at
        return {"roomId": self.room_id, "createdAt": created}


def session_row(doc: Document) -> SessionRow:
    seats = tuple(
        Seat(user_id=p["userId"], role=p["role"], joined_at=p.get("joinedAt"))
        for p in doc.get("participants") or ()
    )
    duration, score = doc.get("durationMs"), doc.get(SCORE_FIELD)
    return SessionRow(
        id=doc["_id"],
        room_id=doc["roomId"],
        mode=doc["mode"],
        status=doc["status"],
        problem_id=doc.get("problemId"),
        language=doc.get("language"),
        started_at=doc["startedAt"],
        finished_at=doc.get("finishedAt"),
        duration_ms=None if duration is None else int(duration),
        participant_ids=tuple(doc.get("participantIds") or ()),
        seats=seats,
        deleted_for=frozenset(doc.get("deletedFor") or ()),
        score=None if score is None else float(score),
    )


@dataclass(frozen=True)
class HistoryFilter:
    status: str | None = None
    mode: str | None = None
    language: str | None = None
    problem_id: str | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None

    def query(self, user_id: str) -> Document:
        query: Document = {"participantIds": user_id, "deletedFor": {"$ne": user_id}}
        for field, value in (
            ("status", self.status),
            ("mode", self.mode),
            ("language", self.language),
            ("problemId", self.problem_id),
        ):
            if value is not None:
                query[field] = value
        started: Document = {}
        if self.started_from is not None:
            started["$gte"] = self.started_from
        if self.started_to is not None:
            started["$lte"] = self.started_to
        if started:
            query["startedAt"] = started
        return query


@dataclass(frozen=True)
class Position:
    """After the row with this sort value (None: in the trailing block of null values) and id."""

    value: float | None
    id: str


@dataclass(frozen=True)
class Activity:
    runs: int = 0
    submissions: int = 0
    solved: bool = False


@dataclass(frozen=True)
class Job:
    """A run or submission as the history shows it (no code, no output, no test data)."""

    id: str
    user_id: str
    language: str
    status: str
    verdict: str | None
    passed: int | None
    total: int | None
    created_at: datetime


def job_of(doc: Document) -> Job:
    result = doc.get("result") or {}
    return Job(
        id=doc["_id"],
        user_id=doc["userId"],
        language=doc["language"],
        status=doc["status"],
        verdict=result.get("verdict"),
        passed=result.get("passed"),
        total=result.get("total"),
        created_at=doc["createdAt"],
    )


def _db_value(sort: SessionSort, value: float) -> Any:
    if sort in (SessionSort.DURATION, SessionSort.OVERALL_SCORE):
        return value
    return from_epoch_ms(int(value))


def _score_stages(user_id: str) -> list[Document]:
    """Adds `SCORE_FIELD`: `user_id`'s completed report score of each session, or null."""
    mine = {"$expr": {"$eq": ["$sessionId", "$$sid"]}, "userId": user_id, "status": REPORT_COMPLETED}
    lookup = {
        "from": REPORTS,
        "let": {"sid": "$_id"},
        "pipeline": [{"$match": mine}, {"$project": {"_id": 0, "overallScore": 1}}, {"$limit": 1}],
        "as": "_reports",
    }
    scores = {"$map": {"input": "$_reports", "in": "$$this.overallScore"}}  # not "$_reports.overallScore":
    score = {"$ifNull": [{"$arrayElemAt": [scores, 0]}, None]}  # SecantusDB does not traverse arrays there
    return [{"$lookup": lookup}, {"$addFields": {SCORE_FIELD: score}}, {"$project": {"_reports": 0}}]


class SessionHistory:
    def __init__(self, mongo: Mongo) -> None:
        db = mongo.db
        self._sessions = db["sessions"]
        self._rooms = db["rooms"]
        self._runs = db["runs"]
        self._submissions = db["submissions"]
        self._snapshots = db["code_snapshots"]

    async def get(self, session_id: str) -> SessionRow | None:
        doc = await self._sessions.find_one({"_id": session_id})
        return session_row(doc) if doc else None

    async def page(
        self,
        user_id: str,
        where: HistoryFilter,
        sort: SessionSort,
        order: SortOrder,
        limit: int,
        after: Position | None = None,
    ) -> list[SessionRow]:
        """Up to `limit + 1` rows after `after`: the non-null sort values first, then the nulls by id."""
        field, way = SORT_FIELDS[sort], DESCENDING if order is SortOrder.DESC else ASCENDING
        op = "$lt" if way == DESCENDING else "$gt"
        base = where.query(user_id)
        joins = _score_stages(user_id) if sort is SessionSort.OVERALL_SCORE else []
        docs: list[Document] = []
        if after is None or after.value is not None:
            clauses = [base, {field: {"$ne": None}}]
            if after is not None and after.value is not None:
                value = _db_value(sort, after.value)
                clauses.append({"$or": [{field: {op: value}}, {field: value, "_id": {op: after.id}}]})
            docs = await self._find(base, joins, {"$and": clauses}, {field: way, "_id": way}, limit + 1)
        if len(docs) <= limit and sort in NULLABLE_SORTS:
            clauses = [base, {field: None}]
            if after is not None and after.value is None:
                clauses.append({"_id": {op: after.id}})
            docs += await self._find(base, joins, {"$and": clauses}, {"_id": way}, limit + 1 - len(docs))
        return [session_row(d) for d in docs]

    async def _find(
        self, base: Document, joins: list[Document], query: Document, sort: Document, limit: int
    ) -> list[Document]:
        """The sessions matching `query` once `joins` added their fields, in `sort` order."""
        if not joins:
            return [d async for d in self._sessions.find(query).sort(list(sort.items())).limit(limit)]
        stages = [{"$match": base}, *joins, {"$match": query}, {"$sort": sort}, {"$limit": limit}]
        return [d async for d in await self._sessions.aggregate(stages)]

    async def activity(self, rows: list[SessionRow], user_id: str) -> dict[str, Activity]:
        """Runs, submissions and whether `user_id` had an accepted submission, per session (one
        aggregate per collection for the whole page)."""
        if not rows:
            return {}
        runs = await self._counts(self._runs, rows, user_id)
        submissions = await self._counts(self._submissions, rows, user_id)
        by_room = {r.room_id: r.id for r in rows}
        return {
            session_id: Activity(
                runs=runs.get(room_id, (0, False))[0],
                submissions=submissions.get(room_id, (0, False))[0],
                solved=submissions.get(room_id, (0, False))[1],
            )
            for room_id, session_id in by_room.items()
        }

    async def _counts(
        self, collection: Any, rows: list[SessionRow], user_id: str
    ) -> dict[str, tuple[int, bool]]:
        accepted = {"$and": [{"$eq": ["$userId", user_id]}, {"$eq": ["$result.verdict", "accepted"]}]}
        pipeline: list[Document] = [
            {"$match": {"$or": [r.window() for r in rows]}},
            {
                "$group": {
                    "_id": "$roomId",
                    "count": {"$sum": 1},
                    "solved": {"$max": {"$cond": [accepted, 1, 0]}},
                }
            },
        ]
        return {
            d["_id"]: (int(d["count"]), bool(d["solved"])) async for d in await collection.aggregate(pipeline)
        }

    async def rooms(self, room_ids: list[str]) -> dict[str, Document]:
        """Name, host and participants of the sessions' rooms."""
        fields = {"name": 1, "hostId": 1, "participants": 1}
        return {d["_id"]: d async for d in self._rooms.find({"_id": {"$in": room_ids}}, fields)}

    async def jobs(self, kind: str, row: SessionRow, limit: int) -> list[Job]:
        """The session's newest finished (completed or failed) runs (`kind` "run") or submissions,
        newest first."""
        collection = self._runs if kind == "run" else self._submissions
        query = row.window() | {"status": {"$in": list(TERMINAL_JOBS)}}
        cursor = collection.find(query, JOB_FIELDS).sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
        return [job_of(d) async for d in cursor.limit(limit)]

    async def latest_snapshot(self, session_id: str) -> Document | None:
        return await self._snapshots.find_one(
            {"sessionId": session_id}, sort=[("createdAt", DESCENDING), ("_id", DESCENDING)]
        )

    async def hide_for(self, session_id: str, user_id: str) -> None:
        """Soft delete: the session leaves `user_id`'s history only (idempotent)."""
        await self._sessions.update_one({"_id": session_id}, {"$addToSet": {"deletedFor": user_id}})
