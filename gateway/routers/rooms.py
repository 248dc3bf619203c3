"""Rooms: create (Idempotency-Key), list mine, public browse, lookup by invite code, detail, destroy."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from engine.pagination import decode_cursor, encode_cursor, time_cursor
from engine.problems.model import Difficulty
from engine.room import RoomMode, RoomStatus
from engine.room.state import RoomSettings
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway import accounts, quotas
from gateway.deps import ClientIp, ServicesDep, UserDep
from gateway.room_deps import RoomsDep, require_viewer
from gateway.room_views import created_room, room_detail, room_preview, room_summary
from gateway.routers.media import close_media_room, open_media_room
from gateway.schemas.common import ERROR_RESPONSES, Pagination
from gateway.schemas.rooms import (
    CreateRoomRequest,
    CreateRoomResponse,
    DestroyRoomResponse,
    Language,
    RoomDetail,
    RoomPreview,
    RoomPreviewPage,
    RoomSummaryPage,
)
from gateway.services import Services
from storage.idempotency import IdempotencyStore, InFlightError
from storage.rooms import doc_to_room

router = APIRouter(prefix="/rooms", tags=["rooms"], responses=ERROR_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)]


async def _published_problem(services: Services, problem_id: str | None) -> dict[str, str]:
    """The starter code of the room's problem (which must be published), seeded into the document."""
    if problem_id is None:
        return {}
    problem = await services.problems.get(problem_id)
    if problem is None or not problem.is_published:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    return dict(problem.starter_code)


async def _create(
    body: CreateRoomRequest, user_id: str, services: Services, rooms: RoomsDep
) -> dict[str, Any]:
    starter = await _published_problem(services, body.problemId)
    await quotas.ensure_room_slot(services, user_id)
    cfg = body.config
    settings = RoomSettings(
        name=body.name,
        max_participants=cfg.maxParticipants if cfg else 2,
        max_duration_min=cfg.maxDuration if cfg else 120,
        is_private=cfg.isPrivate if cfg else True,
    )
    outcome = await rooms.create(
        user_id, RoomMode(body.mode), settings, body.problemId, body.language, starter
    )
    room = outcome.room
    media_created = await open_media_room(services, room)
    return created_room(room, media_created).model_dump(mode="json")


@router.post("", status_code=201, response_model=CreateRoomResponse, summary="Create a new room")
async def create_room(
    body: CreateRoomRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=64)] = None,
) -> JSONResponse:
    if idempotency_key is None:
        return JSONResponse(await _create(body, user.id, services, rooms), status_code=201)
    try:
        uuid.UUID(idempotency_key)
    except ValueError as exc:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED,
            "Idempotency-Key must be a valid UUID",
            {"Idempotency-Key": "must be a UUID"},
        ) from exc
    store = IdempotencyStore(services.mongo)
    scoped = f"{user.id}:POST:/api/rooms:{idempotency_key.lower()}"
    try:
        stored = await store.begin(scoped, services.now())
    except InFlightError as exc:
        raise Conflict(
            ErrorCode.IDEMPOTENCY_CONFLICT, "A request with this Idempotency-Key is in progress"
        ) from exc
    if stored is not None:
        return JSONResponse(stored.body, status_code=stored.status)
    try:
        body_json = await _create(body, user.id, services, rooms)
    except BaseException:
        await store.abandon(scoped)
        raise
    await store.complete(scoped, 201, body_json)
    return JSONResponse(body_json, status_code=201)


async def _titles(services: Services, problem_ids: list[str]) -> dict[str, tuple[str, str]]:
    problems = await services.problems.get_many([p for p in problem_ids if p])
    return {pid: (p.title, p.difficulty.value) for pid, p in problems.items()}


@router.get("", summary="List rooms for current user")
async def list_rooms(
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
    status: RoomStatus | None = None,
    mode: RoomMode | None = None,
    sort_by: Annotated[str, Query(alias="sortBy", pattern="^(createdAt|status)$")] = "createdAt",
    sort_order: Annotated[str, Query(alias="sortOrder", pattern="^(asc|desc)$")] = "desc",
) -> RoomSummaryPage:
    field = "createdAt" if sort_by == "createdAt" else "statusOrder"
    direction = -1 if sort_order == "desc" else 1
    query: dict[str, Any] = {}
    if status:
        query["status"] = status.value
    if mode:
        query["mode"] = mode.value
    if cursor:
        after = decode_cursor(cursor)
        op = "$lt" if direction < 0 else "$gt"
        value: Any = after.value
        if field == "createdAt" and isinstance(value, int | float):
            value = after.moment
        query["$or"] = [{field: {op: value}}, {field: value, "_id": {op: after.id}}]
    docs = await rooms.repo.for_participant(user.id, query, [(field, direction), ("_id", direction)], limit)
    page, more = docs[:limit], len(docs) > limit
    titles = await _titles(services, [str(d.get("problemId") or "") for d in page])
    data = [
        room_summary(doc_to_room(d), user.id, titles.get(d.get("problemId") or "", (None, ""))[0])
        for d in page
    ]
    last = page[-1] if page else None
    next_cursor = None
    if more and last:
        key = int(last["createdAt"].timestamp() * 1000) if field == "createdAt" else last["statusOrder"]
        next_cursor = encode_cursor(key, last["_id"])
    return RoomSummaryPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


BROWSEABLE = frozenset(RoomStatus) - {RoomStatus.FINISHED}


async def _public_query(
    services: Services,
    language: str | None,
    status: RoomStatus | None,
    difficulty: Difficulty | None,
    search: str | None,
) -> dict[str, Any]:
    """Filters of the public browse: rooms whose problem is a draft never show; `search` matches the
    room's name or its problem's title; `difficulty` is the problem's."""
    clauses: list[dict[str, Any]] = [
        {"problemId": {"$nin": await services.problems.ids_where(published=False)}}
    ]
    if status is not None:
        if status not in BROWSEABLE:
            raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Finished rooms are not browseable")
        clauses.append({"status": status.value})
    if language:
        clauses.append({"language": language})
    if difficulty is not None:
        clauses.append({"problemId": {"$in": await services.problems.ids_where(difficulty=difficulty.value)}})
    if search:
        titled = await services.problems.ids_where(title=search)
        name = {"name": {"$regex": re.escape(search), "$options": "i"}}
        clauses.append({"$or": [name, {"problemId": {"$in": titled}}]})
    return {"$and": clauses}


@router.get("/public", summary="Browse joinable public rooms")
async def public_rooms(
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
    language: Language | None = None,
    status: RoomStatus | None = None,
    difficulty: Difficulty | None = None,
    search: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> RoomPreviewPage:
    query = await _public_query(services, language, status, difficulty, search)
    if cursor:
        after = decode_cursor(cursor)
        moment = after.moment
        query["$and"].append(
            {"$or": [{"createdAt": {"$lt": moment}}, {"createdAt": moment, "_id": {"$lt": after.id}}]}
        )
    docs = await rooms.repo.public(query, limit)
    page, more = docs[:limit], len(docs) > limit
    rooms_ = [doc_to_room(d) for d in page]
    hosts = await services.users.get_many([r.host_id for r in rooms_])
    titles = await _titles(services, [r.problem_id or "" for r in rooms_])
    data = [
        room_preview(services, r, user.id, hosts.get(r.host_id), titles.get(r.problem_id or ""))
        for r in rooms_
    ]
    last = page[-1] if page else None
    next_cursor = time_cursor(last["createdAt"], last["_id"]) if more and last else None
    return RoomPreviewPage(data=data, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


@router.get("/lookup/{invite_code}", summary="Lookup room by invite code")
async def lookup(
    invite_code: Annotated[str, ...], user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> RoomPreview:
    room = await rooms.repo.by_code(invite_code) if re.fullmatch(r"[A-Za-z0-9]{6}", invite_code) else None
    if room is None:
        raise NotFound(ErrorCode.ROOM_NOT_FOUND, "No room with this invite code")
    hosts = await services.users.get_many([room.host_id])
    titles = await _titles(services, [room.problem_id or ""])
    return room_preview(services, room, user.id, hosts.get(room.host_id), titles.get(room.problem_id or ""))


@router.get("/{room_id}", summary="Get room details")
async def get_room(room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep) -> RoomDetail:
    room = await rooms.state(str(room_id))
    require_viewer(room, user.id)
    return await room_detail(services, room, user.id, await rooms.presence(room.id))


@router.delete("/{room_id}", summary="Destroy a room (host only)")
async def destroy_room(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep, ip: ClientIp
) -> DestroyRoomResponse:
    room = await rooms.state(str(room_id))
    if room.host_id != user.id:
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Only the host can destroy the room")
    if room.status is RoomStatus.FINISHED:
        raise Conflict(ErrorCode.ROOM_FINISHED, "Finished rooms cannot be destroyed")
    await rooms.destroy(room.id)
    media_deleted = await close_media_room(services, room.id)
    await accounts.audit(
        services,
        "room.destroy",
        user.id,
        room.id,
        ip,
        {"code": room.code, "status": room.status.value},
        target_type="room",
    )
    return DestroyRoomResponse(roomId=room.id, collabDeleted=True, mediaDeleted=media_deleted)
