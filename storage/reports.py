"""Training reports (collection `reports`) and the facts they are built from.

One row per (sessionId, userId) (unique index): `pending` with a `requestedAt` token and a lease
(`leaseUntil`; `worker.pid` once a task claimed it) when queued, then `completed` (overallScore, report,
generatedAt, and the page's finalCode and problemTitle) or `failed` (error). A result is written only
while the row is still `pending` with the same token (compare-and-set), so a superseded or repeated
generation changes nothing. `load_input` gathers one candidate's session as
`engine.scoring.model.SessionInput`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from pymongo import DESCENDING
from pymongo.errors import DuplicateKeyError

from engine.scoring.model import (
    Attempt,
    CaseOutcome,
    Message,
    PeerRating,
    SessionInput,
    Snapshot,
    StaticFacts,
)
from engine.scoring.weakness import Signal
from storage.client import Document, Mongo
from storage.feedback import FeedbackRepository
from storage.problems import ProblemRepository
from storage.sessions import REPORTS

PENDING: Final = "pending"
COMPLETED: Final = "completed"
FAILED: Final = "failed"
LARGE_INPUT_MIN_CHARS: Final = 1000
"""A test case is large when its input has at least this many characters and at least half the longest."""
HISTORY_MAX: Final = 10
LEASE: Final = timedelta(seconds=120)
"""How long a queued or claimed generation may take before a sweep queues it again (its worker is taken
for dead): a queue wait plus the model path's worst case (timeout times attempts) fits in it."""
ATTEMPTS_MAX: Final = 200
MESSAGES_MAX: Final = 400


@dataclass(frozen=True)
class PendingReport:
    session_id: str
    user_id: str
    room_id: str
    requested_at: datetime

    def job(self) -> dict[str, Any]:
        return {
            "sessionId": self.session_id,
            "userId": self.user_id,
            "roomId": self.room_id,
            "requestedAt": self.requested_at.isoformat(),
        }


@dataclass(frozen=True)
class PageFacts:
    code: str
    problem: str | None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _moment(value: Any) -> datetime:
    """Chat stores epoch ms; everything else aware datetimes."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return _aware(value)


class ReportStore:
    def __init__(self, mongo: Mongo) -> None:
        self._mongo = mongo
        self._reports = mongo.db[REPORTS]

    async def queue(self, session_id: str, user_id: str, room_id: str, now: datetime) -> PendingReport | None:
        """Insert the pending row with its queue lease; None when the row already exists (idempotent)."""
        row = {"sessionId": session_id, "userId": user_id, "roomId": room_id, "status": PENDING}
        lease = {"requestedAt": now, "leaseUntil": now + LEASE, "worker": None}
        try:
            await self._reports.insert_one(row | lease | {"_id": f"{session_id}:{user_id}"})
        except DuplicateKeyError:
            return None
        return PendingReport(session_id, user_id, room_id, now)

    async def claim(self, job: PendingReport, pid: int, now: datetime) -> bool:
        """The task starts: record its worker and renew the lease, unless the row moved on. The lease
        never ends before the one the queue gave (`requestedAt + LEASE`, the gateway's clock): a worker
        whose clock is behind would otherwise claim an already expired lease, and every read of the
        pending report would queue it again, superseding the task before it could finish."""
        lease_until = max(now, job.requested_at) + LEASE
        fields = {"worker": {"pid": pid, "claimedAt": now}, "leaseUntil": lease_until}
        return await self._cas(job, fields)

    async def stale(self, now: datetime, limit: int = 50) -> list[PendingReport]:
        """Re-token `pending` rows whose lease ran out before `now` (the worker died, or the task was
        lost) with a fresh lease, and return them. Rows without a lease count from `requestedAt`."""
        found: list[PendingReport] = []
        expired = {
            "$or": [{"leaseUntil": {"$lt": now}}, {"leaseUntil": None, "requestedAt": {"$lt": now - LEASE}}]
        }
        async for doc in self._reports.find({"status": PENDING} | expired).limit(limit):
            moved = await self._reports.update_one(
                {"_id": doc["_id"], "requestedAt": doc["requestedAt"]},
                {"$set": {"requestedAt": now, "leaseUntil": now + LEASE, "worker": None}},
            )
            if moved.modified_count:
                found.append(PendingReport(doc["sessionId"], doc["userId"], doc.get("roomId", ""), now))
        return found

    async def complete(
        self, job: PendingReport, report: dict[str, Any], now: datetime, page: PageFacts | None = None
    ) -> bool:
        """Store the result unless the row moved on (another token or state); whether it was stored.
        `page`: the final code the rubric scored and the problem's title (what the HTML page shows)."""
        done = {
            "status": COMPLETED,
            "overallScore": report["overallScore"],
            "report": report,
            "generatedAt": now,
        }
        if page is not None:
            done |= {"finalCode": page.code, "problemTitle": page.problem}
        return await self._cas(job, done | {"error": None, "worker": None})

    async def page_facts(self, session_id: str, user_id: str) -> PageFacts:
        """The code and title stored with a completed report (rebuilt from the session for rows stored
        before they were kept)."""
        doc = await self._reports.find_one(
            {"sessionId": session_id, "userId": user_id}, {"finalCode": 1, "problemTitle": 1}
        )
        if doc is not None and isinstance(doc.get("finalCode"), str):
            return PageFacts(doc["finalCode"], doc.get("problemTitle"))
        session = await self.load_input(session_id, user_id)
        return PageFacts(session.final_code, session.problem_title) if session else PageFacts("", None)

    async def fail(self, job: PendingReport, error: str) -> bool:
        return await self._cas(job, {"status": FAILED, "error": error[:500]})

    async def _cas(self, job: PendingReport, fields: Document) -> bool:
        query = {"sessionId": job.session_id, "userId": job.user_id, "status": PENDING}
        result = await self._reports.update_one(query | {"requestedAt": job.requested_at}, {"$set": fields})
        return bool(result.modified_count)

    async def history(self, user_id: str, session_id: str) -> list[Document]:
        """The user's other completed reports, newest first (at most 10): overallScore and the report."""
        query = {"userId": user_id, "status": COMPLETED, "sessionId": {"$ne": session_id}}
        cursor = self._reports.find(query, {"overallScore": 1, "report.categoryScores": 1, "sessionId": 1})
        return [d async for d in cursor.sort("generatedAt", DESCENDING).limit(HISTORY_MAX)]

    async def load_input(self, session_id: str, user_id: str) -> SessionInput | None:
        """The candidate's session as the rubric reads it; None when the session is not finished."""
        db = self._mongo.db
        session = await db["sessions"].find_one({"_id": session_id})
        if session is None or session.get("finishedAt") is None:
            return None
        window = {
            "roomId": session["roomId"],
            "createdAt": {"$gte": session["startedAt"], "$lte": session["finishedAt"]},
        }
        problem = (
            await ProblemRepository(self._mongo).get(session["problemId"])
            if session.get("problemId")
            else None
        )
        large = await self._large_cases(session.get("problemId"))
        attempts = await self._attempts(window | {"userId": user_id}, large)
        prior = await self.history(user_id, session_id)
        return SessionInput(
            session_id=session_id,
            user_id=user_id,
            problem_title=problem.title if problem else None,
            optimal_time=problem.optimal_time if problem else None,
            started_at=_aware(session["startedAt"]),
            finished_at=_aware(session["finishedAt"]),
            final_code=await self._final_code(session_id, attempts),
            attempts=tuple(a for a, _ in attempts),
            snapshots=await self._snapshots(session_id),
            messages=await self._messages(session, user_id),
            peer=await self._peer(session_id, user_id),
            static=await self._static([a.id for a, _ in attempts]),
            prior_scores=tuple(float(d["overallScore"]) for d in prior if d.get("overallScore") is not None),
        )

    async def _large_cases(self, problem_id: str | None) -> frozenset[int]:
        if not problem_id:
            return frozenset()
        cases = await ProblemRepository(self._mongo).tests(problem_id, include_hidden=True)
        longest = max((len(c.input) for c in cases), default=0)
        bound = max(LARGE_INPUT_MIN_CHARS, longest / 2)
        return frozenset(i for i, c in enumerate(cases) if len(c.input) >= bound)

    async def _attempts(self, query: Document, large: frozenset[int]) -> list[tuple[Attempt, str]]:
        found: list[tuple[Attempt, str]] = []
        for kind, name in (("run", "runs"), ("submission", "submissions")):
            cursor = self._mongo.db[name].find(query | {"status": {"$in": [COMPLETED, FAILED]}})
            found += [
                (_attempt(kind, d, large), str(d.get("code") or "")) async for d in cursor.limit(ATTEMPTS_MAX)
            ]
        return sorted(found, key=lambda pair: (pair[0].at, pair[0].id))

    async def _final_code(self, session_id: str, attempts: list[tuple[Attempt, str]]) -> str:
        """The `session_end` snapshot unless blank, else the last attempt's code, else the latest snapshot."""
        snapshots = self._mongo.db["code_snapshots"]
        order = [("createdAt", DESCENDING), ("_id", DESCENDING)]
        doc = await snapshots.find_one({"sessionId": session_id, "trigger": "session_end"}, sort=order)
        if doc is not None and str(doc.get("code") or "").strip():
            return str(doc["code"])
        if attempts and attempts[-1][1].strip():
            return attempts[-1][1]
        doc = await snapshots.find_one({"sessionId": session_id}, sort=order)
        return str(doc.get("code") or "") if doc else ""

    async def _snapshots(self, session_id: str) -> tuple[Snapshot, ...]:
        cursor = (
            self._mongo.db["code_snapshots"].find({"sessionId": session_id}, {"code": 0}).sort("createdAt", 1)
        )
        return tuple(
            [
                Snapshot(d["_id"], _aware(d["createdAt"]), d["trigger"], int(d.get("linesOfCode") or 0))
                async for d in cursor
            ]
        )

    async def _messages(self, session: Document, user_id: str) -> tuple[Message, ...]:
        start, end = session["startedAt"], session["finishedAt"]
        chat_window = {"$gte": int(start.timestamp() * 1000), "$lte": int(end.timestamp() * 1000)}
        chat = self._mongo.db["chat_messages"].find(
            {"roomId": session["roomId"], "userId": user_id, "createdAt": chat_window}
        )
        found = [
            Message(
                str(d["_id"]), _moment(d["createdAt"]), "chat", str(d.get("content") or d.get("text") or "")
            )
            async for d in chat.limit(MESSAGES_MAX)
        ]
        ai = self._mongo.db["ai_messages"].find(
            {"sessionId": session["_id"], "userId": user_id, "role": "user"}
        )
        found += [
            Message(d["_id"], _aware(d["createdAt"]), "ai", str(d.get("content") or ""))
            async for d in ai.limit(MESSAGES_MAX)
        ]
        return tuple(sorted(found, key=lambda m: (m.at, m.id)))

    async def _peer(self, session_id: str, user_id: str) -> tuple[PeerRating, ...]:
        rows = await FeedbackRepository(self._mongo).for_session(session_id)
        return tuple(
            PeerRating(
                overall=f.ratings.overall if f.ratings else None,
                communication=f.ratings.communication if f.ratings else None,
                problem_solving=f.ratings.problem_solving if f.ratings else None,
                would_pair_again=f.would_pair_again,
                text=f.text or "",
            )
            for f in rows
            if f.candidate_id == user_id and f.status.value == "submitted"
        )

    async def _static(self, attempt_ids: list[str]) -> tuple[StaticFacts, ...]:
        if not attempt_ids:
            return ()
        query = {
            "$or": [{"runId": {"$in": attempt_ids}}, {"submissionId": {"$in": attempt_ids}}],
            "status": COMPLETED,
        }
        cursor = self._mongo.db["static_analyses"].find(query).sort("createdAt", 1)
        return tuple([_static(d) async for d in cursor.limit(ATTEMPTS_MAX)])


def _case(doc: Document, large: frozenset[int]) -> CaseOutcome:
    index = int(doc.get("index", 0))
    return CaseOutcome(
        index=index,
        passed=doc.get("passed"),
        timed_out=bool(doc.get("timedOut")),
        verdict=str(doc.get("verdict") or ""),
        hidden=bool(doc.get("isHidden")),
        large=index in large,
        error=doc.get("error"),
    )


def _attempt(kind: str, doc: Document, large: frozenset[int]) -> Attempt:
    result = doc.get("result") or {}
    return Attempt(
        id=doc["_id"],
        kind=kind,
        at=_aware(doc["createdAt"]),
        verdict=result.get("verdict"),
        passed=int(result.get("passed") or 0),
        total=int(result.get("total") or 0),
        cases=tuple(_case(c, large) for c in result.get("cases") or ()),
    )


def _static(doc: Document) -> StaticFacts:
    report = doc.get("report") or {}
    summary, diagnostics = report.get("summary") or {}, report.get("diagnostics") or []
    first = next(((int(d["line"]), str(d.get("message") or "")) for d in diagnostics if d.get("line")), None)
    payload = {
        "source": doc.get("source"),
        "runId": doc.get("runId"),
        "submissionId": doc.get("submissionId"),
        "language": doc.get("language"),
        "createdAt": doc.get("createdAt"),
        "completedAt": doc.get("completedAt"),
        "summary": summary,
        "diagnostics": diagnostics[:50],
        "complexity": (report.get("complexity") or [])[:50],
        "duplications": (report.get("duplications") or [])[:20],
    }
    return StaticFacts(
        errors=int(summary.get("errorCount") or 0),
        warnings=int(summary.get("warningCount") or 0),
        max_complexity=summary.get("maxCyclomaticComplexity"),
        high_complexity=int(summary.get("highComplexityCount") or 0),
        duplications=int(summary.get("duplicationCount") or 0),
        naming=sum("nam" in str(d.get("message", "")).lower() for d in diagnostics),
        input_checks=sum("input" in str(d.get("message", "")).lower() for d in diagnostics),
        first_finding=first,
        payload=payload,
    )


WEAKNESSES: Final = "weaknesses"
WEAKNESS_IDS: Final = uuid.UUID("6f1d7a52-3c55-4c8e-9a51-0b8f3c1e2d47")


def weakness_id(user_id: str, category: str) -> str:
    return str(uuid.uuid5(WEAKNESS_IDS, f"{user_id}:{category}"))


class WeaknessStore:
    """One document per (user, category) with its linked sessions (`sessions[]`, one per report)."""

    def __init__(self, mongo: Mongo) -> None:
        self._weaknesses = mongo.db[WEAKNESSES]

    async def record(
        self, user_id: str, session_id: str, problem: str | None, signals: list[Signal], at: datetime
    ) -> None:
        """Replace this session's links with `signals` (idempotent); drop weaknesses left unlinked."""
        await self._weaknesses.update_many(
            {"userId": user_id}, {"$pull": {"sessions": {"sessionId": session_id}}}
        )
        for s in signals:
            link = {"sessionId": session_id, "problemName": problem, "reportedAt": at, "score": s.score}
            fields = {
                "userId": user_id,
                "category": s.category.value,
                "description": s.description,
                "trend": s.trend,
            }
            await self._weaknesses.update_one(
                {"_id": weakness_id(user_id, s.category.value)},
                {"$set": fields | {"lastSeenAt": at}, "$push": {"sessions": link}},
                upsert=True,
            )
        empty = [d["_id"] async for d in self._weaknesses.find({"userId": user_id}) if not d.get("sessions")]
        if empty:
            await self._weaknesses.delete_many({"_id": {"$in": empty}})

    async def visible(self, user_id: str, session_ids: set[str]) -> list[Document]:
        """The reference's `UserWeakness` rows over the sessions the user still sees, most frequent first."""
        rows: list[Document] = []
        async for doc in self._weaknesses.find({"userId": user_id, "sessions": {"$exists": True}}):
            links = [s for s in doc.get("sessions") or () if s.get("sessionId") in session_ids]
            if not links:
                continue
            links.sort(key=lambda s: _aware(s["reportedAt"]), reverse=True)
            rows.append(
                {
                    "id": doc["_id"],
                    "category": doc["category"],
                    "description": doc.get("description") or "",
                    "frequency": len(links),
                    "trend": doc.get("trend") or "stable",
                    "lastSeenAt": _aware(links[0]["reportedAt"]),
                    "sessions": links,
                }
            )
        return sorted(rows, key=lambda r: (-r["frequency"], -r["lastSeenAt"].timestamp(), r["category"]))
