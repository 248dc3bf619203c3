"""The AI interviewer in MongoDB: `ai_jobs` (one per hint, interview turn, analysis or review),
`ai_messages` (the conversation, in the interviewer's order) and `ai_interviews` (each room's
interviewer state, so a restarted actor resumes).

Invariants: writes are idempotent — a job is created once and finished once (compare-and-set on its
open status), a message with a given id is stored once — so an actor that crashed and re-runs a job
never duplicates a turn. Messages of a room are ordered by `seq` (unique per room). Times are aware UTC.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from engine.interview.model import (
    AnalysisFacts,
    ExecutionFacts,
    FailingCase,
    Finding,
    FunctionFacts,
    HintLevel,
    Stage,
    Topic,
)
from engine.interview.state import HintRecord, Interview
from storage.client import Document, Mongo

OPEN_STATUSES = ("pending", "running")


@dataclass(frozen=True)
class AiJob:
    id: str
    kind: str
    room_id: str
    user_id: str
    session_id: str | None
    status: str
    request: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class AiMessage:
    id: str
    room_id: str
    session_id: str | None
    user_id: str | None
    role: str
    content: str
    kind: str
    seq: int
    created_at: datetime
    job_id: str | None = None
    follow_up_type: str | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    usage: dict[str, Any] | None = None


def _job(d: Document) -> AiJob:
    return AiJob(
        id=d["_id"],
        kind=d["kind"],
        room_id=d["roomId"],
        user_id=d["userId"],
        session_id=d.get("sessionId"),
        status=d["status"],
        request=d.get("request") or {},
        result=d.get("result"),
        error=d.get("error"),
        created_at=d["createdAt"],
        completed_at=d.get("completedAt"),
    )


def job_document(job: AiJob) -> Document:
    return {
        "_id": job.id,
        "kind": job.kind,
        "roomId": job.room_id,
        "userId": job.user_id,
        "sessionId": job.session_id,
        "status": job.status,
        "request": job.request,
        "result": job.result,
        "error": job.error,
        "createdAt": job.created_at,
        "completedAt": job.completed_at,
    }


def _message(d: Document) -> AiMessage:
    return AiMessage(
        id=d["_id"],
        room_id=d["roomId"],
        session_id=d.get("sessionId"),
        user_id=d.get("userId"),
        role=d["role"],
        content=d["content"],
        kind=d.get("kind", "chat"),
        seq=int(d["seq"]),
        created_at=d["createdAt"],
        job_id=d.get("jobId"),
        follow_up_type=d.get("followUpType"),
        extra=d.get("extra") or {},
        usage=d.get("usage"),
    )


def message_document(m: AiMessage) -> Document:
    return {
        "_id": m.id,
        "roomId": m.room_id,
        "sessionId": m.session_id,
        "userId": m.user_id,
        "role": m.role,
        "content": m.content,
        "kind": m.kind,
        "seq": m.seq,
        "createdAt": m.created_at,
        "jobId": m.job_id,
        "followUpType": m.follow_up_type,
        "extra": m.extra,
        "usage": m.usage,
    }


class AiRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._jobs = mongo.db["ai_jobs"]
        self._messages = mongo.db["ai_messages"]
        self._states = mongo.db["ai_interviews"]
        self._submissions = mongo.db["submissions"]

    # --- jobs ---------------------------------------------------------------------------------------
    async def create_job(self, job: AiJob) -> bool:
        """Store a new job; False when a job with this id exists already (a retried request)."""
        try:
            await self._jobs.insert_one(job_document(job))
        except DuplicateKeyError:
            return False
        return True

    async def start_job(self, job_id: str, now: datetime) -> None:
        await self._jobs.update_one(
            {"_id": job_id, "status": "pending"}, {"$set": {"status": "running", "startedAt": now}}
        )

    async def finish_job(
        self,
        job_id: str,
        status: str,
        result: dict[str, Any] | None,
        error: dict[str, Any] | None,
        now: datetime,
    ) -> bool:
        """Close an open job once; False when it was already closed."""
        outcome = await self._jobs.update_one(
            {"_id": job_id, "status": {"$in": list(OPEN_STATUSES)}},
            {"$set": {"status": status, "result": result, "error": error, "completedAt": now}},
        )
        return outcome.modified_count == 1

    async def get_job(self, job_id: str) -> AiJob | None:
        doc = await self._jobs.find_one({"_id": job_id})
        return _job(doc) if doc else None

    async def open_jobs(self, room_id: str) -> list[AiJob]:
        cursor = self._jobs.find({"roomId": room_id, "status": {"$in": list(OPEN_STATUSES)}}).sort(
            "createdAt", ASCENDING
        )
        return [_job(d) async for d in cursor.limit(256)]

    async def latest_result(self, room_id: str, user_id: str, kind: str) -> AiJob | None:
        doc = await self._jobs.find_one(
            {"roomId": room_id, "userId": user_id, "kind": kind, "status": "ready"},
            sort=[("completedAt", DESCENDING)],
        )
        return _job(doc) if doc else None

    # --- messages -----------------------------------------------------------------------------------
    async def add_message(self, message: AiMessage) -> None:
        """Store a turn once (a re-run job's turn has the same id and is ignored)."""
        await self._messages.update_one(
            {"_id": message.id}, {"$setOnInsert": message_document(message)}, upsert=True
        )

    async def get_message(self, message_id: str) -> AiMessage | None:
        doc = await self._messages.find_one({"_id": message_id})
        return _message(doc) if doc else None

    async def page(
        self, room_id: str, after_seq: int | None, limit: int, user_id: str | None = None
    ) -> list[AiMessage]:
        query: Document = {"roomId": room_id}
        if after_seq is not None:
            query["seq"] = {"$gt": after_seq}
        if user_id is not None:
            query["$or"] = [{"userId": user_id}, {"userId": None}]
        cursor = self._messages.find(query).sort("seq", ASCENDING).limit(limit + 1)
        return [_message(d) async for d in cursor]

    async def recent(self, room_id: str, count: int) -> list[AiMessage]:
        cursor = self._messages.find({"roomId": room_id}).sort("seq", DESCENDING).limit(count)
        return list(reversed([_message(d) async for d in cursor]))

    async def last_seq(self, room_id: str) -> int:
        doc = await self._messages.find_one({"roomId": room_id}, {"seq": 1}, sort=[("seq", DESCENDING)])
        return int(doc["seq"]) if doc else 0

    async def count_failed_submissions(self, room_id: str, user_id: str) -> int:
        """Judged submissions of the user in the room that were not accepted (for the review rubric)."""
        query = {
            "roomId": room_id,
            "userId": user_id,
            "status": "completed",
            "result.verdict": {"$ne": "accepted"},
        }
        return await self._submissions.count_documents(query)

    async def count_candidate_messages(self, room_id: str, user_id: str) -> int:
        return await self._messages.count_documents({"roomId": room_id, "userId": user_id, "role": "user"})

    # --- interviewer state ----------------------------------------------------------------------------
    async def save_state(self, state: Interview, cursor: int, now: datetime) -> None:
        doc = {"state": interview_document(state), "cursor": cursor, "updatedAt": now}
        await self._states.update_one({"_id": state.room_id}, {"$set": doc}, upsert=True)

    async def load_state(self, room_id: str) -> tuple[Interview, int] | None:
        doc = await self._states.find_one({"_id": room_id})
        if doc is None:
            return None
        return interview_from_document(room_id, doc["state"]), int(doc.get("cursor", 0))

    async def delete_room(self, room_id: str) -> None:
        await self._jobs.delete_many({"roomId": room_id})
        await self._messages.delete_many({"roomId": room_id})
        await self._states.delete_one({"_id": room_id})


def _facts_document(facts: ExecutionFacts | AnalysisFacts | None) -> Document | None:
    return dataclasses.asdict(facts) if facts is not None else None


def _execution(d: Document | None) -> ExecutionFacts | None:
    if d is None:
        return None
    failing = FailingCase(**d["failing"]) if d.get("failing") else None
    return ExecutionFacts(**{**d, "failing": failing})


def _analysis(d: Document | None) -> AnalysisFacts | None:
    if d is None:
        return None
    return AnalysisFacts(
        job_id=d["job_id"],
        findings=tuple(Finding(**f) for f in d.get("findings", ())),
        functions=tuple(FunctionFacts(**f) for f in d.get("functions", ())),
        duplicated_lines=tuple(d.get("duplicated_lines", ())),
    )


def interview_document(state: Interview) -> Document:
    """The persisted part of the state (turns are re-read from `ai_messages`)."""
    return {
        "stage": state.stage.value,
        "roomStatus": state.room_status,
        "topics": sorted(t.value for t in state.topics),
        "hints": [
            {"hintId": h.hint_id, "userId": h.user_id, "level": h.level.value, "text": h.text, "at": h.at}
            for h in state.hints
        ],
        "execution": _facts_document(state.execution),
        "analysis": _facts_document(state.analysis),
        "discussedFailures": sorted(state.discussed_failures),
        "lastActivity": state.last_activity,
        "lastNudge": state.last_nudge,
        "windows": {k: list(v) for k, v in state.windows.items()},
    }


def interview_from_document(room_id: str, d: Document) -> Interview:
    return Interview(
        room_id=room_id,
        stage=Stage(d.get("stage", Stage.CLARIFY.value)),
        room_status=d.get("roomStatus", "waiting"),
        topics=frozenset(Topic(t) for t in d.get("topics", ())),
        hints=tuple(
            HintRecord(h["hintId"], h["userId"], HintLevel(h["level"]), h["text"], h["at"])
            for h in d.get("hints", ())
        ),
        execution=_execution(d.get("execution")),
        analysis=_analysis(d.get("analysis")),
        discussed_failures=frozenset(d.get("discussedFailures", ())),
        last_activity=d.get("lastActivity"),
        last_nudge=d.get("lastNudge"),
        windows={k: tuple(v) for k, v in (d.get("windows") or {}).items()},
    )
