"""Session views: the access check of every per-session route, a session's feedback scope, and the mapping
of stored sessions, reports, code snapshots and peer feedback to the reference's response shapes.

Access (reference §4.8): a session is visible to its participants and to admins; one the caller
soft-deleted is 404 for them; details (and the feedback routes) need the session finished, else 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.errors import ErrorCode, Forbidden, InvalidInput, NotFound
from engine.feedback import Scope, all_submitted, progress, session_scope, state_of, visible
from engine.identity import User
from engine.pagination import decode_cursor
from engine.problems.model import Problem
from engine.room import RoomRole
from gateway.schemas.ai import AiMessage as AiMessageView
from gateway.schemas.feedback import (
    PeerFeedbackEntry,
    PeerFeedbackList,
    PeerFeedbackProgress,
    PeerFeedbackRatings,
    PeerFeedbackTarget,
)
from gateway.schemas.reports import TrainingReport
from gateway.schemas.sessions import (
    CodeSnapshot,
    SessionCodeSnapshot,
    SessionParticipant,
    SessionReport,
    SessionRun,
    SessionSubmission,
    SessionSummary,
)
from gateway.services import Services
from gateway.views import MISSING_USER_NAME, avatar_url, shown_name
from storage.ai import AiMessage
from storage.client import Document
from storage.feedback import FeedbackRepository, PeerFeedback, Ratings
from storage.session_history import Activity, Job, SessionHistory, SessionRow
from storage.sessions import ReportRow, SessionArtifacts

FINISHED = "finished"
RATING_LABELS = (
    ("overall", "Overall"),
    ("problem_solving", "Problem solving"),
    ("communication", "Communication"),
    ("code_quality", "Code quality"),
    ("collaboration", "Collaboration"),
)


def _not_found() -> NotFound:
    return NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")


def check_access(row: SessionRow, user: User, hidden_counts: bool = True) -> None:
    """404 when the caller soft-deleted the session (unless `hidden_counts` is off), 403 for a stranger
    (admins pass)."""
    if hidden_counts and user.id in row.deleted_for:
        raise _not_found()
    if user.id not in row.participant_ids and not user.is_admin:
        raise Forbidden(ErrorCode.SESSION_NOT_PARTICIPANT, "Not a participant of this session")


async def visible_session(services: Services, session_id: str, user: User, finished: bool) -> SessionRow:
    """The session as `user` may see it; `finished`: an ongoing session is 404 too."""
    row = await SessionHistory(services.mongo).get(session_id)
    if row is None or (finished and row.status != FINISHED):
        raise _not_found()
    check_access(row, user)
    return row


def scope_for(row: SessionRow, room: Document | None) -> Scope:
    """The feedback scope of a session: roles as seated at its start, removals from the stored room."""
    people = (room or {}).get("participants") or ()
    removed = {str(p["userId"]) for p in people if p.get("removedAt")}
    roles = {s.user_id: s.role for s in row.seats}
    return session_scope(row.id, row.status == FINISHED, row.mode == "peer", roles, removed)


async def load_scope(services: Services, row: SessionRow) -> Scope:
    rooms = await SessionHistory(services.mongo).rooms([row.room_id])
    return scope_for(row, rooms.get(row.room_id))


def feedback_text(f: PeerFeedback) -> str:
    """The text of a feedback; ratings-only feedback is described from its ratings."""
    if f.text:
        return f.text
    ratings = f.ratings or Ratings(overall=0)
    parts = [f"{label}: {getattr(ratings, key)}/5" for key, label in RATING_LABELS if getattr(ratings, key)]
    if f.would_pair_again is not None:
        parts.append(f"Would pair again: {'yes' if f.would_pair_again else 'no'}")
    return "; ".join(parts) or "-"


def _ratings(ratings: Ratings | None) -> PeerFeedbackRatings | None:
    if ratings is None:
        return None
    return PeerFeedbackRatings(
        problemSolving=ratings.problem_solving,
        communication=ratings.communication,
        codeQuality=ratings.code_quality,
        collaboration=ratings.collaboration,
        overall=ratings.overall,
    )


def _avatar(services: Services, user: User | None) -> str | None:
    return avatar_url(services, user) if user else None


def _entry(services: Services, f: PeerFeedback, users: dict[str, User]) -> PeerFeedbackEntry:
    reviewer, candidate = users.get(f.reviewer_id), users.get(f.candidate_id)
    return PeerFeedbackEntry(
        id=f.id,
        sessionId=f.session_id,
        roomId=f.room_id,
        status=f.status.value,
        reviewerId=f.reviewer_id,
        reviewerName=shown_name(reviewer),
        reviewerAvatarUrl=_avatar(services, reviewer),
        candidateId=f.candidate_id,
        candidateName=shown_name(candidate),
        candidateAvatarUrl=_avatar(services, candidate),
        feedbackText=feedback_text(f),
        createdAt=f.created_at,
        ratings=_ratings(f.ratings),
        wouldPairAgain=f.would_pair_again,
    )


async def feedback_entries(services: Services, feedback: list[PeerFeedback]) -> list[PeerFeedbackEntry]:
    ids = sorted({f.reviewer_id for f in feedback} | {f.candidate_id for f in feedback})
    users = await services.users.get_many(ids) if ids else {}
    return [_entry(services, f, users) for f in feedback]


async def session_feedback(services: Services, scope: Scope) -> list[PeerFeedback]:
    if scope.session_id is None:
        return []
    return await FeedbackRepository(services.mongo).for_session(scope.session_id)


async def feedback_view(
    services: Services, scope: Scope, user: User, feedback: list[PeerFeedback] | None = None
) -> PeerFeedbackList:
    """`{allSubmitted, data}` as `user` may read it (`feedback`: the session's, when already read)."""
    rows = await session_feedback(services, scope) if feedback is None else feedback
    done = all_submitted(scope, rows)
    shown = visible(rows, user.id, user.is_admin, done)
    return PeerFeedbackList(allSubmitted=done, data=await feedback_entries(services, shown))


async def progress_view(services: Services, scope: Scope, user_id: str) -> PeerFeedbackProgress:
    todo = progress(scope, await session_feedback(services, scope), user_id)
    users = await services.users.get_many([uid for uid, _ in todo]) if todo else {}
    targets = [
        PeerFeedbackTarget(
            candidateId=uid,
            candidateName=shown_name(users.get(uid)),
            candidateAvatarUrl=_avatar(services, users.get(uid)),
            role=RoomRole(scope.roles[uid]).value,  # a rater is never an observer
            state=state_of(row).value,
            createdAt=row.created_at if row else None,
        )
        for uid, row in todo
    ]
    pending = any(t.state == "pending" for t in targets)
    return PeerFeedbackProgress(allSubmitted=not pending, targets=targets)


@dataclass(frozen=True)
class Lookups:
    """What a page of sessions needs besides the sessions, fetched once per page."""

    activity: dict[str, Activity] = field(default_factory=dict)
    feedback: set[str] = field(default_factory=set)
    rooms: dict[str, Document] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    reports: dict[str, ReportRow] = field(default_factory=dict)


async def lookups(services: Services, rows: list[SessionRow], viewer_id: str) -> Lookups:
    history, ids = SessionHistory(services.mongo), [r.id for r in rows]
    return Lookups(
        activity=await history.activity(rows, viewer_id),
        feedback=await FeedbackRepository(services.mongo).submitted_in(ids),
        rooms=await history.rooms([r.room_id for r in rows]),
        problems=await services.problems.get_many([r.problem_id for r in rows if r.problem_id]),
        users=await services.users.get_many(sorted({s.user_id for r in rows for s in r.seats})),
        reports=await SessionArtifacts(services.mongo).completed_reports(ids, viewer_id),
    )


def participants(services: Services, row: SessionRow, found: Lookups) -> list[SessionParticipant]:
    room = found.rooms.get(row.room_id, {})
    in_room = {p["userId"]: p for p in room.get("participants") or ()}
    result = []
    for seat in row.seats:
        user = found.users.get(seat.user_id)
        fields = {
            "userId": seat.user_id,
            "username": user.username if user else MISSING_USER_NAME,
            "displayName": user.display_name if user else None,
            "avatarUrl": _avatar(services, user),
            "role": seat.role,
            "joinedAt": seat.joined_at or row.started_at,
            "leftAt": in_room.get(seat.user_id, {}).get("leftAt"),
            "isHost": seat.user_id == room.get("hostId"),
        }
        result.append(SessionParticipant.model_validate(fields))
    return result


def _seconds(duration_ms: int | None) -> int:
    """Whole seconds, halves rounded up (as the reference's Math.round); 0 while ongoing."""
    return 0 if duration_ms is None else (duration_ms + 500) // 1000


def summary_fields(services: Services, row: SessionRow, viewer_id: str, found: Lookups) -> dict[str, Any]:
    activity = found.activity.get(row.id, Activity())
    problem, report = found.problems.get(row.problem_id or ""), found.reports.get(row.id)
    score = None if report is None or report.overall_score is None else round(report.overall_score)
    return {
        "sessionId": row.id,
        "roomId": row.room_id,
        "mode": row.mode,
        "problemTitle": problem.title if problem else None,
        "difficulty": problem.difficulty.value if problem else None,
        "language": row.language,
        "duration": _seconds(row.duration_ms),
        "participants": participants(services, row, found),
        "overallScore": score,
        "hasReport": report is not None,
        "hasFeedback": row.id in found.feedback,
        "createdAt": row.started_at,
        "finishedAt": row.finished_at,
        "status": row.status,
        "roomName": found.rooms.get(row.room_id, {}).get("name"),
        "problemId": row.problem_id,
        "role": row.role_of(viewer_id),
        "durationMs": row.duration_ms,
        "runCount": activity.runs,
        "submissionCount": activity.submissions,
        "solved": activity.solved,
    }


def summary(services: Services, row: SessionRow, viewer_id: str, found: Lookups) -> SessionSummary:
    return SessionSummary.model_validate(summary_fields(services, row, viewer_id, found))


def code_snapshot(doc: Document) -> CodeSnapshot:
    return CodeSnapshot(
        snapshotId=doc["_id"],
        timestamp=doc["createdAt"],
        trigger=doc["trigger"],
        language=doc.get("language") or "",
        code=doc["code"],
        linesOfCode=doc.get("linesOfCode") or 0,
        phase=doc.get("phase"),
        sessionId=doc["sessionId"],
        roomId=doc["roomId"],
    )


def latest_snapshot(doc: Document | None) -> SessionCodeSnapshot | None:
    if doc is None:
        return None
    return SessionCodeSnapshot(
        id=doc["_id"],
        code=doc["code"],
        language=doc.get("language") or "",
        trigger=doc["trigger"],
        linesOfCode=doc.get("linesOfCode"),
        createdAt=doc["createdAt"],
        phase=doc.get("phase"),
    )


def run(job: Job) -> SessionRun:
    return SessionRun.model_validate(
        {
            "jobId": job.id,
            "status": job.status,
            "createdAt": job.created_at,
            "userId": job.user_id,
            "language": job.language,
            "verdict": job.verdict,
        }
    )


def submission(job: Job) -> SessionSubmission:
    return SessionSubmission.model_validate(
        {
            "submissionId": job.id,
            "status": job.status,
            "passed": job.passed or 0,
            "total": job.total or 0,
            "createdAt": job.created_at,
            "userId": job.user_id,
            "language": job.language,
            "verdict": job.verdict,
        }
    )


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def report_view(row: ReportRow) -> SessionReport:
    """A completed report as the reference serves it: the stored report with `sessionId`, `generatedAt`
    and `overallScore` merged in and `feedback` forced to a string."""
    body: dict[str, Any] = dict(row.report or {})
    body["sessionId"] = row.session_id
    if row.generated_at is not None:
        body["generatedAt"] = row.generated_at
    if row.overall_score is not None:
        body["overallScore"] = _number(row.overall_score)
    body["feedback"] = str(body.get("feedback") or body.get("detailedFeedback") or "")
    return SessionReport.model_validate(body)


def training_report(row: ReportRow) -> TrainingReport:
    """The report route's body: as `report_view`, typed by the named report schema."""
    return TrainingReport.model_validate(report_view(row).model_dump(exclude_unset=True))


def ai_seq(cursor: str) -> int:
    value = decode_cursor(cursor).value
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Invalid cursor", {"cursor": "Invalid cursor"})
    return value


def ai_message(m: AiMessage) -> AiMessageView:
    return AiMessageView(
        id=m.id,
        roomId=m.room_id,
        sessionId=m.session_id,
        userId=m.user_id,
        role="assistant" if m.role == "assistant" else "user",
        content=m.content,
        followUpType=m.follow_up_type,
        createdAt=m.created_at,
        kind=m.kind,
        jobId=m.job_id,
        seq=m.seq,
    )


def report_refusal(row: ReportRow | None, role: str | None) -> NotFound:
    """Why there is no report to show (reference §4.8): a row in another state is not ready; without a
    row, only candidates get one."""
    if row is None and role != RoomRole.CANDIDATE:
        return NotFound(
            ErrorCode.SESSION_REPORT_UNAVAILABLE, "Training reports are only generated for candidates"
        )
    return NotFound(ErrorCode.SESSION_REPORT_NOT_READY, "The training report is not ready yet")
