"""Matchmaking routes: enter / leave the queue, the status (ours and the reference's poll path), accept
or decline a proposal, and the AI interviewer room offered after a long wait.

`GET /api/matchmaking/queue` keeps the reference's three shapes (a proposal reads as `searching`);
`GET /api/matchmaking/status` adds `proposed` with the `MatchOpponent`.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from engine.errors import ErrorCode, Unavailable
from engine.matchmaking import (
    Idle,
    Matched,
    Preferences,
    ProposalState,
    Proposed,
    Searching,
    Status,
    band,
    normalise,
)
from engine.matchmaking import shared_languages as shared
from engine.problems.model import LANGUAGES
from engine.room import RoomRole
from gateway.deps import ServicesDep, UserDep
from gateway.matchmaking_service import MatchmakingService
from gateway.room_views import created_room
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.matchmaking import (
    EnterQueueRequest,
    MatchIdle,
    MatchMatched,
    MatchOpponent,
    MatchPreferences,
    MatchProposed,
    MatchSearching,
    MatchStatus,
    QueueStatus,
    RatingBand,
)
from gateway.schemas.rooms import CreateRoomResponse
from gateway.services import Services
from gateway.views import MISSING_USER_NAME, avatar_url

router = APIRouter(prefix="/matchmaking", tags=["matchmaking"], responses=ERROR_RESPONSES)
StatusModel = MatchIdle | MatchSearching | MatchProposed | MatchMatched


def get_matchmaking(request: Request) -> MatchmakingService:
    service: MatchmakingService | None = getattr(request.app.state, "matchmaking", None)
    if service is None:
        raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Matchmaking is not running")
    return service


MatchmakingDep = Annotated[MatchmakingService, Depends(get_matchmaking)]


def _preferences(p: Preferences) -> MatchPreferences:
    return MatchPreferences(
        languages=list(p.languages),
        difficulties=[d.value for d in p.difficulties],
        problemIds=list(p.problem_ids),
        topics=list(p.topics),
        roles=[r.value for r in p.roles],
    )


def _searching(services: Services, status: Searching) -> MatchSearching:
    ticket = status.ticket
    return MatchSearching(
        requestId=ticket.ticket_id,
        queuePosition=status.position,
        expiresAt=ticket.expires_at,
        preferences=_preferences(ticket.preferences),
        estimatedWaitSeconds=status.estimated_wait_s,
        waitedSeconds=int(status.waited_s),
        requireConfirmation=ticket.require_confirmation,
        aiRoomOffered=status.waited_s >= services.config.settings.matchmaking_ai_offer_s,
    )


async def _opponent(services: Services, status: Proposed) -> MatchOpponent:
    proposal, me = status.proposal, status.seat
    partner_id = proposal.partner_of(me.user_id) or ""
    user = (await services.users.get_many([partner_id])).get(partner_id)
    others = proposal.others(me.user_id)
    other = others[0] if others else None
    languages = shared(me.ticket.preferences, other.ticket.preferences) or LANGUAGES if other else ()
    skill = band(other.ticket.skill) if other else None
    return MatchOpponent(
        userId=partner_id,
        username=user.username if user and not user.deleted_at else MISSING_USER_NAME,
        displayName=user.display_name if user and not user.deleted_at else None,
        avatarUrl=avatar_url(services, user) if user and not user.deleted_at else None,
        ratingBand=RatingBand(
            label=skill.label.value, low=skill.low, high=skill.high, provisional=skill.provisional
        )
        if skill
        else None,
        sharedLanguages=list(languages) or ([proposal.plan.language] if proposal.plan.language else []),
        proposedLanguage=proposal.plan.language,
        proposedDifficulty=proposal.plan.difficulty.value if proposal.plan.difficulty else None,
        role=other.role.value if other else RoomRole.INTERVIEWER.value,
        roomId=proposal.plan.room_id,
    )


async def _proposed(services: Services, status: Proposed) -> MatchProposed:
    proposal, me = status.proposal, status.seat
    others = proposal.others(me.user_id)
    return MatchProposed(
        requestId=me.ticket.ticket_id,
        matchId=proposal.match_id,
        opponent=await _opponent(services, status),
        myRole=me.role.value,
        deadline=proposal.deadline,
        accepted=me.accepted,
        opponentAccepted=others[0].accepted if others else None,
        confirmed=proposal.state is ProposalState.CONFIRMED,
        expiresAt=me.ticket.expires_at,
        preferences=_preferences(me.ticket.preferences),
    )


def _matched(status: Matched) -> MatchMatched:
    return MatchMatched(
        requestId=status.request_id,
        roomId=status.room_id,
        matchedWithUserId=status.matched_with,
        expiresAt=status.expires_at,
        preferences=_preferences(status.ticket.preferences),
        matchId=status.match_id,
        role=status.role.value,
    )


async def status_view(services: Services, status: Status) -> StatusModel:
    if isinstance(status, Searching):
        return _searching(services, status)
    if isinstance(status, Proposed):
        return await _proposed(services, status)
    if isinstance(status, Matched):
        return _matched(status)
    assert isinstance(status, Idle)  # noqa: S101 - the four statuses
    return MatchIdle()


def reference_view(services: Services, status: Status) -> MatchIdle | MatchSearching | MatchMatched:
    """The reference client knows `idle | searching | matched`: an open proposal reads as searching."""
    if isinstance(status, Proposed):
        ticket = status.ticket
        return MatchSearching(
            requestId=ticket.ticket_id,
            queuePosition=1,
            expiresAt=ticket.expires_at,
            preferences=_preferences(ticket.preferences),
            requireConfirmation=ticket.require_confirmation,
        )
    if isinstance(status, Searching):
        return _searching(services, status)
    return _matched(status) if isinstance(status, Matched) else MatchIdle()


@router.post("/queue", response_model=MatchStatus, summary="Enter the matchmaking queue")
async def enter_queue(
    body: EnterQueueRequest, user: UserDep, services: ServicesDep, matchmaking: MatchmakingDep
) -> StatusModel:
    preferences = normalise(
        languages=body.languages,
        difficulties=body.difficulties,
        problem_ids=[str(p) for p in body.problemIds],
        topics=body.topics,
        roles=body.roles,
    )
    status = await matchmaking.enqueue(user.id, preferences, body.requireConfirmation)
    return await status_view(services, status)


@router.delete("/queue", response_model=MatchStatus, summary="Cancel matchmaking")
async def cancel(user: UserDep, services: ServicesDep, matchmaking: MatchmakingDep) -> StatusModel:
    return await status_view(services, await matchmaking.cancel(user.id))


@router.get("/queue", response_model=QueueStatus, summary="Current queue status (the reference's poll)")
async def queue_status(
    user: UserDep, services: ServicesDep, matchmaking: MatchmakingDep
) -> MatchIdle | MatchSearching | MatchMatched:
    return reference_view(services, await matchmaking.status(user.id))


@router.get("/status", response_model=MatchStatus, summary="Get current match status")
async def match_status(user: UserDep, services: ServicesDep, matchmaking: MatchmakingDep) -> StatusModel:
    return await status_view(services, await matchmaking.status(user.id))


@router.post("/matches/{match_id}/accept", response_model=MatchStatus, summary="Accept a proposed match")
async def accept(
    match_id: uuid.UUID, user: UserDep, services: ServicesDep, matchmaking: MatchmakingDep
) -> StatusModel:
    return await status_view(services, await matchmaking.accept(user.id, str(match_id)))


@router.post("/matches/{match_id}/decline", response_model=MatchStatus, summary="Decline a proposed match")
async def decline(
    match_id: uuid.UUID, user: UserDep, services: ServicesDep, matchmaking: MatchmakingDep
) -> StatusModel:
    return await status_view(services, await matchmaking.decline(user.id, str(match_id)))


@router.post(
    "/ai-room",
    status_code=201,
    response_model=CreateRoomResponse,
    summary="Take an AI interviewer room instead",
)
async def ai_room(user: UserDep, matchmaking: MatchmakingDep) -> CreateRoomResponse:
    room = (await matchmaking.ai_room(user.id)).room
    return created_room(room, media_created=False)
