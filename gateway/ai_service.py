"""AI use cases at the gateway: admit a request (room checks, the daily AI quota) and hand it to the
room's interviewer actor; read a job's poll state, the message history and the room's weaknesses from
MongoDB (polls never need the actor, so they answer while it restarts).

Invariant: a request the interviewer refuses (rate window, unknown follow-up, busy) gives its quota unit
back; a job still open `JOB_STALE_S` after it was created reads as failed, so no poll waits forever.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from actors.interviewer_client import InterviewerClient
from actors.llm.port import AiRuntime, describe
from actors.llm.requests import Accepted, InterviewerRuntime, JobRequest
from engine.errors import DomainError, ErrorCode, InvalidInput, NotFound
from engine.identity import User
from engine.interview.access import authorize, effective_language
from engine.interview.weakness import Evidence, weaknesses
from engine.pagination import decode_cursor, encode_cursor
from engine.room.state import Room
from gateway.quotas import QuotaKind, consume
from gateway.room_deps import require_viewer
from gateway.room_service import RoomService
from gateway.services import Services
from gateway.settings import Config
from storage.ai import AiJob, AiMessage, AiRepository
from storage.analyses import AnalysisRepository
from storage.executions import ExecutionRepository

JOB_STALE_S = 180
JOB_WAKE_S = 3
"""A job open this long makes a poll wake the interviewer: a restarted actor reloads and re-runs its
open jobs when it is first called."""
JOB_NAMES = {"interview": "Interview", "hint": "Hint", "analysis": "Code analysis", "review": "Review"}
WEAKNESS_IDS = uuid.UUID("3f0e9a44-8c2d-4b71-a6f5-1d2e3c4b5a69")
EVIDENCE_ROWS = 100


def _seq_of(cursor: str) -> int:
    value = decode_cursor(cursor).value
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Invalid cursor", {"cursor": "Invalid cursor"})
    return value


def interviewer_runtime(config: Config) -> InterviewerRuntime:
    """The settings an interviewer actor is spawned with (read once here, at the edge)."""
    s = config.settings
    key = s.anthropic_api_key.get_secret_value() if s.anthropic_api_key else None
    ai = AiRuntime(
        api_key=key,
        model=s.ai_model,
        base_url=s.anthropic_base_url,
        timeout_s=s.ai_timeout_s,
        max_retries=s.ai_max_retries,
        max_tokens=s.ai_max_tokens,
    )
    return InterviewerRuntime(
        mongo_uri=config.mongodb_uri,
        database=s.mongodb_database,
        ai=ai,
        ai_daily_limit=s.ai_daily_limit,
        silence_s=s.ai_silence_s,
    )


@dataclass
class AiService:
    services: Services
    rooms: RoomService
    client: InterviewerClient

    def health(self) -> dict[str, Any]:
        """The provider as configured (`/api/health`; no network call)."""
        return describe(self.client.runtime.ai)

    @property
    def repo(self) -> AiRepository:
        return AiRepository(self.services.mongo)

    async def request(
        self, room_id: str, user: User, kind: str, payload: dict[str, Any], language: str | None
    ) -> Accepted:
        room = await self.rooms.state(room_id)
        authorize(room, user.id, kind)
        problem = await self.services.problems.get(room.problem_id) if room.problem_id else None
        if problem is None:
            raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "No problem selected for this room")
        job = JobRequest(
            job_id=str(uuid.uuid4()),
            kind=kind,
            user_id=user.id,
            session_id=room.session_id,
            problem_id=problem.id,
            language=effective_language(room, language),
            now=self.services.now(),
            payload=payload,
        )
        await consume(self.services, user.id, QuotaKind.AI)
        try:
            return await self.client.request(room.id, job)
        except DomainError:
            await self.services.usage.increment(user.id, QuotaKind.AI.value, job.now, amount=-1)
            raise

    async def job(self, room_id: str, user: User, kind: str, job_id: str) -> AiJob:
        """The caller's job of this kind in this room, with a stale open job read as failed."""
        room = await self.rooms.state(room_id)
        require_viewer(room, user.id, user.is_admin)
        found = await self.repo.get_job(job_id)
        if found is None or found.room_id != room.id or found.kind != kind or found.user_id != user.id:
            raise NotFound(ErrorCode.VALIDATION_FAILED, f"{JOB_NAMES[kind]} job not found")
        age = self.services.now() - found.created_at
        if found.status in ("pending", "running") and age > timedelta(seconds=JOB_WAKE_S):
            await self._wake(room.id)
        if found.status in ("pending", "running") and age > timedelta(seconds=JOB_STALE_S):
            error = {
                "code": ErrorCode.AI_SERVICE_UNAVAILABLE.value,
                "message": "The job did not finish in time",
            }
            return AiJob(**{**found.__dict__, "status": "failed", "error": error})
        return found

    async def _wake(self, room_id: str) -> None:
        with contextlib.suppress(DomainError):
            await self.client.status(room_id)

    async def history(
        self, room_id: str, user: User, cursor: str | None, limit: int
    ) -> tuple[list[AiMessage], str | None, bool]:
        room = await self.rooms.state(room_id)
        require_viewer(room, user.id, user.is_admin)
        after = _seq_of(cursor) if cursor else None
        rows = await self.repo.page(room.id, after, limit, None if user.is_admin else user.id)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = encode_cursor(page[-1].seq, page[-1].id) if more and page else None
        return page, next_cursor, more

    async def weaknesses(self, room_id: str, user: User) -> list[dict[str, Any]]:
        room = await self.rooms.state(room_id)
        require_viewer(room, user.id, user.is_admin)
        evidence = await self._evidence(room, user.id)
        problem = await self.services.problems.get(room.problem_id) if room.problem_id else None
        now = self.services.now()
        return [
            {
                "id": str(uuid.uuid5(WEAKNESS_IDS, f"{room.id}:{user.id}:{w.category.value}")),
                "category": w.category.value,
                "description": w.description,
                "frequency": w.frequency,
                "trend": "stable",
                "lastSeenAt": now,
                "sessions": [
                    {
                        "sessionId": room.session_id,
                        "problemName": problem.title if problem else None,
                        "reportedAt": now,
                        "score": w.score,
                    }
                ]
                if room.session_id
                else [],
            }
            for w in weaknesses(evidence)
        ]

    async def _evidence(self, room: Room, user_id: str) -> Evidence:
        executions = ExecutionRepository(self.services.mongo)
        rows = [
            d
            for kind in ("run", "submission")
            for d in await executions.page(kind, room.id, EVIDENCE_ROWS, None)
            if d.get("userId") == user_id and d.get("result")
        ]
        analyses = [
            d
            for d in await AnalysisRepository(self.services.mongo).page(room.id, EVIDENCE_ROWS, None)
            if d.get("userId") == user_id and d.get("report")
        ]
        reports = [d["report"] for d in analyses]
        review = await self.repo.latest_result(room.id, user_id, "review")
        scores = (
            {k: int(v["score"]) for k, v in (review.result or {}).get("dimensions", {}).items()}
            if review
            else None
        )
        return Evidence(
            verdicts=tuple(str(d["result"].get("verdict")) for d in rows),
            errors=tuple(str(d["result"].get("error") or d["result"].get("stderr") or "") for d in rows),
            finding_messages=tuple(
                str(x.get("message")) for r in reports for x in r.get("diagnostics") or []
            ),
            complex_functions=sum(
                1
                for r in reports
                for c in r.get("complexity") or []
                if int(c.get("cyclomaticComplexity") or 0) >= 10
            ),
            duplications=sum(len(r.get("duplications") or []) for r in reports),
            review_scores=scores,
            candidate_messages=await self.repo.count_candidate_messages(room.id, user_id),
        )
