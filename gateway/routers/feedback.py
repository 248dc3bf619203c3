"""Peer feedback routes. The reference's (§4.9), under a session: submit, skip one, skip all, read the
session's feedback under the visibility rule, read the caller's progress. Ours, under a room: submit (the
stored entry back), read, and the caller's own submissions with whom they may still rate. The rules are
pure, in `engine.feedback`; the shapes are mapped in `gateway.views_sessions`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter

from engine.errors import ErrorCode, Forbidden, InvalidInput, NotFound
from engine.feedback import (
    FeedbackStatus,
    Scope,
    check_session_write,
    check_submit,
    pending,
    scope_of,
    unresolved,
)
from engine.identity import User
from engine.room.state import Room
from gateway.deps import ServicesDep, UserDep
from gateway.room_deps import RoomsDep, require_viewer
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.feedback import (
    MyPeerFeedback,
    PeerFeedbackEntry,
    PeerFeedbackList,
    PeerFeedbackProgress,
    SkipPeerFeedbackRequest,
    SubmitPeerFeedbackRequest,
)
from gateway.services import Services
from gateway.views_sessions import (
    feedback_entries,
    feedback_view,
    load_scope,
    progress_view,
    session_feedback,
    visible_session,
)
from storage.feedback import FeedbackRepository, PeerFeedback, Ratings
from storage.session_history import SessionHistory
from storage.sessions import SessionRepository

router = APIRouter(tags=["feedback"], responses=ERROR_RESPONSES)


async def _room_scope(services: Services, room: Room) -> Scope:
    session = await SessionRepository(services.mongo).get(room.session_id) if room.session_id else None
    if session is None:
        return scope_of(room, None, {})
    roles = {str(p["userId"]): str(p["role"]) for p in session.get("participants", [])}
    return scope_of(room, str(session["_id"]), roles)


def _required(name: str) -> InvalidInput:
    return InvalidInput(ErrorCode.VALIDATION_FAILED, "Validation failed", {name: "Field required"})


def _content(body: SubmitPeerFeedbackRequest) -> tuple[Ratings | None, str | None, bool | None]:
    """The ratings, text and wouldPairAgain of a submit: free text (`feedbackText`, or the seed's `text`),
    ratings with wouldPairAgain, or both."""
    if body.feedbackText is not None and body.text is not None:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, "Validation failed", {"feedbackText": "Give feedbackText or text"}
        )
    text = body.feedbackText if body.feedbackText is not None else body.text
    if (body.ratings is None) != (body.wouldPairAgain is None):
        raise _required("ratings" if body.ratings is None else "wouldPairAgain")
    if body.ratings is None:
        if text is None:
            raise _required("feedbackText")
        return None, text, None
    r = body.ratings
    ratings = Ratings(r.overall, r.problemSolving, r.communication, r.codeQuality, r.collaboration)
    return ratings, text, body.wouldPairAgain


def _submitted(
    body: SubmitPeerFeedbackRequest, room_id: str, session_id: str, reviewer_id: str, now: datetime
) -> PeerFeedback:
    ratings, text, again = _content(body)
    return PeerFeedback(
        id=str(uuid.uuid4()),
        session_id=session_id,
        room_id=room_id,
        reviewer_id=reviewer_id,
        candidate_id=str(body.candidateId),
        status=FeedbackStatus.SUBMITTED,
        ratings=ratings,
        text=text,
        would_pair_again=again,
        created_at=now,
    )


@router.post("/rooms/{room_id}/feedback", status_code=201, summary="Submit peer evaluation")
async def submit(
    room_id: uuid.UUID, body: SubmitPeerFeedbackRequest, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> PeerFeedbackEntry:
    room = await rooms.state(str(room_id))
    session_id = check_submit(room, await _room_scope(services, room), user.id, str(body.candidateId))
    feedback = _submitted(body, room.id, session_id, user.id, services.now())
    stored = await FeedbackRepository(services.mongo).add(feedback)
    return (await feedback_entries(services, [stored]))[0]


@router.get("/rooms/{room_id}/feedback", summary="Get all feedback for this room")
async def room_feedback(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> PeerFeedbackList:
    room = await rooms.state(str(room_id))
    require_viewer(room, user.id, user.is_admin)
    return await feedback_view(services, await _room_scope(services, room), user)


@router.get("/rooms/{room_id}/feedback/mine", summary="Get my submitted feedback")
async def my_feedback(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> MyPeerFeedback:
    room = await rooms.state(str(room_id))
    require_viewer(room, user.id, user.is_admin)
    scope = await _room_scope(services, room)
    every = await session_feedback(services, scope)
    mine = [f for f in every if f.reviewer_id == user.id and f.status is FeedbackStatus.SUBMITTED]
    return MyPeerFeedback(data=await feedback_entries(services, mine), pending=pending(scope, every, user.id))


async def _write_scope(services: Services, session_id: uuid.UUID, user: User) -> tuple[str, Scope]:
    """The room id and scope of a session the caller writes feedback in (404 when missing or hidden by
    the caller; every other refusal is `check_session_write`'s)."""
    row = await SessionHistory(services.mongo).get(str(session_id))
    if row is None or user.id in row.deleted_for:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    return row.room_id, await load_scope(services, row)


def _skip(room_id: str, session_id: str, reviewer_id: str, candidate_id: str, now: datetime) -> PeerFeedback:
    return PeerFeedback(
        id=str(uuid.uuid4()),
        session_id=session_id,
        room_id=room_id,
        reviewer_id=reviewer_id,
        candidate_id=candidate_id,
        status=FeedbackStatus.SKIPPED,
        ratings=None,
        text=None,
        would_pair_again=None,
        created_at=now,
    )


@router.post(
    "/sessions/{session_id}/feedback",
    status_code=201,
    summary="Submit peer feedback for this session",
    response_model=PeerFeedbackList,
)
async def submit_for_session(
    session_id: uuid.UUID, body: SubmitPeerFeedbackRequest, user: UserDep, services: ServicesDep
) -> PeerFeedbackList:
    """The reference's submit, `{candidateId, feedbackText}` (the seed's ratings body works too); answers
    the session's feedback as the reviewer now sees it. Submitting after a skip replaces the skip."""
    room_id, scope = await _write_scope(services, session_id, user)
    sid = check_session_write(scope, user.id, str(body.candidateId))
    await FeedbackRepository(services.mongo).add(_submitted(body, room_id, sid, user.id, services.now()))
    return await feedback_view(services, scope, user)


@router.post(
    "/sessions/{session_id}/feedback/skip",
    summary="Skip peer feedback about one participant",
    response_model=PeerFeedbackProgress,
)
async def skip(
    session_id: uuid.UUID, body: SkipPeerFeedbackRequest, user: UserDep, services: ServicesDep
) -> PeerFeedbackProgress:
    """Resolve one pair without feedback; a submitted pair stays submitted. Answers the progress."""
    room_id, scope = await _write_scope(services, session_id, user)
    sid = check_session_write(scope, user.id, str(body.candidateId))
    skipped = _skip(room_id, sid, user.id, str(body.candidateId), services.now())
    await FeedbackRepository(services.mongo).skip([skipped])
    return await progress_view(services, scope, user.id)


@router.post(
    "/sessions/{session_id}/feedback/skip-all",
    summary="Skip peer feedback about everyone left",
    response_model=PeerFeedbackProgress,
)
async def skip_all(session_id: uuid.UUID, user: UserDep, services: ServicesDep) -> PeerFeedbackProgress:
    """Skip every pair the caller has not resolved yet. Answers the progress."""
    room_id, scope = await _write_scope(services, session_id, user)
    sid = check_session_write(scope, user.id)
    now, left = services.now(), unresolved(scope, await session_feedback(services, scope), user.id)
    await FeedbackRepository(services.mongo).skip([_skip(room_id, sid, user.id, uid, now) for uid in left])
    return await progress_view(services, scope, user.id)


@router.get(
    "/sessions/{session_id}/feedback",
    summary="Get peer feedback for this session",
    response_model=PeerFeedbackList,
)
async def session_feedback_list(
    session_id: uuid.UUID, user: UserDep, services: ServicesDep
) -> PeerFeedbackList:
    """Participants and admins; an ongoing session is 404 (as the reference)."""
    row = await visible_session(services, str(session_id), user, finished=True)
    return await feedback_view(services, await load_scope(services, row), user)


@router.get(
    "/sessions/{session_id}/feedback/progress",
    summary="Get my peer feedback progress",
    response_model=PeerFeedbackProgress,
)
async def feedback_progress(
    session_id: uuid.UUID, user: UserDep, services: ServicesDep
) -> PeerFeedbackProgress:
    """Whom the caller still has to resolve; session participants only (admins too must have taken part).
    Observers and AI sessions: `{allSubmitted: true, targets: []}`."""
    row = await visible_session(services, str(session_id), user, finished=True)
    if user.id not in row.participant_ids:
        raise Forbidden(ErrorCode.SESSION_NOT_PARTICIPANT, "Not a participant of this session")
    return await progress_view(services, await load_scope(services, row), user.id)
