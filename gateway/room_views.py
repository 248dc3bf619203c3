"""Room domain objects -> RoomDetail / RoomSummary / RoomPreview responses, with collab tokens."""

from __future__ import annotations

from engine.identity import User
from engine.room.permissions import Capability
from engine.room.state import Participant, Room
from engine.room.status import RoomStatus
from gateway.schemas.rooms import (
    CreateRoomResponse,
    RoleSwapView,
    RoomConfig,
    RoomDetail,
    RoomParticipantSummary,
    RoomPreview,
    RoomSummary,
)
from gateway.services import Services
from gateway.views import MISSING_USER_NAME, avatar_url, shown_name

_C = Capability
NEEDS_LIVEKIT = frozenset({_C.MEDIA_AUDIO, _C.MEDIA_VIDEO, _C.MEDIA_SCREENSHARE, _C.RECORDING_TOGGLE})
"""Capabilities not advertised while no LiveKit is configured (their routes answer 503)."""


def collab_url(services: Services, room_id: str) -> str:
    base = services.config.public_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return f"{base}/ws/rooms/{room_id}"


def collab_token(services: Services, room: Room, user_id: str) -> str:
    member = room.participant(user_id)
    role = member.role.value if member else "observer"
    return services.tokens.issue("collab", user_id, services.now(), extra={"roomId": room.id, "role": role})


def _advertised(services: Services, room: Room, viewer_id: str) -> list[str]:
    """The viewer's capabilities; media and recording ones only when a LiveKit is configured."""
    granted = room.capabilities_of(viewer_id)
    if not services.config.livekit_configured:
        granted = granted - NEEDS_LIVEKIT
    return sorted(c.value for c in granted)


def config_of(room: Room) -> RoomConfig:
    s = room.settings
    return RoomConfig(
        maxParticipants=s.max_participants, maxDuration=s.max_duration_min, isPrivate=s.is_private
    )


def created_room(room: Room, media_created: bool) -> CreateRoomResponse:
    """The reference's CreateRoomResponse of a room just created (the document is seeded with it)."""
    return CreateRoomResponse(
        roomId=room.id,
        roomCode=room.code,
        name=room.settings.name,
        status=room.status.value,
        mode=room.mode.value,
        hostId=room.host_id,
        problemId=room.problem_id,
        language=room.language,
        config=config_of(room),
        createdAt=room.created_at,
        collabCreated=True,
        mediaCreated=media_created,
    )


def _participant(
    services: Services, p: Participant, users: dict[str, User], online: set[str]
) -> RoomParticipantSummary:
    user = users.get(p.user_id)
    return RoomParticipantSummary(
        userId=p.user_id,
        username=user.username if user else MISSING_USER_NAME,
        displayName=user.display_name if user else None,
        avatarUrl=avatar_url(services, user) if user else None,
        role=p.role.value,
        isActive=p.is_active,
        isReady=p.is_ready,
        isMuted=p.is_muted,
        isConnected=p.user_id in online,
        joinedAt=p.joined_at,
        leftAt=p.left_at,
        removedAt=p.removed_at,
    )


async def room_detail(
    services: Services, room: Room, viewer_id: str, online: list[str] | None = None, with_token: bool = True
) -> RoomDetail:
    users = await services.users.get_many([p.user_id for p in room.participants])
    me = room.participant(viewer_id)
    live = room.status is not RoomStatus.FINISHED and with_token
    swap = room.role_swap
    return RoomDetail(
        roomId=room.id,
        roomCode=room.code,
        name=room.settings.name,
        status=room.status.value,
        mode=room.mode.value,
        hostId=room.host_id,
        language=room.language,
        createdAt=room.created_at,
        sessionId=room.session_id,
        problemId=room.problem_id,
        config=config_of(room),
        participants=[_participant(services, p, users, set(online or ())) for p in room.participants],
        myRole=me.role.value if me else None,
        myCapabilities=_advertised(services, room, viewer_id),
        currentPhaseStartedAt=room.timer.phase_started_at,
        timerPaused=room.timer.paused,
        elapsedMs=room.elapsed_ms_at(services.now()),
        editorLocked=room.editor_locked,
        roleSwap=None
        if swap is None
        else RoleSwapView(
            swapId=swap.swap_id,
            requestedBy=swap.requested_by,
            targetUserId=swap.target_user_id,
            requestedAt=swap.requested_at,
            expiresAt=swap.expires_at,
        ),
        collabToken=collab_token(services, room, viewer_id) if live else None,
        collabUrl=collab_url(services, room.id) if live else None,
    )


def room_summary(room: Room, viewer_id: str, problem_title: str | None) -> RoomSummary:
    me = room.participant(viewer_id)
    return RoomSummary(
        roomId=room.id,
        roomCode=room.code,
        name=room.settings.name,
        status=room.status.value,
        mode=room.mode.value,
        hostId=room.host_id,
        language=room.language,
        createdAt=room.created_at,
        myRole=me.role.value if me else None,
        problemTitle=problem_title,
        participantCount=len(room.active()),
    )


def room_preview(
    services: Services, room: Room, viewer_id: str, host: User | None, problem: tuple[str, str] | None
) -> RoomPreview:
    me = room.participant(viewer_id)
    return RoomPreview(
        roomId=room.id,
        roomCode=room.code,
        name=room.settings.name,
        status=room.status.value,
        mode=room.mode.value,
        hostId=room.host_id,
        hostName=shown_name(host),
        hostAvatarUrl=avatar_url(services, host) if host else None,
        language=room.language,
        problemTitle=problem[0] if problem else None,
        problemDifficulty=problem[1] if problem else None,
        participantCount=len(room.active()),
        maxParticipants=room.settings.max_participants,
        isPrivate=room.settings.is_private,
        isParticipant=bool(me and me.is_active),
        createdAt=room.created_at,
    )
