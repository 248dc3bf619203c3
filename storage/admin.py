"""Admin read models and the two admin writes on accounts (ban state, role).

Every admin query lives here: dashboard counters (count_documents only, never loading documents), the
user / room / audit-log pages (keyset on `(createdAt, _id)` descending, `limit + 1` rows so the caller
knows whether another page exists) and a user's activity counters.

Invariant: soft-deleted accounts (`active: False`) are never listed, counted as users, or changed; they
remain readable one by one (`UserRepository.get`).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import DESCENDING

from engine.identity import User, UserRole
from engine.pagination import Cursor
from engine.room.state import Room
from engine.room.status import RoomStatus
from storage.audit import AuditEntry, doc_to_entry
from storage.client import Document, Mongo
from storage.rooms import doc_to_room
from storage.users import doc_to_user

NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", DESCENDING)]
LIVE_STATUSES = tuple(s for s in RoomStatus if s is not RoomStatus.FINISHED)
ACCEPTED = {"result.verdict": "accepted"}
LIVE_USER: Document = {"active": True}
BANNED: Document = {"bannedAt": {"$ne": None}}


@dataclass(frozen=True)
class UserCounts:
    total: int
    active: int
    banned: int
    admins: int
    new_last_7_days: int


@dataclass(frozen=True)
class RoomCounts:
    by_status: dict[RoomStatus, int]
    finished_last_24h: int


@dataclass(frozen=True)
class SessionCounts:
    total: int
    ongoing: int
    started_last_7_days: int


@dataclass(frozen=True)
class ExecutionCounts:
    runs: int
    submissions: int
    accepted_submissions: int


@dataclass(frozen=True)
class ProblemCounts:
    published: int
    drafts: int


@dataclass(frozen=True)
class Dashboard:
    users: UserCounts
    rooms: RoomCounts
    sessions: SessionCounts
    executions: ExecutionCounts
    problems: ProblemCounts


@dataclass(frozen=True)
class UserActivity:
    rooms: int
    sessions: int
    runs: int
    submissions: int
    accepted_submissions: int


@dataclass(frozen=True)
class UserFilter:
    search: str | None = None
    banned: bool | None = None


@dataclass(frozen=True)
class RoomFilter:
    status: RoomStatus | None = None
    search: str | None = None
    host_id: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor_id: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    search_actor_ids: tuple[str, ...] = ()


def contains(text: str) -> Document:
    """Case-insensitive substring match of user-supplied text (regex metacharacters escaped)."""
    return {"$regex": re.escape(text), "$options": "i"}


def after(cursor: Cursor | None) -> Document:
    """Rows strictly after `cursor` in `(createdAt, _id)` descending order."""
    if cursor is None:
        return {}
    moment = cursor.moment
    return {"$or": [{"createdAt": {"$lt": moment}}, {"createdAt": moment, "_id": {"$lt": cursor.id}}]}


def _and(*clauses: Document) -> Document:
    kept = [c for c in clauses if c]
    return {"$and": kept} if kept else {}


def _user_query(f: UserFilter) -> Document:
    clauses: list[Document] = [LIVE_USER]
    if f.search:
        pattern = contains(f.search)
        clauses.append({"$or": [{"email": pattern}, {"username": pattern}, {"displayName": pattern}]})
    if f.banned is True:
        clauses.append(BANNED)
    elif f.banned is False:
        clauses.append({"bannedAt": None})
    return _and(*clauses)


def _room_query(f: RoomFilter) -> Document:
    clauses: list[Document] = []
    if f.status is not None:
        clauses.append({"status": f.status.value})
    if f.host_id is not None:
        clauses.append({"hostId": f.host_id})
    if f.search:
        clauses.append({"$or": [{"name": contains(f.search)}, {"code": contains(f.search)}]})
    return _and(*clauses)


def _audit_query(f: AuditFilter) -> Document:
    clauses: list[Document] = []
    if f.action:
        clauses.append({"action": contains(f.action)})
    exact = {"actorId": f.actor_id, "targetType": f.target_type, "targetId": f.target_id}
    clauses.extend({key: value} for key, value in exact.items() if value is not None)
    window = {op: t for op, t in (("$gte", f.since), ("$lte", f.until)) if t is not None}
    if window:
        clauses.append({"createdAt": window})
    if f.search:
        pattern = contains(f.search)
        matches: list[Document] = [{"action": pattern}, {"targetType": pattern}, {"targetId": pattern}]
        if f.search_actor_ids:
            matches.append({"actorId": {"$in": list(f.search_actor_ids)}})
        clauses.append({"$or": matches})
    return _and(*clauses)


class AdminRepository:
    def __init__(self, mongo: Mongo) -> None:
        db = mongo.db
        self._users = db["users"]
        self._rooms = db["rooms"]
        self._sessions = db["sessions"]
        self._runs = db["runs"]
        self._submissions = db["submissions"]
        self._problems = db["problems"]
        self._audit = db["audit_logs"]

    # -- dashboard ---------------------------------------------------------------------------------

    async def dashboard(self, now: datetime) -> Dashboard:
        users, rooms, sessions, executions, problems = await asyncio.gather(
            self._user_counts(now - timedelta(days=7)),
            self._room_counts(now - timedelta(hours=24)),
            self._session_counts(now - timedelta(days=7)),
            self._execution_counts(now - timedelta(hours=24)),
            self._problem_counts(),
        )
        return Dashboard(users, rooms, sessions, executions, problems)

    async def _count(self, collection: Any, *clauses: Document) -> int:
        count: int = await collection.count_documents(_and(*clauses))
        return count

    async def _user_counts(self, since: datetime) -> UserCounts:
        total, banned, admins, new = await asyncio.gather(
            self._count(self._users, LIVE_USER),
            self._count(self._users, LIVE_USER, BANNED),
            self._count(self._users, LIVE_USER, {"role": UserRole.ADMIN.value}),
            self._count(self._users, LIVE_USER, {"createdAt": {"$gte": since}}),
        )
        return UserCounts(
            total=total, active=total - banned, banned=banned, admins=admins, new_last_7_days=new
        )

    async def _room_counts(self, since: datetime) -> RoomCounts:
        live = await asyncio.gather(*(self._count(self._rooms, {"status": s.value}) for s in LIVE_STATUSES))
        finished = await self._count(
            self._rooms, {"status": RoomStatus.FINISHED.value, "finishedAt": {"$gte": since}}
        )
        return RoomCounts(by_status=dict(zip(LIVE_STATUSES, live, strict=True)), finished_last_24h=finished)

    async def _session_counts(self, since: datetime) -> SessionCounts:
        total, ongoing, started = await asyncio.gather(
            self._count(self._sessions),
            self._count(self._sessions, {"status": "ongoing"}),
            self._count(self._sessions, {"startedAt": {"$gte": since}}),
        )
        return SessionCounts(total=total, ongoing=ongoing, started_last_7_days=started)

    async def _execution_counts(self, since: datetime) -> ExecutionCounts:
        recent = {"createdAt": {"$gte": since}}
        runs, submissions, accepted = await asyncio.gather(
            self._count(self._runs, recent),
            self._count(self._submissions, recent),
            self._count(self._submissions, recent, ACCEPTED),
        )
        return ExecutionCounts(runs=runs, submissions=submissions, accepted_submissions=accepted)

    async def _problem_counts(self) -> ProblemCounts:
        live = {"deletedAt": None}
        published, drafts = await asyncio.gather(
            self._count(self._problems, live, {"isPublished": True}),
            self._count(self._problems, live, {"isPublished": False}),
        )
        return ProblemCounts(published=published, drafts=drafts)

    # -- users -------------------------------------------------------------------------------------

    async def user_page(self, f: UserFilter, limit: int, cursor: Cursor | None) -> list[User]:
        query = _and(_user_query(f), after(cursor))
        rows = self._users.find(query).sort(NEWEST_FIRST).limit(limit + 1)
        return [doc_to_user(d) async for d in rows]

    async def user_ids_matching(self, text: str, cap: int) -> list[str]:
        """Ids of accounts (deleted ones included) whose email, username or display name contains
        `text`; at most `cap`."""
        pattern = contains(text)
        query = {"$or": [{"email": pattern}, {"username": pattern}, {"displayName": pattern}]}
        return [d["_id"] async for d in self._users.find(query, {"_id": 1}).limit(cap)]

    async def activity(self, user_id: str) -> UserActivity:
        mine = {"userId": user_id}
        rooms, sessions, runs, submissions, accepted = await asyncio.gather(
            self._count(self._rooms, {"participantIds": user_id}),
            self._count(self._sessions, {"participantIds": user_id, "status": "finished"}),
            self._count(self._runs, mine),
            self._count(self._submissions, mine),
            self._count(self._submissions, mine, ACCEPTED),
        )
        return UserActivity(
            rooms=rooms, sessions=sessions, runs=runs, submissions=submissions, accepted_submissions=accepted
        )

    async def last_login(self, user_id: str) -> datetime | None:
        doc = await self._audit.find_one(
            {"action": "auth.login", "targetType": "user", "targetId": user_id},
            {"createdAt": 1},
            sort=NEWEST_FIRST,
        )
        return doc["createdAt"] if doc else None

    async def recent_audit(self, user_id: str, limit: int) -> list[AuditEntry]:
        """The newest entries whose target is the user or whose actor is the user."""
        query = {"$or": [{"targetType": "user", "targetId": user_id}, {"actorId": user_id}]}
        return [doc_to_entry(d) async for d in self._audit.find(query).sort(NEWEST_FIRST).limit(limit)]

    async def set_ban(
        self, user_id: str, banned_at: datetime | None, reason: str | None, now: datetime
    ) -> User | None:
        """Set (or clear, with `banned_at=None`) the ban of a live account; None when it is gone."""
        return await self._update(user_id, {"bannedAt": banned_at, "bannedReason": reason}, now)

    async def set_role(self, user_id: str, role: UserRole, now: datetime) -> User | None:
        return await self._update(user_id, {"role": role.value}, now)

    async def _update(self, user_id: str, changes: Document, now: datetime) -> User | None:
        doc = await self._users.find_one_and_update(
            {"_id": user_id, **LIVE_USER}, {"$set": {**changes, "updatedAt": now}}, return_document=True
        )
        return doc_to_user(doc) if doc else None

    # -- rooms and audit log -----------------------------------------------------------------------

    async def room_page(self, f: RoomFilter, limit: int, cursor: Cursor | None) -> list[Room]:
        query = _and(_room_query(f), after(cursor))
        rows = self._rooms.find(query, {"recentCommands": 0}).sort(NEWEST_FIRST).limit(limit + 1)
        return [doc_to_room(d) async for d in rows]

    async def audit_page(self, f: AuditFilter, limit: int, cursor: Cursor | None) -> list[AuditEntry]:
        query = _and(_audit_query(f), after(cursor))
        return [doc_to_entry(d) async for d in self._audit.find(query).sort(NEWEST_FIRST).limit(limit + 1)]
