"""Admin routes: overview stats, users (list, detail, ban/unban and role), rooms (list, force-close) and the
audit log. Every route requires an admin (403 FORBIDDEN otherwise); every change is audited with the
caller's address."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal, Protocol, TypeVar

from fastapi import APIRouter, Query

from engine.errors import Conflict, ErrorCode, InvalidInput, NotFound
from engine.identity import User, UserRole
from engine.pagination import Cursor, decode_cursor, time_cursor
from engine.room import RoomStatus
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway import accounts
from gateway.admin_views import (
    admin_repo,
    audit_entries,
    dashboard_view,
    room_entries,
    user_detail,
    user_entry,
)
from gateway.deps import AdminDep, ClientIp, ServicesDep
from gateway.room_admin import force_close
from gateway.room_deps import RoomsDep
from gateway.schemas.admin import (
    AdminDashboard,
    AdminRoomEntry,
    AdminRoomPage,
    AdminUpdateUserRequest,
    AdminUserDetail,
    AdminUserPage,
    AuditLogPage,
    CloseRoomRequest,
)
from gateway.schemas.common import ERROR_RESPONSES, Pagination
from gateway.services import Services
from gateway.ws import codes
from storage.admin import AuditFilter, RoomFilter, UserFilter

router = APIRouter(prefix="/admin", tags=["admin"], responses=ERROR_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)]
CursorParam = Annotated[str | None, Query(max_length=500)]
Search = Annotated[str | None, Query(min_length=1, max_length=100)]
SEARCH_ACTOR_CAP = 200


def _cursor(token: str | None) -> Cursor | None:
    return decode_cursor(token) if token else None


class Keyed(Protocol):
    """A row of a page ordered by `(createdAt, id)` descending."""

    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


Row = TypeVar("Row", bound=Keyed)


def _split(rows: list[Row], limit: int) -> tuple[list[Row], Pagination]:
    """`rows` holds up to `limit + 1` rows: the page, and whether another follows."""
    page, more = rows[:limit], len(rows) > limit
    next_cursor = time_cursor(page[-1].created_at, page[-1].id) if more and page else None
    return page, Pagination(nextCursor=next_cursor, hasMore=more)


def _text(value: str | None) -> str | None:
    """A search term with surrounding blanks removed; blank means no filter."""
    return (value or "").strip() or None


def _as_utc(moment: datetime | None, name: str) -> datetime | None:
    """A query bound in UTC (without an offset it is read as UTC); one whose UTC time is not
    representable (`0001-01-01T00:00+06:00`) is a 400, not an OverflowError when it is encoded."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError as exc:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, f"`{name}` is out of range", {name: "out of range"}
        ) from exc


@router.get("/stats", summary="System overview stats")
async def stats(_: AdminDep, services: ServicesDep) -> AdminDashboard:
    return dashboard_view(await admin_repo(services).dashboard(services.now()), services)


@router.get("/users", summary="List all users")
async def list_users(
    _: AdminDep,
    services: ServicesDep,
    cursor: CursorParam = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
    search: Search = None,
    status: Literal["active", "banned"] | None = None,
) -> AdminUserPage:
    query = UserFilter(search=_text(search), banned=None if status is None else status == "banned")
    page, pagination = _split(await admin_repo(services).user_page(query, limit, _cursor(cursor)), limit)
    return AdminUserPage(data=[user_entry(services, u) for u in page], pagination=pagination)


async def _any_user(services: Services, user_id: uuid.UUID) -> User:
    user = await services.users.get(str(user_id))
    if user is None:
        raise NotFound(ErrorCode.USER_NOT_FOUND, "User not found")
    return user


@router.get("/users/{user_id}", summary="Get user details (admin view)")
async def get_user(user_id: uuid.UUID, _: AdminDep, services: ServicesDep) -> AdminUserDetail:
    """Soft-deleted accounts are shown too (with `deletedAt`)."""
    return await user_detail(services, await _any_user(services, user_id))


def _refuse_self(admin: User, target: User, body: AdminUpdateUserRequest) -> None:
    if target.id != admin.id:
        return
    if body.banned is True:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "You cannot ban yourself", {"banned": "self"})
    if body.role is UserRole.USER:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "You cannot demote yourself", {"role": "self"})


def _gone(user: User | None) -> User:
    if user is None:
        raise NotFound(ErrorCode.USER_NOT_FOUND, "User not found")
    return user


async def _apply_ban(
    services: Services, admin: User, target: User, reason: str | None, ip: str | None
) -> User:
    """Ban (keeping the first ban time; a new reason replaces the old) and end every session."""
    now = services.now()
    await services.refresh_tokens.revoke_all(target.id, now)
    if target.banned_at is not None and (reason is None or reason == target.banned_reason):
        return target
    keep_reason = reason if reason is not None else target.banned_reason
    banned = _gone(await admin_repo(services).set_ban(target.id, target.banned_at or now, keep_reason, now))
    await accounts.audit(services, "admin.user.ban", admin.id, target.id, ip, {"reason": keep_reason})
    return banned


async def _apply_unban(services: Services, admin: User, target: User, ip: str | None) -> User:
    if target.banned_at is None:
        return target
    unbanned = _gone(await admin_repo(services).set_ban(target.id, None, None, services.now()))
    await accounts.audit(services, "admin.user.unban", admin.id, target.id, ip)
    return unbanned


async def _apply_role(services: Services, admin: User, target: User, role: UserRole, ip: str | None) -> User:
    if target.role is role:
        return target
    changed = _gone(await admin_repo(services).set_role(target.id, role, services.now()))
    meta: dict[str, object] = {"from": target.role.value, "to": role.value}
    await accounts.audit(services, "admin.user.role_change", admin.id, target.id, ip, meta)
    return changed


@router.patch("/users/{user_id}", summary="Update user (ban, role change)")
async def update_user(
    user_id: uuid.UUID,
    body: AdminUpdateUserRequest,
    admin: AdminDep,
    services: ServicesDep,
    rooms: RoomsDep,
    ip: ClientIp,
) -> AdminUserDetail:
    """Changes that change nothing (banning a banned user with the same reason, unbanning an unbanned
    one, setting the current role) write nothing and are not audited. Banning revokes every refresh
    token of the user and closes their room sockets at once (4001); their access and collab tokens stop
    working on the next request or connect."""
    target = await _any_user(services, user_id)
    if target.deleted_at is not None:
        raise NotFound(ErrorCode.USER_NOT_FOUND, "User not found")
    _refuse_self(admin, target, body)
    if body.banned is True:
        target = await _apply_ban(services, admin, target, body.reason, ip)
        await rooms.close_user_sockets(target.id, "Account banned", codes.UNAUTHORIZED)
    elif body.banned is False:
        target = await _apply_unban(services, admin, target, ip)
    if body.role is not None:
        target = await _apply_role(services, admin, target, body.role, ip)
    return await user_detail(services, target)


@router.get("/rooms", summary="List all rooms")
async def list_rooms(
    _: AdminDep,
    services: ServicesDep,
    cursor: CursorParam = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
    status: RoomStatus | None = None,
    search: Search = None,
    host_id: Annotated[uuid.UUID | None, Query(alias="hostId")] = None,
) -> AdminRoomPage:
    query = RoomFilter(status=status, search=_text(search), host_id=str(host_id) if host_id else None)
    page, pagination = _split(await admin_repo(services).room_page(query, limit, _cursor(cursor)), limit)
    return AdminRoomPage(data=await room_entries(services, page), pagination=pagination)


@router.post("/rooms/{room_id}/close", summary="Force-close a room")
async def close_room(
    room_id: uuid.UUID,
    body: CloseRoomRequest,
    admin: AdminDep,
    services: ServicesDep,
    rooms: RoomsDep,
    ip: ClientIp,
) -> AdminRoomEntry:
    """Finish a live room through the room's one finish path; answers with the closed room. A finished
    room is refused with 409 ROOM_FINISHED (the engine treats finishing it as a no-op)."""
    room = await rooms.state(str(room_id))
    if room.status is RoomStatus.FINISHED:
        raise Conflict(ErrorCode.ROOM_FINISHED, "The room has already finished")
    outcome = await force_close(services, rooms, room.id, admin.id, body.reason, ip)
    return (await room_entries(services, [outcome.room]))[0]


def _window(since: datetime | None, until: datetime | None) -> tuple[datetime | None, datetime | None]:
    since, until = _as_utc(since, "from"), _as_utc(until, "to")
    if since is not None and until is not None and since > until:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "from must not be after to", {"from": "after to"})
    return since, until


@router.get("/audit-logs", summary="Query audit logs")
async def audit_logs(
    _: AdminDep,
    services: ServicesDep,
    cursor: CursorParam = None,
    limit: Limit = PAGE_LIMIT_DEFAULT,
    action: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    actor_id: Annotated[uuid.UUID | None, Query(alias="actorId")] = None,
    target_type: Annotated[str | None, Query(alias="targetType", min_length=1, max_length=50)] = None,
    target_id: Annotated[str | None, Query(alias="targetId", min_length=1, max_length=255)] = None,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: Annotated[datetime | None, Query()] = None,
    search: Search = None,
) -> AuditLogPage:
    """`search` matches the action, target type or target id, or the actor's email, username or display
    name (as a substring, any case)."""
    since, until = _window(from_, to)
    repo = admin_repo(services)
    term = _text(search)
    actors = await repo.user_ids_matching(term, SEARCH_ACTOR_CAP) if term else []
    query = AuditFilter(
        action=_text(action),
        actor_id=str(actor_id) if actor_id else None,
        target_type=target_type,
        target_id=target_id,
        since=since,
        until=until,
        search=term,
        search_actor_ids=tuple(actors),
    )
    page, pagination = _split(await repo.audit_page(query, limit, _cursor(cursor)), limit)
    return AuditLogPage(data=await audit_entries(services, page), pagination=pagination)
