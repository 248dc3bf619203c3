"""Execution jobs as Ray tasks: run the code in the sandbox, store the result, tell the room.

A job is a plain dict (picklable): kind ("run" | "submission"), jobId, roomId, userId, language, code,
and for runs stdin/limits, for submissions problemId. The task owns the job's state transitions
(queued -> running -> completed | failed) and always leaves the job in a final state, with every field a
reader expects (`broken_job_result` when the job itself broke).

The room hears `execution-result` with the job's id, kind, owner, verdict and pass counts only: never a
case's output, exit code, timings or memory (everyone in the room receives it; hidden cases are the
reason, see `engine.execution.disclosure`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from actors.room import RoomRuntime
from actors.sandbox import run_job
from engine.execution.disclosure import tally
from engine.execution.languages import Language
from engine.execution.limits import Limits, judging_limits
from engine.execution.results import JobResult, broken_job_result, reference_fields
from storage.client import connect
from storage.executions import ExecutionRepository
from storage.problems import ProblemRepository
from storage.sessions import SessionRepository

log = logging.getLogger(__name__)
RUN_TIME_MS = 5000
RUN_MEMORY_MB = 256
STORED_TEXT = 64 * 1024
"""Per-case texts kept with a submission (a document must stay well under MongoDB's 16 MB)."""


def execute_job(job: dict[str, Any], runtime: RoomRuntime) -> dict[str, Any]:
    """The Ray task body (synchronous entry point)."""
    return asyncio.run(_execute(job, runtime))


async def _execute(job: dict[str, Any], runtime: RoomRuntime) -> dict[str, Any]:
    mongo = connect(runtime.mongo_uri, runtime.database)
    repo = ExecutionRepository(mongo)
    kind, job_id = job["kind"], job["jobId"]
    try:
        await repo.set_status(kind, job_id, "running", datetime.now(UTC))
        summary = await (_submission(job, mongo) if kind == "submission" else _run(job))
        await repo.complete(kind, job_id, "completed", summary, datetime.now(UTC))
    except Exception as exc:
        log.exception("execution job failed", extra={"job_id": job_id})
        summary = broken_job_result(kind, type(exc).__name__)
        await repo.complete(kind, job_id, "failed", summary, datetime.now(UTC))
    finally:
        await mongo.close()
    await _announce(job, summary)
    return summary


async def _run(job: dict[str, Any]) -> dict[str, Any]:
    limits = Limits(
        time_ms=int(job.get("timeMs") or RUN_TIME_MS), memory_mb=int(job.get("memoryMb") or RUN_MEMORY_MB)
    )
    result = await run_job(Language(job["language"]), job["code"], [(job.get("stdin") or "", None)], limits)
    if not result.cases:
        return broken_job_result("run", "no case ran")
    fields = reference_fields(result.cases[0], limits, result.compile.message)
    return {**fields, "verdict": result.verdict.value, "compileOk": result.compile.ok}


async def _submission(job: dict[str, Any], mongo: Any) -> dict[str, Any]:
    problems = ProblemRepository(mongo)
    problem = await problems.get(job["problemId"])
    cases = await problems.tests(job["problemId"], include_hidden=True)
    limits = Limits(
        time_ms=(problem.time_limit_ms if problem and problem.time_limit_ms else 2000),
        memory_mb=(problem.memory_limit_mb if problem and problem.memory_limit_mb else 256),
    )
    limits = judging_limits(limits, [c.expected_output for c in cases])
    result = await run_job(
        Language(job["language"]), job["code"], [(c.input, c.expected_output) for c in cases], limits
    )
    summary = _submission_summary(result, limits, [c.is_hidden for c in cases])
    accepted = summary["verdict"] == "accepted"
    await problems.record_submission(job["problemId"], job["userId"], accepted, datetime.now(UTC))
    if accepted:
        await SessionRepository(mongo).mark_solved(job["roomId"], job["userId"], job["problemId"])
    return summary


def _submission_summary(result: JobResult, limits: Limits, hidden: list[bool]) -> dict[str, Any]:
    cases = []
    for case, is_hidden in zip(result.cases, hidden, strict=True):
        fields = reference_fields(case, limits, result.compile.message)
        stored = {k: (v[:STORED_TEXT] if isinstance(v, str) else v) for k, v in fields.items()}
        cases.append({**stored, "index": case.index, "isHidden": is_hidden})
    return {
        **tally(cases).payload(),
        "verdict": result.verdict.value,
        "total": len(cases),
        "compileOk": result.compile.ok,
        "compileMessage": result.compile.message,
        "cases": cases,
    }


async def _announce(job: dict[str, Any], summary: dict[str, Any]) -> None:
    """Push a short result to the room so every socket sees `execution-result` (no per-case data)."""
    from actors import deploy

    event = {
        "jobId": job["jobId"],
        "kind": job["kind"],
        "userId": job["userId"],
        "verdict": summary.get("verdict"),
        "passed": summary.get("passed"),
        "total": summary.get("total"),
    }
    await deploy.announce(job["roomId"], "execution-result", event)
