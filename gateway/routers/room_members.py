"""Room membership: join (by id + code, or by code alone), leave, ready, language, ownership transfer,
and the participants list / update (role, mute) / remove."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Response

from actors.room import Outcome
from engine.errors import ErrorCode, NotFound
from engine.room import (
    ChangeLanguage,
    Join,
    Kick,
    Leave,
    RoomRole,
    SetReady,
    TransferOwnership,
    UpdateParticipant,
)
from gateway import accounts, quotas
from gateway.deps import ClientIp, ServicesDep, UserDep
from gateway.room_deps import RoomsDep, require_viewer
from gateway.room_service import RoomService
from gateway.room_views import collab_token, collab_url, room_detail
from gateway.routers.media import KICK_RESPONSES, media_updated_header, mute_member, remove_member
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.rooms import (
    JoinByCodeRequest,
    JoinRoomRequest,
    JoinRoomResponse,
    LanguageRequest,
    ParticipantUpdateRequest,
    ReadyRequest,
    RoomDetail,
    RoomParticipantList,
    TransferOwnershipResponse,
    TransferRequest,
    UpdateParticipantResponse,
)
from gateway.services import Services

router = APIRouter(prefix="/rooms", tags=["rooms"], responses=ERROR_RESPONSES)


async def _join(
    services: Services,
    rooms: RoomService,
    room_id: str,
    user_id: str,
    code: str | None,
    requested: str | None,
) -> JoinRoomResponse:
    role = RoomRole(requested) if requested else None
    await quotas.ensure_room_slot(services, user_id, joining=room_id)
    outcome: Outcome = await rooms.execute(room_id, Join(user_id, requested_role=role, room_code=code))
    room = outcome.room
    joined = next(
        (e for e in outcome.events if e.type == "participant-joined" and e.data.get("userId") == user_id),
        None,
    )
    member = room.participant(user_id)
    assert member is not None  # noqa: S101 - Join succeeded
    reason = str(joined.data["assignmentReason"]) if joined else "auto-assigned"
    detail = await room_detail(services, room, user_id, await rooms.presence(room.id))
    return JoinRoomResponse(
        room=detail,
        assignedRole=member.role.value,
        requestedRole=requested,
        assignmentReason=reason,
        myCapabilities=detail.myCapabilities,
        collabToken=collab_token(services, room, user_id),
        collabUrl=collab_url(services, room.id),
    )


@router.post("/join", summary="Join a room via room code")
async def join_by_code(
    body: JoinByCodeRequest, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> JoinRoomResponse:
    room = await rooms.repo.by_code(body.roomCode)
    if room is None:
        raise NotFound(ErrorCode.ROOM_NOT_FOUND, "No room with this invite code")
    return await _join(services, rooms, room.id, user.id, body.roomCode, body.requestedRole)


@router.post("/{room_id}/join", summary="Join or re-join a room")
async def join(
    room_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    body: Annotated[JoinRoomRequest | None, Body()] = None,
) -> JoinRoomResponse:
    body = body or JoinRoomRequest()
    return await _join(services, rooms, str(room_id), user.id, body.roomCode, body.requestedRole)


async def _detail(services: Services, rooms: RoomService, outcome: Outcome, user_id: str) -> RoomDetail:
    return await room_detail(services, outcome.room, user_id, await rooms.presence(outcome.room.id))


@router.post("/{room_id}/leave", summary="Leave a room")
async def leave(room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep) -> RoomDetail:
    outcome = await rooms.execute(str(room_id), Leave(user.id))
    return await room_detail(services, outcome.room, user.id, with_token=False)


@router.post("/{room_id}/ready", summary="Set or toggle my ready flag")
async def ready(
    room_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    body: Annotated[ReadyRequest | None, Body()] = None,
) -> RoomDetail:
    outcome = await rooms.execute(str(room_id), SetReady(user.id, body.ready if body else None))
    return await _detail(services, rooms, outcome, user.id)


@router.patch("/{room_id}/language", summary="Change the room's language")
async def language(
    room_id: uuid.UUID, body: LanguageRequest, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> RoomDetail:
    outcome = await rooms.execute(str(room_id), ChangeLanguage(user.id, body.language))
    return await _detail(services, rooms, outcome, user.id)


@router.post("/{room_id}/ownership/transfer", summary="Transfer room ownership")
async def transfer(
    room_id: uuid.UUID,
    body: TransferRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    ip: ClientIp,
) -> TransferOwnershipResponse:
    outcome = await rooms.execute(str(room_id), TransferOwnership(user.id, body.targetUserId))
    await accounts.audit(
        services,
        "room.ownership_transfer",
        user.id,
        outcome.room.id,
        ip,
        {"previousHostId": user.id, "currentHostId": outcome.room.host_id},
        target_type="room",
    )
    return TransferOwnershipResponse(
        roomId=outcome.room.id,
        previousHostId=user.id,
        currentHostId=outcome.room.host_id,
        transferredAt=services.now(),
        transferredBy=user.id,
    )


@router.get("/{room_id}/participants", summary="List all participants in a room")
async def participants(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> RoomParticipantList:
    room = await rooms.state(str(room_id))
    require_viewer(room, user.id)
    detail = await room_detail(services, room, user.id, await rooms.presence(room.id), with_token=False)
    return RoomParticipantList(data=detail.participants)


@router.patch("/{room_id}/participants/{user_id}", summary="Update participant (role, mute)")
async def update_participant(
    room_id: uuid.UUID,
    user_id: uuid.UUID,
    body: ParticipantUpdateRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
) -> UpdateParticipantResponse:
    before = await rooms.state(str(room_id))
    previous = before.participant(str(user_id))
    command = UpdateParticipant(
        user.id, str(user_id), role=RoomRole(body.role) if body.role else None, is_muted=body.isMuted
    )
    outcome = await rooms.execute(str(room_id), command)
    member = outcome.room.participant(str(user_id))
    media_updated = None
    if body.isMuted is not None and member is not None:
        media_updated = await mute_member(services, outcome.room.id, member.user_id, member.is_muted)
    return UpdateParticipantResponse(
        room=await _detail(services, rooms, outcome, user.id),
        updatedUserId=str(user_id),
        previousRole=previous.role.value if previous else None,
        currentRole=member.role.value if member else None,
        isMuted=member.is_muted if member else None,
        updatedAt=services.now(),
        updatedBy=user.id,
        mediaUpdated=media_updated,
    )


@router.delete(
    "/{room_id}/participants/{user_id}",
    status_code=204,
    summary="Kick a participant from the room",
    responses=KICK_RESPONSES,
)
async def kick(
    room_id: uuid.UUID,
    user_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    ip: ClientIp,
) -> Response:
    await rooms.execute(str(room_id), Kick(user.id, str(user_id)))
    removed = await remove_member(services, str(room_id), str(user_id))
    details = {"userId": str(user_id), "mediaUpdated": removed}
    await accounts.audit(services, "room.kick", user.id, str(room_id), ip, details, target_type="room")
    return Response(status_code=204, headers=media_updated_header(removed))
