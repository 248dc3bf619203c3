"""Admin domain objects -> admin response models (users, user detail, rooms, audit entries, dashboard).

Related rows (hosts, audit actors) are fetched in one `get_many` per page, never one query per row.
"""

from __future__ import annotations

from engine.identity import User
from engine.room.state import Room
from engine.room.status import RoomStatus
from gateway.schemas.admin import (
    AdminDashboard,
    AdminExecutionStats,
    AdminProblemStats,
    AdminRoomEntry,
    AdminRoomStats,
    AdminSessionStats,
    AdminUserCounts,
    AdminUserDetail,
    AdminUserEntry,
    AdminUserStats,
    AuditActor,
    AuditLogEntry,
)
from gateway.services import Services
from gateway.views import avatar_url, shown_name
from storage.admin import AdminRepository, Dashboard
from storage.audit import AuditEntry

RECENT_AUDIT_LIMIT = 20


def admin_repo(services: Services) -> AdminRepository:
    return AdminRepository(services.mongo)


def dashboard_view(d: Dashboard, services: Services) -> AdminDashboard:
    by_status = d.rooms.by_status
    return AdminDashboard(
        users=AdminUserStats(
            total=d.users.total,
            active=d.users.active,
            banned=d.users.banned,
            admins=d.users.admins,
            newLast7Days=d.users.new_last_7_days,
        ),
        rooms=AdminRoomStats(
            live=sum(by_status.values()),
            waiting=by_status[RoomStatus.WAITING],
            warmup=by_status[RoomStatus.WARMUP],
            coding=by_status[RoomStatus.CODING],
            wrapup=by_status[RoomStatus.WRAPUP],
            finishedLast24h=d.rooms.finished_last_24h,
        ),
        sessions=AdminSessionStats(
            total=d.sessions.total,
            ongoing=d.sessions.ongoing,
            startedLast7Days=d.sessions.started_last_7_days,
        ),
        executionsLast24h=AdminExecutionStats(
            runs=d.executions.runs,
            submissions=d.executions.submissions,
            acceptedSubmissions=d.executions.accepted_submissions,
        ),
        problems=AdminProblemStats(published=d.problems.published, drafts=d.problems.drafts),
        generatedAt=services.now(),
    )


def user_entry(services: Services, user: User) -> AdminUserEntry:
    return AdminUserEntry(
        id=user.id,
        email=user.email,
        username=user.username,
        displayName=user.display_name,
        role=user.role.value,
        avatarUrl=avatar_url(services, user),
        bannedAt=user.banned_at,
        bannedReason=user.banned_reason,
        createdAt=user.created_at,
        updatedAt=user.updated_at,
    )


async def user_detail(services: Services, user: User) -> AdminUserDetail:
    repo = admin_repo(services)
    activity = await repo.activity(user.id)
    counts = AdminUserCounts(
        rooms=activity.rooms,
        sessions=activity.sessions,
        runs=activity.runs,
        submissions=activity.submissions,
        acceptedSubmissions=activity.accepted_submissions,
    )
    recent = await audit_entries(services, await repo.recent_audit(user.id, RECENT_AUDIT_LIMIT))
    return AdminUserDetail(
        **user_entry(services, user).model_dump(),
        deletedAt=user.deleted_at,
        lastLoginAt=await repo.last_login(user.id),
        counts=counts,
        recentAudit=recent,
    )


def _actor(user: User | None) -> AuditActor | None:
    if user is None:
        return None
    return AuditActor(id=user.id, username=user.username, email=user.email, displayName=user.display_name)


async def audit_entries(services: Services, entries: list[AuditEntry]) -> list[AuditLogEntry]:
    actors = await services.users.get_many(sorted({e.actor_id for e in entries if e.actor_id}))
    return [
        AuditLogEntry(
            id=e.id,
            actorId=e.actor_id,
            actor=_actor(actors.get(e.actor_id)) if e.actor_id else None,
            action=e.action,
            targetType=e.target_type,
            targetId=e.target_id,
            metadata=e.metadata,
            ipAddress=e.ip_address,
            createdAt=e.created_at,
        )
        for e in entries
    ]


def _room_entry(room: Room, host: User | None) -> AdminRoomEntry:
    return AdminRoomEntry(
        roomId=room.id,
        name=room.settings.name,
        code=room.code,
        mode=room.mode.value,
        status=room.status.value,
        hostId=room.host_id,
        hostName=shown_name(host),
        language=room.language,
        problemId=room.problem_id,
        participantCount=len(room.active()),
        maxParticipants=room.settings.max_participants,
        isPrivate=room.settings.is_private,
        createdAt=room.created_at,
        updatedAt=room.updated_at or room.created_at,
        finishedAt=room.finished_at,
    )


async def room_entries(services: Services, rooms: list[Room]) -> list[AdminRoomEntry]:
    hosts = await services.users.get_many(sorted({r.host_id for r in rooms}))
    return [_room_entry(r, hosts.get(r.host_id)) for r in rooms]
