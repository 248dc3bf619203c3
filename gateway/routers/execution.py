"""Execution routes: run and submit in a room (202 + job id; the result is polled and also pushed on
the room socket as `execution-result`), job and submission results, and the room's run/submission lists.

Hidden test cases never reveal their input, expected or actual output to non-admins.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from actors import deploy
from engine.analysis.model import AnalysisSource
from engine.errors import ErrorCode, NotFound, Unprocessable
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
from gateway.schemas.execution import RunAccepted, RunRequest, SubmitAccepted, SubmitRequest
from gateway.services import Services
from storage.executions import ExecutionRepository

router = APIRouter(tags=["execution"], responses=ERROR_RESPONSES)
HIDDEN_FIELDS = ("stdout", "stderr", "expectedOutput", "actualOutput")


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


def _enqueue(request: Request, job: dict[str, Any]) -> None:
    runtime = request.app.state.rooms.client.runtime
    deploy.submit_execution({**job, "jobId": job["_id"]}, runtime)


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
    _enqueue(request, job)
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
    job = _job("submission", room, user, body.language, body.code, services) | {"problemId": problem.id}
    await ExecutionRepository(services.mongo).create("submission", job)
    await rooms.client.code_snapshot(room.id, "submission")
    _enqueue(request, job)
    analysis = await _analyse(request, services, job, AnalysisSource.SUBMISSION)
    return SubmitAccepted(submissionId=job["_id"], staticAnalysisJobId=analysis)


async def _visible_job(
    services: Services, rooms: RoomsDep, kind: str, job_id: str, user: User
) -> dict[str, Any]:
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


def _public(doc: dict[str, Any], admin: bool) -> dict[str, Any]:
    result = dict(doc.get("result") or {})
    if "cases" in result and not admin:
        result["cases"] = [
            {k: v for k, v in case.items() if k not in HIDDEN_FIELDS} if case.get("isHidden") else case
            for case in result["cases"]
        ]
    return {
        "id": doc["_id"],
        "kind": doc["kind"],
        "roomId": doc["roomId"],
        "userId": doc["userId"],
        "language": doc["language"],
        "status": doc["status"],
        "problemId": doc.get("problemId"),
        "createdAt": doc["createdAt"].isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "result": result or None,
    }


@router.get("/execution/{job_id}", summary="Get execution result (single run)")
async def execution_result(
    job_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> JSONResponse:
    doc = await _visible_job(services, rooms, "run", str(job_id), user)
    return JSONResponse(_public(doc, user.is_admin))


@router.get("/execution/{job_id}/status", summary="Get execution status")
async def execution_status(
    job_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> dict[str, str]:
    doc = await _visible_job(services, rooms, "run", str(job_id), user)
    return {"jobId": doc["_id"], "status": doc["status"]}


@router.get("/submissions/{submission_id}", summary="Get submission status and aggregated results")
async def submission_result(
    submission_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> JSONResponse:
    doc = await _visible_job(services, rooms, "submission", str(submission_id), user)
    return JSONResponse(_public(doc, user.is_admin))


async def _page(
    kind: str, room_id: str, user: User, services: Services, rooms: RoomsDep, cursor: str | None, limit: int
) -> dict[str, Any]:
    require_viewer(await rooms.state(room_id), user.id, user.is_admin)
    rows = await ExecutionRepository(services.mongo).page(
        kind, room_id, limit, decode_cursor(cursor) if cursor else None
    )
    page, more = rows[:limit], len(rows) > limit
    last = page[-1] if page else None
    next_cursor = time_cursor(last["createdAt"], last["_id"]) if more and last else None
    return {
        "data": [_public(d, user.is_admin) for d in page],
        "pagination": {"nextCursor": next_cursor, "hasMore": more},
    }


Cursor = Annotated[str | None, Query(max_length=500)]
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)]


@router.get("/rooms/{room_id}/runs", summary="List past runs in this room")
async def runs(
    room_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    cursor: Cursor = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
) -> dict[str, Any]:
    return await _page("run", str(room_id), user, services, rooms, cursor, limit)


@router.get("/rooms/{room_id}/submissions", summary="List past submissions in this room")
async def submissions(
    room_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    cursor: Cursor = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
) -> dict[str, Any]:
    return await _page("submission", str(room_id), user, services, rooms, cursor, limit)
