"""Execution routes: run and submit in a room (202 + job id; the result is polled and also pushed on
the room socket as `execution-result`), job and submission results, and the room's run/submission lists.

Shapes are the reference's (`RunCodeResult`, `ExecutionDetails`; `gateway.schemas.execution`). Reading
a job needs its owner, an admin, or a viewer of its room; anyone else gets the same 404. A hidden test
case shows non-admins nothing but pass/fail and its verdict class (`engine.execution.disclosure`).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from actors import deploy
from engine.analysis.model import AnalysisSource
from engine.errors import ErrorCode, NotFound, Unavailable, Unprocessable
from engine.execution.results import broken_job_result
from engine.identity import User
from engine.pagination import decode_cursor, time_cursor
from engine.room.access import authorize_code_action
from engine.room.permissions import Capability
from engine.room.state import Room
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway.analysis_jobs import start_analysis
from gateway.deps import ServicesDep, UserDep
from gateway.quotas import QuotaKind, consume, per_minute
from gateway.room_deps import RoomsDep, require_viewer
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.execution import (
    ExecutionDetails,
    ExecutionStatus,
    RunAccepted,
    RunEntryPage,
    RunPoll,
    RunRequest,
    SubmissionSummaryPage,
    SubmitAccepted,
    SubmitRequest,
)
from gateway.services import Services
from gateway.views_execution import run_entry, run_poll, run_status, submission_details, submission_summary
from storage.client import Document
from storage.executions import ExecutionRepository

router = APIRouter(tags=["execution"], responses=ERROR_RESPONSES)


async def _admit(services: Services, room: Room, user: User, capability: Capability) -> None:
    """Editor lock, capability, the per-minute rate and the daily quota, in that order."""
    authorize_code_action(room, user.id, capability)
    limit = services.config.settings.execution_rate_per_min
    await per_minute(
        services, f"exec:{user.id}", limit, ErrorCode.EXECUTION_RATE_LIMIT, "Too many executions; slow down"
    )
    await consume(services, user.id, QuotaKind.EXECUTION)


def _job(kind: str, room: Room, user: User, language: str, code: str, services: Services) -> dict[str, Any]:
    return {
        "_id": str(uuid.uuid4()),
        "kind": kind,
        "roomId": room.id,
        "userId": user.id,
        "language": language,
        "code": code,
        "createdAt": services.now(),
    }


async def _enqueue(request: Request, services: Services, job: dict[str, Any]) -> None:
    """Queue the stored job; a job Ray refused is stored failed (never left queued) and answered 503."""
    try:
        deploy.submit_execution({**job, "jobId": job["_id"]}, request.app.state.rooms.client.runtime)
    except Exception as exc:
        result = broken_job_result(job["kind"], "the job could not be queued")
        await ExecutionRepository(services.mongo).complete(
            job["kind"], job["_id"], "failed", result, services.now()
        )
        raise Unavailable(ErrorCode.EXECUTION_SERVICE_UNAVAILABLE, "Execution is unavailable") from exc


async def _analyse(
    request: Request, services: Services, job: dict[str, Any], source: AnalysisSource
) -> str | None:
    return await start_analysis(
        request,
        services,
        room_id=job["roomId"],
        user_id=job["userId"],
        language=job["language"],
        code=job["code"],
        source=source,
        origin_id=job["_id"],
    )


@router.post("/rooms/{room_id}/run", status_code=202, summary="Execute code (interactive run)")
async def run(
    room_id: uuid.UUID,
    body: RunRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    request: Request,
) -> RunAccepted:
    room = await rooms.state(str(room_id))
    await _admit(services, room, user, Capability.CODE_RUN)
    job = _job("run", room, user, body.language, body.code, services)
    job |= {"stdin": body.stdin or "", "timeMs": body.timeoutMs, "memoryMb": body.memoryMb}
    await ExecutionRepository(services.mongo).create("run", job)
    await _enqueue(request, services, job)
    analysis = await _analyse(request, services, job, AnalysisSource.RUN)
    return RunAccepted(jobId=job["_id"], staticAnalysisJobId=analysis)


@router.post("/rooms/{room_id}/submit", status_code=202, summary="Submit code against test cases")
async def submit(
    room_id: uuid.UUID,
    body: SubmitRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    request: Request,
) -> SubmitAccepted:
    room = await rooms.state(str(room_id))
    authorize_code_action(room, user.id, Capability.CODE_SUBMIT)
    problem = await services.problems.get(room.problem_id) if room.problem_id else None
    if problem is None or not problem.is_published:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "No problem selected for this room")
    if problem.test_case_count == 0:
        raise Unprocessable(ErrorCode.PROBLEM_NO_TEST_CASES, "The problem has no test cases")
    await _admit(services, room, user, Capability.CODE_SUBMIT)
    job = _job("submission", room, user, body.language, body.code, services)
    job |= {"problemId": problem.id, "totalTestCases": problem.test_case_count}
    await ExecutionRepository(services.mongo).create("submission", job)
    await rooms.client.code_snapshot(room.id, "submission")
    await _enqueue(request, services, job)
    analysis = await _analyse(request, services, job, AnalysisSource.SUBMISSION)
    return SubmitAccepted(submissionId=job["_id"], staticAnalysisJobId=analysis)


async def _visible_job(services: Services, rooms: RoomsDep, kind: str, job_id: str, user: User) -> Document:
    doc = await ExecutionRepository(services.mongo).get(kind, job_id)
    code = ErrorCode.EXECUTION_JOB_NOT_FOUND if kind == "run" else ErrorCode.SUBMISSION_NOT_FOUND
    if doc is None:
        raise NotFound(code, "Job not found")
    if doc["userId"] != user.id and not user.is_admin:
        try:
            require_viewer(await rooms.state(doc["roomId"]), user.id)
        except Exception as exc:
            raise NotFound(code, "Job not found") from exc
    return doc


@router.get("/execution/{job_id}", response_model=RunPoll, summary="Get execution result (single run)")
async def execution_result(
    job_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> RunPoll:
    """`{status}` while queued or running; the flat `RunCodeResult` (with `stdout`) once finished."""
    doc = await _visible_job(services, rooms, "run", str(job_id), user)
    return run_poll(doc, services.now())


@router.get("/execution/{job_id}/status", response_model=ExecutionStatus, summary="Get execution status")
async def execution_status(
    job_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> ExecutionStatus:
    doc = await _visible_job(services, rooms, "run", str(job_id), user)
    return run_status(doc, services.now())


@router.get(
    "/submissions/{submission_id}",
    response_model=ExecutionDetails,
    summary="Get submission status and aggregated results",
)
async def submission_result(
    submission_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> ExecutionDetails:
    doc = await _visible_job(services, rooms, "submission", str(submission_id), user)
    return submission_details(doc, user.is_admin)


async def _page(
    kind: str, room_id: str, user: User, services: Services, rooms: RoomsDep, cursor: str | None, limit: int
) -> tuple[list[Document], str | None, bool]:
    require_viewer(await rooms.state(room_id), user.id, user.is_admin)
    rows = await ExecutionRepository(services.mongo).page(
        kind, room_id, limit, decode_cursor(cursor) if cursor else None
    )
    page, more = rows[:limit], len(rows) > limit
    last = page[-1] if page else None
    next_cursor = time_cursor(last["createdAt"], last["_id"]) if more and last else None
    return page, next_cursor, more


Cursor = Annotated[str | None, Query(max_length=500)]
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)]


@router.get("/rooms/{room_id}/runs", response_model=RunEntryPage, summary="List past runs in this room")
async def runs(
    room_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    cursor: Cursor = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
) -> RunEntryPage:
    page, next_cursor, more = await _page("run", str(room_id), user, services, rooms, cursor, limit)
    now = services.now()
    return RunEntryPage.model_validate(
        {
            "data": [run_entry(d, now) for d in page],
            "pagination": {"nextCursor": next_cursor, "hasMore": more},
        }
    )


@router.get(
    "/rooms/{room_id}/submissions",
    response_model=SubmissionSummaryPage,
    summary="List past submissions in this room",
)
async def submissions(
    room_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    cursor: Cursor = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
) -> SubmissionSummaryPage:
    page, next_cursor, more = await _page("submission", str(room_id), user, services, rooms, cursor, limit)
    data = [submission_summary(d, user.is_admin) for d in page]
    return SubmissionSummaryPage.model_validate(
        {"data": data, "pagination": {"nextCursor": next_cursor, "hasMore": more}}
    )
