"""Users routes: own profile, public profiles, avatar, quotas, active room, training stats, weaknesses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from engine.errors import ErrorCode, InvalidInput, NotFound
from engine.rules import AVATAR_MAX_BYTES, AVATAR_UPLOAD_URL_TTL_S
from engine.stats import Bucket, series, streak_days
from gateway import accounts
from gateway.blobs import signed_url
from gateway.deps import ClientIp, ServicesDep, UserDep
from gateway.quotas import user_quotas
from gateway.room_deps import RoomsDep
from gateway.room_service import RoomService
from gateway.room_views import collab_token, collab_url, room_summary
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.users import (
    ActiveRoomResponse,
    AvatarUploadUrl,
    ConfirmAvatarRequest,
    PublicProfile,
    StatsBucket,
    StatsTotals,
    TrainingStats,
    UpdateProfileRequest,
    UserProfile,
    UserQuotas,
    WeaknessEntry,
    WeaknessesResponse,
)
from gateway.views import public_profile, user_profile
from gateway.ws import codes
from storage.reports import WeaknessStore
from storage.session_history import HistoryFilter, SessionHistory, SessionSort, SortOrder

router = APIRouter(prefix="/users", tags=["users"], responses=ERROR_RESPONSES)
AVATAR_TYPES = ["image/png", "image/jpeg", "image/webp"]
WEAKNESS_SESSIONS = 1000
"""How many of the caller's newest finished sessions weakness links are read against."""


@router.get("/me", summary="Get current user profile")
async def get_me(user: UserDep, services: ServicesDep) -> UserProfile:
    return await user_profile(services, user)


@router.patch("/me", summary="Update current user profile")
async def update_me(body: UpdateProfileRequest, user: UserDep, services: ServicesDep) -> UserProfile:
    mapping = {"displayName": "displayName", "bio": "bio", "username": "username"}
    changes = {mapping[k]: (v or None) for k, v in body.model_dump(exclude_unset=True).items()}
    if "username" in changes and changes["username"] is None:
        changes.pop("username")
    updated = await services.users.update(user.id, changes, services.now()) if changes else user
    if updated is None:
        raise NotFound(ErrorCode.USER_NOT_FOUND, "User not found")
    return await user_profile(services, updated)


@router.delete("/me", status_code=204, summary="Soft-delete account")
async def delete_me(user: UserDep, services: ServicesDep, rooms: RoomsDep, ip: ClientIp) -> Response:
    now = services.now()
    await services.refresh_tokens.revoke_all(user.id, now)
    await services.users.soft_delete(user.id, now)
    await rooms.close_user_sockets(user.id, "Account deleted", codes.UNAUTHORIZED)
    await accounts.audit(services, "user.delete", user.id, user.id, ip)
    return Response(status_code=204)


@router.post("/me/avatar/upload-url", status_code=201, summary="Upload avatar (presigned URL)")
async def avatar_upload_url(user: UserDep, services: ServicesDep) -> AvatarUploadUrl:
    key = f"avatars/{user.id}/{uuid.uuid4()}"
    url, expires_at = signed_url(services, "PUT", key, AVATAR_UPLOAD_URL_TTL_S, services.now())
    await services.users.update(user.id, {"pendingAvatarKey": key}, services.now())
    return AvatarUploadUrl(
        uploadUrl=url, key=key, expiresAt=expires_at, maxBytes=AVATAR_MAX_BYTES, contentTypes=AVATAR_TYPES
    )


@router.post("/me/avatar/confirm", status_code=201, summary="Confirm an uploaded avatar")
async def avatar_confirm(
    user: UserDep, services: ServicesDep, body: Annotated[ConfirmAvatarRequest | None, Body()] = None
) -> UserProfile:
    key = body.key if body else user.pending_avatar_key
    if not key or not key.startswith(f"avatars/{user.id}/") or not await services.blobs.exists(key):
        raise NotFound(ErrorCode.USER_AVATAR_NOT_UPLOADED, "No uploaded avatar for this key")
    previous = user.avatar_key
    updated = await services.users.update(
        user.id, {"avatarKey": key, "pendingAvatarKey": None}, services.now()
    )
    if previous and previous != key:
        await services.blobs.delete(previous)
    assert updated is not None  # noqa: S101 - the caller is a live account
    return await user_profile(services, updated)


@router.delete("/me/avatar", status_code=204, summary="Remove avatar")
async def avatar_delete(user: UserDep, services: ServicesDep) -> Response:
    if user.avatar_key:
        await services.blobs.delete(user.avatar_key)
    await services.users.update(user.id, {"avatarKey": None}, services.now())
    return Response(status_code=204)


@router.get("/me/quotas", summary="Get usage quotas and limits")
async def quotas(user: UserDep, services: ServicesDep) -> UserQuotas:
    return await user_quotas(services, user.id)


@router.get("/me/active-room", summary="Get current active room (for reconnection)")
async def active_room(user: UserDep, services: ServicesDep, request: Request) -> ActiveRoomResponse:
    """The live room the caller is active in (most recently updated), with what a client needs to
    reconnect: a fresh collab token and the websocket URL."""
    room_id = await services.history.active_room_id(user.id)
    if room_id is None:
        return ActiveRoomResponse(room=None)
    rooms: RoomService = request.app.state.rooms
    try:
        room = await rooms.state(room_id)
    except NotFound:
        return ActiveRoomResponse(room=None)
    summary = room_summary(room, user.id, None).model_dump(mode="json")
    summary |= {
        "id": room.id,
        "collabToken": collab_token(services, room, user.id),
        "collabUrl": collab_url(services, room.id),
    }
    return ActiveRoomResponse(room=summary)


@router.get("/me/stats", summary="Get time-series training statistics")
async def stats(
    user: UserDep,
    services: ServicesDep,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: Annotated[datetime | None, Query()] = None,
    bucket: Annotated[Bucket, Query()] = Bucket.DAY,
) -> TrainingStats:
    end = _as_utc(to, "to") or services.now()
    start = _as_utc(from_, "from") or _shifted(end, -timedelta(days=29), "to")
    facts = await services.history.finished_sessions(user.id)
    try:
        buckets = series(facts, start, end, bucket)
    except OverflowError as exc:  # a bucket past 9999-12-31 (engine.stats steps one bucket beyond `to`)
        raise _out_of_range("to") from exc
    scores = [s for b in buckets for s in b.scores]
    totals = StatsTotals(
        sessions=sum(b.sessions for b in buckets),
        practiceMinutes=sum(b.practice_minutes for b in buckets),
        problemsSolved=sum(b.problems_solved for b in buckets),
        averageScore=round(sum(scores) / len(scores), 1) if scores else None,
        streakDays=streak_days({f.finished_at.date() for f in facts}, services.now().date()),
    )
    return TrainingStats(
        bucket=bucket.value,
        **{"from": start},
        to=end,
        totals=totals,
        series=[
            StatsBucket(
                start=b.start,
                sessions=b.sessions,
                practiceMinutes=b.practice_minutes,
                problemsSolved=b.problems_solved,
                averageScore=b.average_score,
            )
            for b in buckets
        ],
    )


def _out_of_range(name: str) -> InvalidInput:
    return InvalidInput(ErrorCode.VALIDATION_FAILED, f"`{name}` is out of range", {name: "out of range"})


def _as_utc(moment: datetime | None, name: str) -> datetime | None:
    """A query bound in UTC (without an offset it is read as UTC); 400 when that is not representable."""
    if moment is None:
        return None
    return _shifted(moment.replace(tzinfo=moment.tzinfo or UTC), timedelta(), name)


def _shifted(moment: datetime, delta: timedelta, name: str) -> datetime:
    try:
        return (moment + delta).astimezone(UTC)
    except OverflowError as exc:
        raise _out_of_range(name) from exc


@router.get("/me/weaknesses", summary="Get cross-session weakness tracking")
async def weaknesses(user: UserDep, services: ServicesDep) -> WeaknessesResponse:
    """Weaknesses linked to sessions the caller still sees (finished, not soft-deleted), §9.8."""
    facts = SessionHistory(services.mongo)
    visible = await facts.page(
        user.id, HistoryFilter(status="finished"), SessionSort.CREATED_AT, SortOrder.DESC, WEAKNESS_SESSIONS
    )
    rows = await WeaknessStore(services.mongo).visible(user.id, {r.id for r in visible})
    return WeaknessesResponse(data=[WeaknessEntry.model_validate(row) for row in rows])


@router.get("/{user_id}", summary="Get public profile of another user")
async def get_user(user_id: uuid.UUID, _: UserDep, services: ServicesDep) -> PublicProfile:
    found = await services.users.get(str(user_id))
    if found is None or found.deleted_at is not None:
        raise NotFound(ErrorCode.USER_NOT_FOUND, "User not found")
    return public_profile(services, found)
