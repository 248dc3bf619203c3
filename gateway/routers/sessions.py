"""Session history routes (reference §4.8): the caller's finished sessions (SessionSummary pages), one
session's details (SessionDetail), the per-user soft delete, the caller's training report, the code
snapshots (CodeSnapshot) and our event timeline (SessionEvent pages). Access and shapes live in
`gateway.views_sessions`.

Cursors name the order they were made for; a cursor that is malformed or from another order is 400.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request, Response

from actors import reports
from engine.errors import ErrorCode, InvalidInput, NotFound
from engine.identity import User
from engine.pagination import decode_cursor, encode_cursor, time_cursor
from engine.room import RoomMode
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway.deps import ServicesDep, UserDep
from gateway.schemas.ai import AiMessagePage
from gateway.schemas.common import ERROR_RESPONSES, Pagination
from gateway.schemas.reports import TrainingReport
from gateway.schemas.rooms import Language
from gateway.schemas.sessions import (
    CodeSnapshotPage,
    HistoryStatus,
    SessionDetail,
    SessionEvent,
    SessionEventPage,
    SessionProblem,
    SessionSummaryPage,
)
from gateway.services import Services
from gateway.views_sessions import (
    ai_message,
    ai_seq,
    check_access,
    code_snapshot,
    feedback_view,
    latest_snapshot,
    lookups,
    report_refusal,
    report_view,
    run,
    scope_for,
    submission,
    summary,
    summary_fields,
    training_report,
    visible_session,
)
from storage.ai import AiRepository
from storage.documents import DocumentStore
from storage.session_history import (
    NULLABLE_SORTS,
    HistoryFilter,
    Position,
    SessionHistory,
    SessionRow,
    SessionSort,
    SortOrder,
    epoch_ms,
)
from storage.session_timeline import ROOM_EVENT, SOURCES, SessionTimeline, TimelineItem, TimelinePosition
from storage.sessions import SessionArtifacts

router = APIRouter(prefix="/sessions", tags=["sessions"], responses=ERROR_RESPONSES)
Cursor = Annotated[str | None, Query(max_length=500)]
DETAIL_JOBS_MAX: Final = 50
"""Runs, and separately submissions, listed on a session's details (newest first)."""
SNAPSHOT_LIMIT_DEFAULT: Final = 100
"""Ours (the reference pages by 20): a whole interview's snapshots usually fit one page."""
TIMELINE_LIMIT_DEFAULT: Final = 100
TIMELINE_LIMIT_MAX: Final = 200
CURSOR_VALUE_MAX: Final = 253_402_300_799_999
"""The largest cursor value: 9999-12-31T23:59:59.999Z in epoch ms (durations and scores stay far below)."""


def _bad_cursor() -> InvalidInput:
    return InvalidInput(ErrorCode.VALIDATION_FAILED, "Invalid cursor", {"cursor": "Invalid cursor"})


def _canonical_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def _cursor_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= CURSOR_VALUE_MAX


def _cursor_value(value: object, sort: SessionSort) -> bool:
    """Times and durations are whole milliseconds; a score may be fractional."""
    if sort is SessionSort.OVERALL_SCORE and isinstance(value, float):
        return math.isfinite(value) and 0 <= value <= CURSOR_VALUE_MAX
    return _cursor_int(value) or (value is None and sort in NULLABLE_SORTS)


def _history_position(token: str, sort: SessionSort, order: SortOrder) -> Position:
    """A list cursor is `(sort value | null, "<sort>.<order>:<sessionId>")`; null only for nullable sorts."""
    cursor = decode_cursor(token)
    tag, _, session_id = cursor.id.rpartition(":")
    value_ok = _cursor_value(cursor.value, sort)
    if tag != f"{sort.value}.{order.value}" or not value_ok or not _canonical_uuid(session_id):
        raise _bad_cursor()
    value = cursor.value if isinstance(cursor.value, int | float) else None
    return Position(value=value, id=session_id)


def _history_cursor(row: SessionRow, sort: SessionSort, order: SortOrder) -> str:
    value = row.sort_value(sort)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return encode_cursor(value, f"{sort.value}.{order.value}:{row.id}")


def _timeline_position(token: str) -> TimelinePosition:
    """A timeline cursor is `(at in epoch ms, "<source>:<seq | id>")`."""
    cursor = decode_cursor(token)
    source, _, key = cursor.id.partition(":")
    if not _cursor_int(cursor.value) or source not in {str(s) for s in SOURCES}:
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
    status: HistoryStatus,
    mode: RoomMode | None,
    language: Language | None,
    problem_id: uuid.UUID | None,
    started_from: datetime | None,
    started_to: datetime | None,
) -> HistoryFilter:
    lower, upper = _as_utc(started_from, "fromDate"), _as_utc(started_to, "toDate")
    if lower is not None and upper is not None and lower > upper:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, "`fromDate` is after `toDate`", {"fromDate": "must be <= toDate"}
        )
    return HistoryFilter(
        status=None if status == "all" else status,
        mode=mode.value if mode else None,
        language=language,
        problem_id=str(problem_id) if problem_id else None,
        started_from=lower,
        started_to=upper,
    )


@router.get("", summary="List my session history", response_model=SessionSummaryPage)
async def list_sessions(
    user: UserDep,
    services: ServicesDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = PAGE_LIMIT_DEFAULT,
    sort: Annotated[SessionSort, Query(alias="sortBy")] = SessionSort.CREATED_AT,
    order: Annotated[SortOrder, Query(alias="sortOrder")] = SortOrder.DESC,
    status: Annotated[HistoryStatus, Query(description="ours: `ongoing` or `all` opt in")] = "finished",
    mode: RoomMode | None = None,
    language: Language | None = None,
    problem_id: Annotated[uuid.UUID | None, Query(alias="problemId")] = None,
    started_from: Annotated[datetime | None, Query(alias="fromDate")] = None,
    started_to: Annotated[datetime | None, Query(alias="toDate")] = None,
) -> SessionSummaryPage:
    where = _history_filter(status, mode, language, problem_id, started_from, started_to)
    after = _history_position(cursor, sort, order) if cursor else None
    rows = await SessionHistory(services.mongo).page(user.id, where, sort, order, limit, after)
    page, more = rows[:limit], len(rows) > limit
    found = await lookups(services, page, user.id)
    data = [summary(services, r, user.id, found) for r in page]
    next_cursor = _history_cursor(page[-1], sort, order) if more and page else None
    return SessionSummaryPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


async def _detail(services: Services, row: SessionRow, user: User) -> SessionDetail:
    history = SessionHistory(services.mongo)
    found = await lookups(services, [row], user.id)
    problem = found.problems.get(row.problem_id or "")
    report = found.reports.get(row.id)
    peer = await feedback_view(services, scope_for(row, found.rooms.get(row.room_id)), user)
    return SessionDetail.model_validate(
        summary_fields(services, row, user.id, found)
        | {
            "problem": SessionProblem(id=problem.id, title=problem.title, difficulty=problem.difficulty.value)
            if problem
            else None,
            "runs": [run(j) for j in await history.jobs("run", row, DETAIL_JOBS_MAX)],
            "submissions": [submission(j) for j in await history.jobs("submission", row, DETAIL_JOBS_MAX)],
            "report": report_view(report) if report else None,
            "latestCodeSnapshot": latest_snapshot(await history.latest_snapshot(row.id)),
            "peerFeedback": peer.data,
            "hasRecording": await SessionArtifacts(services.mongo).has_recording(row.id),
        }
    )


@router.get("/{session_id}", summary="Get session details", response_model=SessionDetail)
async def session_detail(session_id: uuid.UUID, user: UserDep, services: ServicesDep) -> SessionDetail:
    """A finished session (an ongoing one is 404 SESSION_NOT_FOUND, as the reference)."""
    row = await visible_session(services, str(session_id), user, finished=True)
    return await _detail(services, row, user)


@router.delete("/{session_id}", status_code=204, summary="Soft-delete a session")
async def delete_session(session_id: uuid.UUID, user: UserDep, services: ServicesDep) -> Response:
    """Hide the session from the caller's history only; repeating it is a no-op (204 again)."""
    history = SessionHistory(services.mongo)
    row = await history.get(str(session_id))
    if row is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    check_access(row, user, hidden_counts=False)
    await history.hide_for(row.id, user.id)
    return Response(status_code=204)


@router.get(
    "/{session_id}/report",
    summary="Get training report",
    response_model=TrainingReport,
    response_model_exclude_unset=True,
)
async def session_report(
    session_id: uuid.UUID, user: UserDep, services: ServicesDep, request: Request
) -> TrainingReport:
    """The caller's completed report; otherwise 404 SESSION_REPORT_NOT_READY (a row in another state, or
    a candidate's report still to come) or SESSION_REPORT_UNAVAILABLE (no row and not a candidate). A
    read of a row left pending too long queues its generation again (a crashed task)."""
    row = await visible_session(services, str(session_id), user, finished=False)
    found = await SessionArtifacts(services.mongo).report(row.id, user.id)
    if found is None or not found.completed:
        if found is not None and found.status == "pending":
            await reports.sweep(services.mongo, request.app.state.rooms.client.runtime, services.now())
        raise report_refusal(found, row.role_of(user.id))
    return training_report(found)


@router.get("/{session_id}/ai-messages", summary="Get AI conversation history", response_model=AiMessagePage)
async def session_ai_messages(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = PAGE_LIMIT_DEFAULT,
) -> AiMessagePage:
    """The session's AI conversation (its room's `ai_messages`: a room has one session), oldest first by
    `seq`; a non-admin sees their own turns and the interviewer's shared ones."""
    row = await visible_session(services, str(session_id), user, finished=False)
    after = ai_seq(cursor) if cursor else None
    rows = await AiRepository(services.mongo).page(
        row.room_id, after, limit, None if user.is_admin else user.id
    )
    page, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor(page[-1].seq, page[-1].id) if more and page else None
    return AiMessagePage(
        data=[ai_message(m) for m in page], pagination=Pagination(nextCursor=next_cursor, hasMore=more)
    )


def _event(item: TimelineItem) -> SessionEvent:
    return SessionEvent(id=item.id, type=item.type, at=item.at, actorId=item.actor_id, data=item.data)


@router.get("/{session_id}/events", summary="Get session event timeline", response_model=SessionEventPage)
async def session_events(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=TIMELINE_LIMIT_MAX)] = TIMELINE_LIMIT_DEFAULT,
) -> SessionEventPage:
    row = await visible_session(services, str(session_id), user, finished=False)
    after = _timeline_position(cursor) if cursor else None
    items = await SessionTimeline(services.mongo).page(row, limit, after)
    page, more = items[:limit], len(items) > limit
    last = page[-1] if more and page else None
    next_cursor = encode_cursor(epoch_ms(last.at), f"{last.source}:{last.key}") if last else None
    data = [_event(i) for i in page]
    return SessionEventPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


@router.get("/{session_id}/snapshots", summary="Get code snapshots", response_model=CodeSnapshotPage)
async def snapshots(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = SNAPSHOT_LIMIT_DEFAULT,
) -> CodeSnapshotPage:
    """Oldest first by (timestamp, id); ongoing sessions too (as the reference)."""
    row = await visible_session(services, str(session_id), user, finished=False)
    after = None
    if cursor:
        position = decode_cursor(cursor)
        if not _cursor_int(position.value) or not _canonical_uuid(position.id):
            raise _bad_cursor()
        after = (position.moment, position.id)
    rows = await DocumentStore(services.mongo).code_snapshots(row.id, limit, after)
    page, more = rows[:limit], len(rows) > limit
    data = [code_snapshot(r) for r in page]
    last = page[-1] if page else None
    next_cursor = time_cursor(last["createdAt"], last["_id"]) if more and last else None
    return CodeSnapshotPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))
