"""Peer feedback routes: submit one evaluation of a session peer, read a room's (or session's) feedback
under the visibility rule, and read the caller's own submissions with what is left to rate. The rules
themselves are pure, in `engine.feedback`."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter

from engine.errors import ErrorCode, NotFound
from engine.feedback import Scope, all_submitted, check_submit, pending, scope_of, visible
from engine.identity import User
from engine.room.state import Room
from gateway.deps import ServicesDep, UserDep
from gateway.room_deps import RoomsDep, require_viewer
from gateway.routers.sessions import require_session
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.feedback import (
    MyPeerFeedback,
    PeerFeedbackEntry,
    PeerFeedbackList,
    PeerFeedbackRatings,
    SubmitPeerFeedbackRequest,
)
from gateway.services import Services
from gateway.views import avatar_url, shown_name
from storage.client import Document
from storage.feedback import FeedbackRepository, PeerFeedback, Ratings
from storage.sessions import SessionRepository

router = APIRouter(tags=["feedback"], responses=ERROR_RESPONSES)


def _scope(room: Room, session: Document | None) -> Scope:
    if session is None:
        return scope_of(room, None, {})
    roles = {str(p["userId"]): str(p["role"]) for p in session.get("participants", [])}
    return scope_of(room, str(session["_id"]), roles)


async def _load_scope(services: Services, room: Room) -> Scope:
    session = await SessionRepository(services.mongo).get(room.session_id) if room.session_id else None
    return _scope(room, session)


async def _feedback(services: Services, scope: Scope) -> list[PeerFeedback]:
    if scope.session_id is None:
        return []
    return await FeedbackRepository(services.mongo).for_session(scope.session_id)


def _avatar(services: Services, user: User | None) -> str | None:
    return avatar_url(services, user) if user else None


def _entry(services: Services, f: PeerFeedback, users: dict[str, User]) -> PeerFeedbackEntry:
    reviewer, candidate = users.get(f.reviewer_id), users.get(f.candidate_id)
    r = f.ratings
    return PeerFeedbackEntry(
        id=f.id,
        sessionId=f.session_id,
        roomId=f.room_id,
        reviewerId=f.reviewer_id,
        reviewerName=shown_name(reviewer),
        reviewerAvatarUrl=_avatar(services, reviewer),
        candidateId=f.candidate_id,
        candidateName=shown_name(candidate),
        candidateAvatarUrl=_avatar(services, candidate),
        ratings=PeerFeedbackRatings(
            problemSolving=r.problem_solving,
            communication=r.communication,
            codeQuality=r.code_quality,
            collaboration=r.collaboration,
            overall=r.overall,
        ),
        feedbackText=f.text,
        wouldPairAgain=f.would_pair_again,
        createdAt=f.created_at,
    )


async def _entries(services: Services, feedback: list[PeerFeedback]) -> list[PeerFeedbackEntry]:
    ids = sorted({f.reviewer_id for f in feedback} | {f.candidate_id for f in feedback})
    users = await services.users.get_many(ids) if ids else {}
    return [_entry(services, f, users) for f in feedback]


async def _view(services: Services, scope: Scope, user: User) -> PeerFeedbackList:
    feedback = await _feedback(services, scope)
    done = all_submitted(scope, feedback)
    shown = visible(scope, feedback, user.id, user.is_admin, done)
    return PeerFeedbackList(allSubmitted=done, data=await _entries(services, shown))


def _new_feedback(
    body: SubmitPeerFeedbackRequest, room_id: str, session_id: str, reviewer_id: str, now: datetime
) -> PeerFeedback:
    ratings = body.ratings
    return PeerFeedback(
        id=str(uuid.uuid4()),
        session_id=session_id,
        room_id=room_id,
        reviewer_id=reviewer_id,
        candidate_id=str(body.candidateId),
        ratings=Ratings(
            overall=ratings.overall,
            problem_solving=ratings.problemSolving,
            communication=ratings.communication,
            code_quality=ratings.codeQuality,
            collaboration=ratings.collaboration,
        ),
        text=body.text,
        would_pair_again=body.wouldPairAgain,
        created_at=now,
    )


@router.post("/rooms/{room_id}/feedback", status_code=201, summary="Submit peer evaluation")
async def submit(
    room_id: uuid.UUID, body: SubmitPeerFeedbackRequest, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> PeerFeedbackEntry:
    room = await rooms.state(str(room_id))
    session_id = check_submit(await _load_scope(services, room), user.id, str(body.candidateId))
    feedback = _new_feedback(body, room.id, session_id, user.id, services.now())
    stored = await FeedbackRepository(services.mongo).add(feedback)
    return (await _entries(services, [stored]))[0]


@router.get("/rooms/{room_id}/feedback", summary="Get all feedback for this room")
async def room_feedback(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> PeerFeedbackList:
    room = await rooms.state(str(room_id))
    require_viewer(room, user.id, user.is_admin)
    return await _view(services, await _load_scope(services, room), user)


@router.get("/rooms/{room_id}/feedback/mine", summary="Get my submitted feedback")
async def my_feedback(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> MyPeerFeedback:
    room = await rooms.state(str(room_id))
    require_viewer(room, user.id, user.is_admin)
    scope = await _load_scope(services, room)
    mine = [f for f in await _feedback(services, scope) if f.reviewer_id == user.id]
    return MyPeerFeedback(data=await _entries(services, mine), pending=pending(scope, mine, user.id))


@router.get("/sessions/{session_id}/feedback", summary="Get peer feedback for this session")
async def session_feedback(
    session_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> PeerFeedbackList:
    await require_session(services, str(session_id), user)
    session = await SessionRepository(services.mongo).get(str(session_id))
    if session is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    room = await rooms.state(str(session["roomId"]))
    return await _view(services, _scope(room, session), user)
