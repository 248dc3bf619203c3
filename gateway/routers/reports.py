"""Report comparison (ours; the reference compares on the client, §11.5): `GET /sessions/compare?ids=`
over 2-5 of the caller's sessions with completed reports, registered before the `/sessions/{id}` routes
so `compare` is not read as a session id; and the report as an HTML page, `GET /sessions/{id}/report.html`.

Invariant: only the caller's own completed reports are compared or rendered; the page refuses exactly as
the JSON report route does (same access checks, same 404 codes).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from actors import reports
from engine.errors import ErrorCode, InvalidInput, NotFound
from engine.scoring.compare import compare
from engine.scoring.page import render
from gateway.deps import ServicesDep, UserDep
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.reports import ComparedSession, DimensionComparison, ReportComparison
from gateway.views_sessions import report_refusal, training_report, visible_session
from storage.reports import ReportStore
from storage.sessions import ReportRow, SessionArtifacts

router = APIRouter(prefix="/sessions", tags=["sessions"], responses=ERROR_RESPONSES)
COMPARE_MIN: Final = 2
COMPARE_MAX: Final = 5


def _ids(text: str) -> list[str]:
    """Distinct canonical session ids in the given order; 400 unless 2-5 of them."""
    ids: list[str] = []
    try:
        for part in (p.strip() for p in text.split(",") if p.strip()):
            canonical = str(uuid.UUID(part))
            if canonical not in ids:
                ids.append(canonical)
    except ValueError as exc:
        raise _invalid("every id must be a UUID") from exc
    if not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
        raise _invalid(f"between {COMPARE_MIN} and {COMPARE_MAX} distinct session ids")
    return ids


def _invalid(reason: str) -> InvalidInput:
    return InvalidInput(ErrorCode.VALIDATION_FAILED, f"`ids`: {reason}", {"ids": reason})


def _scores(row: ReportRow) -> dict[str, float]:
    categories = (row.report or {}).get("categoryScores") or {}
    scores = {str(k): float(v) for k, v in categories.items() if isinstance(v, int | float)}
    return scores | ({"overall": row.overall_score} if row.overall_score is not None else {})


@router.get("/compare", summary="Compare multiple session reports", response_model=ReportComparison)
async def compare_reports(
    user: UserDep, services: ServicesDep, ids: Annotated[str, Query(max_length=300)]
) -> ReportComparison:
    wanted = _ids(ids)
    sessions = [await visible_session(services, sid, user, finished=True) for sid in wanted]
    found = await SessionArtifacts(services.mongo).completed_reports(wanted, user.id)
    missing = [sid for sid in wanted if sid not in found]
    if missing:
        raise NotFound(ErrorCode.SESSION_REPORT_NOT_READY, f"No completed report for session {missing[0]}")
    ordered = sorted(sessions, key=lambda s: (s.started_at, s.id))
    rows = [found[s.id] for s in ordered]
    return ReportComparison(
        sessions=[
            ComparedSession(
                sessionId=r.session_id,
                generatedAt=r.generated_at,
                overallScore=r.overall_score,
                categoryScores={k: v for k, v in _scores(r).items() if k != "overall"},
            )
            for r in rows
        ],
        dimensions={k: DimensionComparison(**v) for k, v in compare([_scores(r) for r in rows]).items()},
    )


@router.get(
    "/{session_id}/report.html",
    summary="Get training report as an HTML page",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The page"}},
)
async def session_report_page(
    session_id: uuid.UUID, user: UserDep, services: ServicesDep, request: Request
) -> HTMLResponse:
    """The caller's completed report as a self-contained page (inline-SVG chart, evidence linked to
    the final code's lines); refusals as `GET /sessions/{id}/report`."""
    row = await visible_session(services, str(session_id), user, finished=False)
    found = await SessionArtifacts(services.mongo).report(row.id, user.id)
    if found is None or not found.completed:
        if found is not None and found.status == "pending":
            await reports.sweep(services.mongo, request.app.state.rooms.client.runtime, services.now())
        raise report_refusal(found, row.role_of(user.id))
    page = await ReportStore(services.mongo).page_facts(row.id, user.id)
    body = training_report(found).model_dump(mode="json", exclude_unset=True)
    return HTMLResponse(render(body, page.code, page.problem))
