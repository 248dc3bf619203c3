"""AI interviewer routes (reference §4.4.4): interview send + poll, hint request + poll, code analysis
request + poll, and ours: code review request + poll, the message history and the room's weaknesses.

Requests answer 202 with a job id once the room's interviewer actor has admitted the job; polls read
the job from MongoDB (`pending` → `ready` | `failed`). Results are also pushed on the room socket as
`ai-message`. Checks and errors are `engine.interview.access` and the interviewer's rate windows.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway.ai_service import AiService
from gateway.deps import UserDep
from gateway.schemas.ai import (
    AiJobAccepted,
    AiMessagePage,
    CodeAnalysisPoll,
    CodeAnalysisRequest,
    CodeReviewPoll,
    HintAccepted,
    HintPoll,
    HintRequest,
    InterviewPoll,
    InterviewRequest,
    ReviewRequest,
    WeaknessList,
)
from gateway.schemas.common import ERROR_RESPONSES
from storage.ai import AiJob

router = APIRouter(prefix="/rooms/{room_id}/ai", tags=["ai"], responses=ERROR_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=500)]
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)]


def _ai(request: Request) -> AiService:
    service: AiService = request.app.state.ai
    return service


def _poll(job: AiJob) -> dict[str, Any]:
    if job.status == "ready" and job.result is not None:
        result = {k: v for k, v in job.result.items() if k != "usage"}
        return {"status": "ready", "jobId": job.id, **result}
    if job.status == "failed":
        return {"status": "failed", "jobId": job.id, **({"error": job.error} if job.error else {})}
    return {"status": "pending", "jobId": job.id}


@router.post(
    "/interview", status_code=202, summary="Send a message or a proactive nudge to the AI interviewer"
)
async def interview(
    room_id: uuid.UUID, body: InterviewRequest, user: UserDep, request: Request
) -> AiJobAccepted:
    payload = body.model_dump(mode="json", exclude_none=True)
    accepted = await _ai(request).request(str(room_id), user, "interview", payload, body.codeContext.language)
    return AiJobAccepted(jobId=accepted.job_id)


@router.get("/interview/{job_id}", response_model=InterviewPoll, summary="Poll the interviewer's reply")
async def interview_result(room_id: uuid.UUID, job_id: uuid.UUID, user: UserDep, request: Request) -> Any:
    return _poll(await _ai(request).job(str(room_id), user, "interview", str(job_id)))


@router.post("/hint", status_code=202, summary="Request a hint (initial or follow-up)")
async def hint(room_id: uuid.UUID, body: HintRequest, user: UserDep, request: Request) -> HintAccepted:
    payload = body.model_dump(mode="json", exclude_none=True)
    if body.followUpToHintId is None:
        payload["hintId"] = str(uuid.uuid4())
    accepted = await _ai(request).request(str(room_id), user, "hint", payload, body.language)
    return HintAccepted(jobId=accepted.job_id, hintId=accepted.extra["hintId"], phase=accepted.extra["phase"])


@router.get("/hint/{job_id}", response_model=HintPoll, summary="Poll a hint")
async def hint_result(room_id: uuid.UUID, job_id: uuid.UUID, user: UserDep, request: Request) -> Any:
    return _poll(await _ai(request).job(str(room_id), user, "hint", str(job_id)))


@router.post("/code-analysis", status_code=202, summary="Request an AI code analysis")
async def code_analysis(
    room_id: uuid.UUID, body: CodeAnalysisRequest, user: UserDep, request: Request
) -> AiJobAccepted:
    payload = body.model_dump(mode="json")
    accepted = await _ai(request).request(str(room_id), user, "analysis", payload, body.language)
    return AiJobAccepted(jobId=accepted.job_id)


@router.get("/code-analysis/{job_id}", response_model=CodeAnalysisPoll, summary="Poll a code analysis")
async def code_analysis_result(room_id: uuid.UUID, job_id: uuid.UUID, user: UserDep, request: Request) -> Any:
    return _poll(await _ai(request).job(str(room_id), user, "analysis", str(job_id)))


@router.post("/review", status_code=202, summary="Request an AI code review")
async def review(room_id: uuid.UUID, body: ReviewRequest, user: UserDep, request: Request) -> AiJobAccepted:
    payload = body.model_dump(mode="json", exclude_none=True)
    accepted = await _ai(request).request(str(room_id), user, "review", payload, body.language)
    return AiJobAccepted(jobId=accepted.job_id)


@router.get("/review/{job_id}", response_model=CodeReviewPoll, summary="Get a code review result")
async def review_result(room_id: uuid.UUID, job_id: uuid.UUID, user: UserDep, request: Request) -> Any:
    return _poll(await _ai(request).job(str(room_id), user, "review", str(job_id)))


@router.get("/messages", response_model=AiMessagePage, summary="AI conversation history")
async def messages(
    room_id: uuid.UUID,
    user: UserDep,
    request: Request,
    cursor: Cursor = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
) -> Any:
    page, next_cursor, more = await _ai(request).history(str(room_id), user, cursor, limit)
    data = [
        {
            "id": m.id,
            "roomId": m.room_id,
            "sessionId": m.session_id,
            "userId": m.user_id,
            "role": m.role,
            "content": m.content,
            "followUpType": m.follow_up_type,
            "createdAt": m.created_at,
            "kind": m.kind,
            "jobId": m.job_id,
            "seq": m.seq,
        }
        for m in page
    ]
    return AiMessagePage.model_validate(
        {"data": data, "pagination": {"nextCursor": next_cursor, "hasMore": more}}
    )


@router.get("/weaknesses", response_model=WeaknessList, summary="Weaknesses seen in this room")
async def room_weaknesses(room_id: uuid.UUID, user: UserDep, request: Request) -> Any:
    return WeaknessList.model_validate({"data": await _ai(request).weaknesses(str(room_id), user)})
