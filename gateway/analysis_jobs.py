"""Creating static-analysis jobs: the stored `pending` job first, then the Ray task. Used by the
analysis route and by every run and submit."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import Request

from actors import deploy
from engine.analysis.model import AnalysisSource
from gateway.services import Services
from storage.analyses import AnalysisRepository

log = logging.getLogger(__name__)


async def start_analysis(
    request: Request,
    services: Services,
    *,
    room_id: str,
    user_id: str,
    language: str,
    code: str,
    source: AnalysisSource,
    origin_id: str | None = None,
) -> str | None:
    """Store and queue one analysis; its id, or None when it could not be queued (a run or submission
    goes on without its analysis)."""
    job: dict[str, Any] = {
        "_id": str(uuid.uuid4()),
        "roomId": room_id,
        "userId": user_id,
        "language": language,
        "code": code,
        "source": source.value,
        "runId": origin_id if source is AnalysisSource.RUN else None,
        "submissionId": origin_id if source is AnalysisSource.SUBMISSION else None,
        "createdAt": services.now(),
    }
    repo = AnalysisRepository(services.mongo)
    await repo.create(job)
    try:
        deploy.submit_analysis({**job, "jobId": job["_id"]}, request.app.state.rooms.client.runtime)
    except Exception:
        log.exception("could not queue static analysis", extra={"job_id": job["_id"]})
        await repo.forget(job["_id"])
        return None
    return str(job["_id"])
