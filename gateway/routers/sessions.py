"""Session history routes that exist so far: code snapshots of a session (CodeSnapshot)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from engine.errors import ErrorCode, Forbidden, NotFound
from engine.identity import User
from engine.pagination import decode_cursor, time_cursor
from engine.rules import PAGE_LIMIT_MAX
from gateway.deps import ServicesDep, UserDep
from gateway.schemas.common import ERROR_RESPONSES, Pagination
from gateway.schemas.sessions import CodeSnapshot, CodeSnapshotPage
from gateway.services import Services
from storage.documents import DocumentStore
from storage.sessions import SessionRepository

router = APIRouter(prefix="/sessions", tags=["sessions"], responses=ERROR_RESPONSES)


async def require_session(services: Services, session_id: str, user: User) -> None:
    session = await SessionRepository(services.mongo).get(session_id)
    if session is None or user.id in (session.get("deletedFor") or []):
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    if user.id not in session.get("participantIds", []) and not user.is_admin:
        raise Forbidden(ErrorCode.SESSION_NOT_PARTICIPANT, "Not a participant of this session")


@router.get("/{session_id}/snapshots", summary="Get code snapshots")
async def snapshots(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = 100,
) -> CodeSnapshotPage:
    await require_session(services, str(session_id), user)
    after = None
    if cursor:
        position = decode_cursor(cursor)
        after = (position.moment, position.id)
    rows = await DocumentStore(services.mongo).code_snapshots(str(session_id), limit, after)
    page, more = rows[:limit], len(rows) > limit
    data = [
        CodeSnapshot(
            id=r["_id"],
            sessionId=r["sessionId"],
            roomId=r["roomId"],
            trigger=r["trigger"],
            language=r.get("language"),
            code=r["code"],
            linesOfCode=r["linesOfCode"],
            phase=r.get("phase"),
            createdAt=r["createdAt"],
        )
        for r in page
    ]
    last = page[-1] if page else None
    next_cursor = time_cursor(last["createdAt"], last["_id"]) if more and last else None
    return CodeSnapshotPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))
