"""Report comparison (ours; the reference compares on the client, §11.5): `GET /sessions/compare?ids=`
over 2-5 of the caller's sessions with completed reports. Registered before the `/sessions/{id}` routes
so `compare` is not read as a session id.

Invariant: only the caller's own completed reports are compared; any id that is not one is 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Final

from fastapi import APIRouter, Query

from engine.errors import ErrorCode, InvalidInput, NotFound
from engine.scoring.compare import compare
from gateway.deps import ServicesDep, UserDep
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.reports import ComparedSession, DimensionComparison, ReportComparison
from gateway.views_sessions import visible_session
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
