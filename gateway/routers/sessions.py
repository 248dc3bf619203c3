"""Session history routes: the caller's history (SessionSummary pages), one session's details
(SessionDetail), the per-user soft delete, the merged event timeline (SessionEvent pages) and the code
snapshots (CodeSnapshot).

Access: a session is visible to its participants and to admins; one the caller soft-deleted is 404 for
them. Cursors name the order they were made for; a cursor that is malformed or from another order is 400.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Response

from engine.errors import ErrorCode, Forbidden, InvalidInput, NotFound
from engine.identity import User
from engine.pagination import decode_cursor, encode_cursor, time_cursor
from engine.problems.model import Problem
from engine.room import RoomMode
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway.deps import ServicesDep, UserDep
from gateway.schemas.common import ERROR_RESPONSES, Pagination
from gateway.schemas.rooms import Language
from gateway.schemas.sessions import (
    CodeSnapshot,
    CodeSnapshotPage,
    SessionDetail,
    SessionEvent,
    SessionEventPage,
    SessionParticipant,
    SessionRun,
    SessionStatus,
    SessionSubmission,
    SessionSummary,
    SessionSummaryPage,
)
from gateway.services import Services
from gateway.views import MISSING_USER_NAME, avatar_url
from storage.client import Document
from storage.documents import DocumentStore
from storage.session_history import (
    NULLABLE_SORTS,
    Activity,
    HistoryFilter,
    Job,
    Position,
    SessionHistory,
    SessionRow,
    SessionSort,
    SortOrder,
    epoch_ms,
)
from storage.session_timeline import ROOM_EVENT, SUBMISSION, SessionTimeline, TimelineItem, TimelinePosition
from storage.sessions import SessionRepository

router = APIRouter(prefix="/sessions", tags=["sessions"], responses=ERROR_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=500)]
DETAIL_JOBS_MAX: Final = 50
"""Runs, and separately submissions, listed on a session's details (newest first)."""
TIMELINE_LIMIT_DEFAULT: Final = 100
TIMELINE_LIMIT_MAX: Final = 200
CURSOR_VALUE_MAX: Final = 253_402_300_799_999
"""The largest cursor value: 9999-12-31T23:59:59.999Z in epoch ms (durations stay far below)."""


def _check_access(participant_ids: Collection[str], deleted_for: Collection[str] | None, user: User) -> None:
    """404 when the caller soft-deleted the session (`deleted_for` None: ignore), 403 for a stranger
    (admins pass)."""
    if deleted_for is not None and user.id in deleted_for:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    if user.id not in participant_ids and not user.is_admin:
        raise Forbidden(ErrorCode.SESSION_NOT_PARTICIPANT, "Not a participant of this session")


async def require_session(services: Services, session_id: str, user: User) -> None:
    """The access check of every per-session route (it needs only `participantIds` and `deletedFor`)."""
    session = await SessionRepository(services.mongo).get(session_id)
    if session is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    _check_access(session.get("participantIds") or [], session.get("deletedFor") or [], user)


async def visible_session(services: Services, session_id: str, user: User) -> SessionRow:
    """The session as `user` may see it (the checks of `require_session`)."""
    row = await SessionHistory(services.mongo).get(session_id)
    if row is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    _check_access(row.participant_ids, row.deleted_for, user)
    return row


def _bad_cursor() -> InvalidInput:
    return InvalidInput(ErrorCode.VALIDATION_FAILED, "Invalid cursor", {"cursor": "Invalid cursor"})


def _canonical_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def _cursor_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= CURSOR_VALUE_MAX


def _history_position(token: str, sort: SessionSort, order: SortOrder) -> Position:
    """A list cursor is `(sort value | null, "<sort>.<order>:<sessionId>")`; null only for nullable sorts."""
    cursor = decode_cursor(token)
    tag, _, session_id = cursor.id.rpartition(":")
    value_ok = _cursor_int(cursor.value) or (cursor.value is None and sort in NULLABLE_SORTS)
    if tag != f"{sort.value}.{order.value}" or not value_ok or not _canonical_uuid(session_id):
        raise _bad_cursor()
    return Position(value=cursor.value if isinstance(cursor.value, int) else None, id=session_id)


def _history_cursor(row: SessionRow, sort: SessionSort, order: SortOrder) -> str:
    return encode_cursor(row.sort_value(sort), f"{sort.value}.{order.value}:{row.id}")


def _timeline_position(token: str) -> TimelinePosition:
    """A timeline cursor is `(at in epoch ms, "<source>:<seq | id>")`."""
    cursor = decode_cursor(token)
    source, _, key = cursor.id.partition(":")
    if not _cursor_int(cursor.value) or source not in {str(s) for s in range(ROOM_EVENT, SUBMISSION + 1)}:
        raise _bad_cursor()
    if int(source) == ROOM_EVENT:
        if not (key.isdigit() and len(key) <= 15):
            raise _bad_cursor()
        return TimelinePosition(cursor.moment, ROOM_EVENT, int(key))
    if not _canonical_uuid(key):
        raise _bad_cursor()
    return TimelinePosition(cursor.moment, int(source), key)


def _as_utc(moment: datetime | None, name: str) -> datetime | None:
    """A query bound in UTC (a bound without an offset is read as UTC)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError as exc:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, f"`{name}` is out of range", {name: "out of range"}
        ) from exc


def _history_filter(
    status: SessionStatus | None,
    mode: RoomMode | None,
    language: Language | None,
    problem_id: uuid.UUID | None,
    started_from: datetime | None,
    started_to: datetime | None,
) -> HistoryFilter:
    lower, upper = _as_utc(started_from, "from"), _as_utc(started_to, "to")
    if lower is not None and upper is not None and lower > upper:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "`from` is after `to`", {"from": "must be <= to"})
    return HistoryFilter(
        status=status,
        mode=mode.value if mode else None,
        language=language,
        problem_id=str(problem_id) if problem_id else None,
        started_from=lower,
        started_to=upper,
    )


@dataclass(frozen=True)
class _Lookups:
    """What a page of summaries needs besides the sessions, fetched once per page."""

    activity: dict[str, Activity] = field(default_factory=dict)
    feedback: set[str] = field(default_factory=set)
    rooms: dict[str, Document] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)


async def _lookups(services: Services, rows: list[SessionRow], viewer_id: str) -> _Lookups:
    history = SessionHistory(services.mongo)
    return _Lookups(
        activity=await history.activity(rows, viewer_id),
        feedback=await history.with_feedback([r.id for r in rows]),
        rooms=await history.rooms([r.room_id for r in rows]),
        problems=await services.problems.get_many([r.problem_id for r in rows if r.problem_id]),
    )


def _summary_fields(row: SessionRow, viewer_id: str, found: _Lookups) -> dict[str, Any]:
    activity = found.activity.get(row.id, Activity())
    problem = found.problems.get(row.problem_id or "")
    return {
        "id": row.id,
        "roomId": row.room_id,
        "roomName": found.rooms.get(row.room_id, {}).get("name"),
        "mode": row.mode,
        "status": row.status,
        "problemId": row.problem_id,
        "problemTitle": problem.title if problem else None,
        "problemDifficulty": problem.difficulty.value if problem else None,
        "language": row.language,
        "role": row.role_of(viewer_id),
        "participantCount": len(row.participant_ids),
        "startedAt": row.started_at,
        "finishedAt": row.finished_at,
        "durationMs": row.duration_ms,
        "runCount": activity.runs,
        "submissionCount": activity.submissions,
        "solved": activity.solved,
        "hasReport": False,
        "hasFeedback": row.id in found.feedback,
    }


@router.get("", summary="List my session history")
async def list_sessions(
    user: UserDep,
    services: ServicesDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = PAGE_LIMIT_DEFAULT,
    sort: SessionSort = SessionSort.STARTED_AT,
    order: SortOrder = SortOrder.DESC,
    status: SessionStatus | None = None,
    mode: RoomMode | None = None,
    language: Language | None = None,
    problem_id: Annotated[uuid.UUID | None, Query(alias="problemId")] = None,
    started_from: Annotated[datetime | None, Query(alias="from")] = None,
    started_to: Annotated[datetime | None, Query(alias="to")] = None,
) -> SessionSummaryPage:
    where = _history_filter(status, mode, language, problem_id, started_from, started_to)
    after = _history_position(cursor, sort, order) if cursor else None
    rows = await SessionHistory(services.mongo).page(user.id, where, sort, order, limit, after)
    page, more = rows[:limit], len(rows) > limit
    found = await _lookups(services, page, user.id)
    data = [SessionSummary.model_validate(_summary_fields(r, user.id, found)) for r in page]
    next_cursor = _history_cursor(page[-1], sort, order) if more and page else None
    return SessionSummaryPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


def _code_snapshot(doc: Document) -> CodeSnapshot:
    return CodeSnapshot(
        id=doc["_id"],
        sessionId=doc["sessionId"],
        roomId=doc["roomId"],
        trigger=doc["trigger"],
        language=doc.get("language"),
        code=doc["code"],
        linesOfCode=doc["linesOfCode"],
        phase=doc.get("phase"),
        createdAt=doc["createdAt"],
    )


async def _participants(services: Services, row: SessionRow, room: Document) -> list[SessionParticipant]:
    users = await services.users.get_many([s.user_id for s in row.seats])
    in_room = {p["userId"]: p for p in room.get("participants") or ()}
    result = []
    for seat in row.seats:
        user = users.get(seat.user_id)
        fields = {
            "userId": seat.user_id,
            "username": user.username if user else MISSING_USER_NAME,
            "displayName": user.display_name if user else None,
            "avatarUrl": avatar_url(services, user) if user else None,
            "role": seat.role,
            "joinedAt": seat.joined_at,
            "leftAt": in_room.get(seat.user_id, {}).get("leftAt"),
            "isHost": seat.user_id == room.get("hostId"),
        }
        result.append(SessionParticipant.model_validate(fields))
    return result


def _run(job: Job) -> SessionRun:
    return SessionRun(
        id=job.id,
        userId=job.user_id,
        language=job.language,
        status=job.status,
        verdict=job.verdict,
        createdAt=job.created_at,
    )


def _submission(job: Job) -> SessionSubmission:
    return SessionSubmission.model_validate(
        _run(job).model_dump() | {"passed": job.passed, "total": job.total}
    )


@router.get("/{session_id}", summary="Get session details")
async def session_detail(session_id: uuid.UUID, user: UserDep, services: ServicesDep) -> SessionDetail:
    row = await visible_session(services, str(session_id), user)
    history = SessionHistory(services.mongo)
    found = await _lookups(services, [row], user.id)
    snapshot = await history.latest_snapshot(row.id)
    return SessionDetail.model_validate(
        _summary_fields(row, user.id, found)
        | {
            "participants": await _participants(services, row, found.rooms.get(row.room_id, {})),
            "latestCodeSnapshot": _code_snapshot(snapshot) if snapshot else None,
            "runs": [_run(j) for j in await history.jobs("run", row, DETAIL_JOBS_MAX)],
            "submissions": [_submission(j) for j in await history.jobs("submission", row, DETAIL_JOBS_MAX)],
            "hasRecording": False,
        }
    )


@router.delete("/{session_id}", status_code=204, summary="Soft-delete a session")
async def delete_session(session_id: uuid.UUID, user: UserDep, services: ServicesDep) -> Response:
    """Hide the session from the caller's history only; repeating it is a no-op (204 again)."""
    history = SessionHistory(services.mongo)
    row = await history.get(str(session_id))
    if row is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    _check_access(row.participant_ids, None, user)
    await history.hide_for(row.id, user.id)
    return Response(status_code=204)


def _event(item: TimelineItem) -> SessionEvent:
    return SessionEvent(id=item.id, type=item.type, at=item.at, actorId=item.actor_id, data=item.data)


@router.get("/{session_id}/events", summary="Get session event timeline")
async def session_events(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=TIMELINE_LIMIT_MAX)] = TIMELINE_LIMIT_DEFAULT,
) -> SessionEventPage:
    row = await visible_session(services, str(session_id), user)
    after = _timeline_position(cursor) if cursor else None
    items = await SessionTimeline(services.mongo).page(row, limit, after)
    page, more = items[:limit], len(items) > limit
    last = page[-1] if more and page else None
    next_cursor = encode_cursor(epoch_ms(last.at), f"{last.source}:{last.key}") if last else None
    data = [_event(i) for i in page]
    return SessionEventPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


@router.get("/{session_id}/snapshots", summary="Get code snapshots")
async def snapshots(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = 100,
) -> CodeSnapshotPage:
    await require_session(services, str(session_id), user)
    after = None
    if cursor:
        position = decode_cursor(cursor)
        after = (position.moment, position.id)
    rows = await DocumentStore(services.mongo).code_snapshots(str(session_id), limit, after)
    page, more = rows[:limit], len(rows) > limit
    data = [_code_snapshot(r) for r in page]
    last = page[-1] if page else None
    next_cursor = time_cursor(last["createdAt"], last["_id"]) if more and last else None
    return CodeSnapshotPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))
