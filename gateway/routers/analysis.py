"""Static analysis routes: request one for a room (202 + job id; the result is polled and also pushed
on the room socket as `static-analysis-result`) and read a job, through its room or on its own.

Who may: requesting needs an active participant with `code:run` (the editor lock does not matter:
analysis changes nothing); reading needs the job's owner, an admin, or anyone who may view its room.
Every run and submit also starts an analysis (`staticAnalysisJobId` in their 202). A job reads
`pending` (no report fields) until it is `completed` or `failed` (shapes: `gateway.schemas.execution`).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request

from engine.analysis.model import AnalysisSource
from engine.errors import ErrorCode, NotFound, Unavailable, Unprocessable
from engine.identity import User
from engine.room.access import active_member, require_capability
from engine.room.permissions import Capability
from gateway.analysis_jobs import start_analysis
from gateway.deps import ServicesDep, UserDep
from gateway.quotas import per_minute
from gateway.room_deps import RoomsDep, require_viewer
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.execution import StaticAnalysisAccepted, StaticAnalysisRequest, StaticAnalysisView
from gateway.services import Services
from gateway.views_execution import analysis_view
from storage.analyses import AnalysisRepository

router = APIRouter(tags=["static-analysis"], responses=ERROR_RESPONSES)


async def _limit(services: Services, user: User) -> None:
    limit = services.config.settings.execution_rate_per_min
    message = "Too many analysis requests; slow down"
    await per_minute(services, f"analysis:{user.id}", limit, ErrorCode.ANALYSIS_RATE_LIMIT, message)


@router.post("/rooms/{room_id}/static-analysis", status_code=202, summary="Request static analysis")
async def request_analysis(
    room_id: uuid.UUID,
    body: StaticAnalysisRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    request: Request,
) -> StaticAnalysisAccepted:
    room = await rooms.state(str(room_id))
    require_capability(room, active_member(room, user.id), Capability.CODE_RUN)
    language: str | None = body.language
    code = body.code
    if code is None:
        document_language, code = await rooms.client.code(room.id)
        language = language or document_language
    language = language or room.language
    if not code or not code.strip() or language is None:
        raise Unprocessable(ErrorCode.ANALYSIS_NO_CODE, "There is no code to analyse")
    await _limit(services, user)
    job_id = await start_analysis(
        request,
        services,
        room_id=room.id,
        user_id=user.id,
        language=language,
        code=code,
        source=AnalysisSource.REQUEST,
    )
    if job_id is None:
        raise Unavailable(ErrorCode.EXECUTION_SERVICE_UNAVAILABLE, "Static analysis is unavailable")
    return StaticAnalysisAccepted(jobId=job_id)


async def _visible(
    services: Services, rooms: RoomsDep, job_id: str, user: User, room_id: str | None = None
) -> dict[str, Any]:
    doc = await AnalysisRepository(services.mongo).get(job_id)
    missing = NotFound(ErrorCode.ANALYSIS_JOB_NOT_FOUND, "Analysis job not found")
    if doc is None or (room_id is not None and doc["roomId"] != room_id):
        raise missing
    if doc["userId"] != user.id and not user.is_admin:
        try:
            require_viewer(await rooms.state(doc["roomId"]), user.id)
        except Exception as exc:
            raise missing from exc
    return doc


@router.get(
    "/rooms/{room_id}/static-analysis/{job_id}",
    response_model=StaticAnalysisView,
    summary="Get analysis result",
)
async def room_analysis(
    room_id: uuid.UUID, job_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> StaticAnalysisView:
    return analysis_view(await _visible(services, rooms, str(job_id), user, str(room_id)))


@router.get(
    "/execution/static-analysis/{job_id}",
    response_model=StaticAnalysisView,
    summary="Get static analysis result",
)
async def analysis(
    job_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> StaticAnalysisView:
    return analysis_view(await _visible(services, rooms, str(job_id), user))
