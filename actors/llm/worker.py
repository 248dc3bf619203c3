"""The interviewer's worker: runs one unit of work (a job from the gateway or a proactive plan from the
room's events) against the provider, then stores the turns and the job result and tells the room.

Invariant: the state is read and replaced without an await in between (`get`/`put` around each
provider call), so signals that arrive while the provider thinks are never lost; every stored turn has
a deterministic id (a re-run job writes nothing twice) and the next `seq` of the room.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from actors import deploy
from actors.interviewer_client import RoomEvents
from actors.llm import jobs
from actors.llm.port import Provider, Usage
from actors.llm.requests import InterviewerRuntime, JobRequest
from engine.clock import iso_z
from engine.errors import DomainError, ErrorCode
from engine.interview import facts, machine
from engine.interview.code_facts import code_context
from engine.interview.context import Context
from engine.interview.hints import NO_REPLY
from engine.interview.model import AnalysisFacts, ExecutionFacts, HintLevel, ProactiveReason, ProblemBrief
from engine.interview.state import Interview
from engine.room.roles import RoomRole
from engine.room.state import Room
from storage.ai import AiMessage, AiRepository
from storage.analyses import AnalysisRepository
from storage.client import Mongo
from storage.executions import ExecutionRepository
from storage.problems import ProblemRepository
from storage.usage import UsageRepository

Get = Callable[[], Interview]
Put = Callable[[Interview], None]
IDS = uuid.UUID("8d7f3c1e-2b4a-4f6e-9a51-0c3d2e1f4b6a")
NO_USAGE = Usage(provider="none", model="none")


@dataclass(frozen=True)
class Work:
    job: JobRequest | None = None
    plan: machine.Plan | None = None
    user_id: str | None = None


def message_id(*parts: str) -> str:
    return str(uuid.uuid5(IDS, ":".join(parts)))


def message_event(m: AiMessage) -> dict[str, Any]:
    """The `ai-message` socket event: the AiMessage API shape."""
    return {
        "id": m.id,
        "roomId": m.room_id,
        "sessionId": m.session_id,
        "userId": m.user_id,
        "role": m.role,
        "content": m.content,
        "kind": m.kind,
        "jobId": m.job_id,
        "followUpType": m.follow_up_type,
        "createdAt": iso_z(m.created_at),
        **m.extra,
    }


def _now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Worker:
    def __init__(
        self,
        room_id: str,
        runtime: InterviewerRuntime,
        mongo: Mongo,
        store: AiRepository,
        provider: Provider,
        seq: int,
    ) -> None:
        self._room_id = room_id
        self._runtime = runtime
        self._store = store
        self._provider = provider
        self._seq = seq
        self._problems = ProblemRepository(mongo)
        self._executions = ExecutionRepository(mongo)
        self._analyses = AnalysisRepository(mongo)
        self._usage = UsageRepository(mongo)
        self._room = RoomEvents(runtime.mongo_uri, runtime.database, mongo)
        self._briefs: dict[str, ProblemBrief | None] = {}
        self.candidate: str | None = None
        self._problem_id: str | None = None
        self._session_id: str | None = None

    def sync(self, room: Room) -> None:
        """Follow the room: its problem, session and candidate (proactive messages go to them)."""
        holder = room.holder(RoomRole.CANDIDATE)
        self.candidate = holder.user_id if holder else self.candidate or room.host_id
        self._problem_id, self._session_id = room.problem_id, room.session_id

    async def _brief(self, problem_id: str | None) -> ProblemBrief | None:
        if problem_id is None:
            return None
        if problem_id not in self._briefs:
            problem = await self._problems.get(problem_id)
            self._briefs[problem_id] = ProblemBrief.of(problem) if problem else None
        return self._briefs[problem_id]

    async def _context(
        self, state: Interview, job: JobRequest | None, code: str | None, user_id: str
    ) -> Context:
        brief = await self._brief(job.problem_id if job else self._problem_id)
        language = job.language if job else "python"
        if not code:
            room_language, code = await self._room.code(self._room_id)
            language = job.language if job else room_language or "python"
        return Context(brief, state, code, language, user_id)

    # --- storing and telling ---------------------------------------------------------------------------
    async def _say(
        self, role: str, text: str, kind: str, user_id: str, key: str, job: JobRequest | None, **extra: Any
    ) -> AiMessage:
        self._seq += 1
        message = AiMessage(
            id=message_id(self._room_id, key),
            room_id=self._room_id,
            session_id=job.session_id if job else self._session_id,
            user_id=user_id,
            role=role,
            content=text,
            kind=kind,
            seq=self._seq,
            created_at=_now(),
            job_id=job.job_id if job else None,
            follow_up_type=extra.pop("follow_up_type", None),
            extra={k: v for k, v in extra.items() if k != "usage"},
            usage=extra.get("usage"),
        )
        await self._store.add_message(message)
        stored = await self._store.get_message(message.id) or message
        if role == "assistant":
            await deploy.announce(self._room_id, "ai-message", message_event(stored))
        return stored

    async def run(self, work: Work, get: Get, put: Put) -> None:
        if work.job is not None:
            await self._job(work.job, get, put)
        elif work.plan is not None and work.user_id is not None:
            await self._proactive(work.plan, work.user_id, get, put)

    async def _job(self, job: JobRequest, get: Get, put: Put) -> None:
        await self._store.start_job(job.job_id, _now())
        handlers = {
            "interview": self._interview,
            "hint": self._hint,
            "analysis": self._analysis,
            "review": self._review,
        }
        outcome = await handlers[job.kind](job, get, put)
        put(outcome.update(get()))
        result = dict(outcome.result)
        if outcome.text:
            said = await self._say(
                "assistant",
                outcome.text,
                job.kind if job.kind != "interview" else "chat",
                job.user_id,
                f"{job.job_id}:reply",
                job,
                follow_up_type=outcome.follow_up_type,
                usage=outcome.usage.payload(),
            )
            result["messageId"] = said.id
        result["usage"] = outcome.usage.payload()
        await self._store.finish_job(job.job_id, "ready", result, None, _now())

    async def fail(self, work: Work, exc: Exception) -> None:
        if work.job is None:
            return
        code = exc.code.value if isinstance(exc, DomainError) else ErrorCode.AI_SERVICE_UNAVAILABLE.value
        message = exc.message if isinstance(exc, DomainError) else "The AI job timed out"
        await self._store.finish_job(
            work.job.job_id, "failed", None, {"code": code, "message": message}, _now()
        )

    # --- job kinds --------------------------------------------------------------------------------------
    async def _interview(self, job: JobRequest, get: Get, put: Put) -> jobs.Outcome:
        payload, now = job.payload, _now()
        code = str(payload.get("currentCode") or "")
        if payload.get("trigger") == "proactive":
            signals = payload.get("interactionSignals") or {}
            reason = ProactiveReason(signals.get("reason") or ProactiveReason.MANUAL_NUDGE.value)
            state, plan = machine.on_proactive(get(), reason, now)
        else:
            text = str(payload.get("userMessage") or "")
            await self._say("user", text, "chat", job.user_id, f"{job.job_id}:user", job)
            probe = await self._context(get(), job, code, job.user_id)
            state, plan = machine.on_message(get(), text, probe.vocabulary, now)
        put(state)
        if plan is None:
            return jobs.Outcome(lambda s: s, {"shouldRespond": False}, "", NO_USAGE)
        ctx = await self._context(get(), job, code, job.user_id)
        verified = code_context(payload.get("codeContext") or {}, ctx.code, ctx.language)
        return await jobs.turn(self._provider, plan, ctx, now, verified)

    async def _hint(self, job: JobRequest, get: Get, put: Put) -> jobs.Outcome:
        payload = job.payload
        follow = payload.get("followUpToHintId")
        reflection = None if payload.get("noReply") else (payload.get("reflectionResponse") or None)
        asked = (reflection or NO_REPLY) if follow else f"Asked for a {payload.get('hintLevel')} hint."
        await self._say(
            "user", asked, "reflection" if follow else "hint-request", job.user_id, f"{job.job_id}:user", job
        )
        ctx = await self._context(get(), job, str(payload.get("code") or ""), job.user_id)
        hint_id = str(follow or job.payload.get("hintId"))
        level = HintLevel(str(payload.get("hintLevel") or "subtle"))
        return await jobs.hint(self._provider, ctx, hint_id, level, follow, reflection, _now())

    async def _analysis(self, job: JobRequest, get: Get, put: Put) -> jobs.Outcome:
        await self._say(
            "user", "Asked for a code analysis.", "analysis-request", job.user_id, f"{job.job_id}:user", job
        )
        ctx = await self._context(get(), job, str(job.payload.get("code") or ""), job.user_id)
        return await jobs.analyse(self._provider, ctx)

    async def _review(self, job: JobRequest, get: Get, put: Put) -> jobs.Outcome:
        await self._say(
            "user", "Asked for a code review.", "review-request", job.user_id, f"{job.job_id}:user", job
        )
        ctx = await self._context(get(), job, str(job.payload.get("code") or ""), job.user_id)
        failed = await self._store.count_failed_submissions(self._room_id, job.user_id)
        return await jobs.review(self._provider, ctx, failed)

    async def _proactive(self, plan: machine.Plan, user_id: str, get: Get, put: Put) -> None:
        if not await self._consume_quota(user_id):
            return
        ctx = await self._context(get(), None, None, user_id)
        outcome = await jobs.turn(self._provider, plan, ctx, _now())
        put(outcome.update(get()))
        if outcome.text:
            key = f"proactive:{plan.seed}"
            await self._say(
                "assistant",
                outcome.text,
                "proactive",
                user_id,
                key,
                None,
                follow_up_type=outcome.follow_up_type,
                usage=outcome.usage.payload(),
                reason=plan.reason.value if plan.reason else None,
            )

    async def _consume_quota(self, user_id: str) -> bool:
        """A proactive message is an AI call too: it uses the user's daily AI quota (skipped when spent)."""
        now = _now()
        used = await self._usage.increment(user_id, "ai", now)
        if used > self._runtime.ai_daily_limit:
            await self._usage.increment(user_id, "ai", now, amount=-1)
            return False
        return True

    # --- reading results ---------------------------------------------------------------------------------
    async def execution_facts(self, data: dict[str, Any]) -> ExecutionFacts | None:
        kind, job_id = str(data.get("kind")), str(data.get("jobId"))
        doc = await self._executions.get(kind, job_id)
        if doc is None or doc.get("result") is None:
            return None
        if kind == "run":
            brief = await self._brief(self._problem_id)
            return facts.run_facts(doc, brief.examples if brief else ())
        indices = facts.visible_indices(doc)
        inputs: dict[int, str] = {}
        if indices and doc.get("problemId"):
            visible = await self._problems.tests(str(doc["problemId"]), include_hidden=False)
            inputs = dict(zip(indices, (t.input for t in visible), strict=False))
        return facts.submission_facts(doc, inputs)

    async def analysis_facts(self, data: dict[str, Any]) -> AnalysisFacts | None:
        doc = await self._analyses.get(str(data.get("jobId")))
        if doc is None or doc.get("status") != "completed":
            return None
        return facts.analysis_facts(doc)
