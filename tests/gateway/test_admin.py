"""Admin API through the real app, a real local Ray and the real database: access, stats (as deltas, the
database is shared by the session), users list/detail/update (ban revokes sessions), rooms list and
force-close, audit log filters and pagination, and the OpenAPI names."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from engine.identity import UserRole
from engine.room import RoomMode, RoomStatus
from engine.room.state import Room, RoomSettings
from gateway.room_service import new_code
from gateway.services import Services
from storage.bank import problem_dirs
from storage.executions import ExecutionRepository
from storage.rooms import RoomRepository
from tests.gateway.rooms_support import create_room, join, to_coding
from tests.support import Account, AdjustableClock, err, ok, register, unique, wait_until

pytestmark = pytest.mark.anyio
Json = dict[str, Any]


async def _admin(client: httpx.AsyncClient, services: Services) -> Account:
    account = await register(client)
    await services.users.set_role(account.id, UserRole.ADMIN, services.now())
    return account


async def _get(client: httpx.AsyncClient, who: Account, path: str, **params: Any) -> Json:
    return ok(await client.get(f"/api/admin{path}", headers=who.headers, params=params))


async def _patch(client: httpx.AsyncClient, who: Account, user_id: str, body: Json) -> httpx.Response:
    return await client.patch(f"/api/admin/users/{user_id}", headers=who.headers, json=body)


async def _close(
    client: httpx.AsyncClient, who: Account, room_id: str, reason: str = "abuse"
) -> httpx.Response:
    return await client.post(
        f"/api/admin/rooms/{room_id}/close", headers=who.headers, json={"reason": reason}
    )


async def _login(client: httpx.AsyncClient, who: Account) -> httpx.Response:
    response = await client.post(
        "/api/auth/login", json={"identifier": who.username, "password": who.password}
    )
    client.cookies.clear()
    return response


async def _all_pages(client: httpx.AsyncClient, who: Account, path: str, **params: Any) -> list[list[str]]:
    """Ids per page, following nextCursor until hasMore is false."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        body = await _get(client, who, path, **params, **({"cursor": cursor} if cursor else {}))
        key = "roomId" if path == "/rooms" else "id"
        pages.append([row[key] for row in body["data"]])
        cursor = body["pagination"]["nextCursor"]
        assert (cursor is not None) == body["pagination"]["hasMore"]
        if cursor is None:
            return pages


def _flat(stats: Json) -> dict[str, int]:
    return {
        f"{group}.{key}": value
        for group, values in stats.items()
        if isinstance(values, dict)
        for key, value in values.items()
    }


# -- access and contract -----------------------------------------------------------------------------


async def test_admin_routes_refuse_non_admins(client: httpx.AsyncClient) -> None:
    user = await register(client)
    some = str(uuid.uuid4())
    calls: list[tuple[str, str, Json | None]] = [
        ("GET", "/api/admin/stats", None),
        ("GET", "/api/admin/users", None),
        ("GET", f"/api/admin/users/{some}", None),
        ("PATCH", f"/api/admin/users/{some}", {"banned": True}),
        ("GET", "/api/admin/rooms", None),
        ("POST", f"/api/admin/rooms/{some}/close", {"reason": "x"}),
        ("GET", "/api/admin/audit-logs", None),
    ]
    for method, path, body in calls:
        refused = await client.request(method, path, headers=user.headers, json=body)
        assert err(refused, 403) == "FORBIDDEN", path
        anonymous = await client.request(method, path, json=body)
        assert err(anonymous, 401) == "UNAUTHORIZED", path


async def test_admin_openapi_names_summaries_and_tag(client: httpx.AsyncClient) -> None:
    spec = ok(await client.get("/api/openapi.json"))
    names = {"AdminDashboard", "AdminUserEntry", "AdminUserDetail", "AdminRoomEntry", "AuditLogEntry"}
    assert names <= set(spec["components"]["schemas"])
    expected = {
        ("get", "/api/admin/stats"): "System overview stats",
        ("get", "/api/admin/users"): "List all users",
        ("get", "/api/admin/users/{user_id}"): "Get user details (admin view)",
        ("patch", "/api/admin/users/{user_id}"): "Update user (ban, role change)",
        ("get", "/api/admin/rooms"): "List all rooms",
        ("post", "/api/admin/rooms/{room_id}/close"): "Force-close a room",
        ("get", "/api/admin/audit-logs"): "Query audit logs",
    }
    admin_ops = {
        (method, path): op
        for path, ops in spec["paths"].items()
        if path.startswith("/api/admin")
        for method, op in ops.items()
    }
    assert set(admin_ops) == set(expected)
    for key, summary in expected.items():
        assert admin_ops[key]["summary"] == summary
        assert admin_ops[key]["tags"] == ["admin"]


# -- stats ---------------------------------------------------------------------------------------------


async def _bank_seeded(services: Services) -> None:
    """The app seeds the problem bank in the background: wait until it is done, so problem counts hold
    still between two readings."""
    slugs = {folder.name for folder in problem_dirs()}

    async def done() -> bool:
        state = await services.problems.seed_state()
        return slugs <= {slug for slug, digest in state.items() if digest}

    await wait_until(done, timeout_s=60)


async def _executions(services: Services, user_id: str, room_id: str) -> None:
    """Two runs and two submissions (one accepted) now, and one run two days ago."""
    repo, now = ExecutionRepository(services.mongo), services.now()

    async def job(kind: str, at: datetime, verdict: str | None = None) -> None:
        job_id = str(uuid.uuid4())
        await repo.create(kind, {"_id": job_id, "roomId": room_id, "userId": user_id, "createdAt": at})
        if verdict is not None:
            await repo.complete(kind, job_id, "completed", {"verdict": verdict, "stdout": ""}, at)

    for kind, at, verdict in [
        ("run", now, None),
        ("run", now, "accepted"),
        ("run", now - timedelta(days=2), None),
        ("submission", now, "accepted"),
        ("submission", now, "wrong_answer"),
    ]:
        await job(kind, at, verdict)


async def _problems(client: httpx.AsyncClient, admin: Account) -> None:
    """One published, one draft, one published then deleted."""
    ids = []
    for published in (True, False, True):
        body = {
            "title": unique("Admin stats "),
            "description": "Echo the input.",
            "difficulty": "easy",
            "isPublished": published,
            "testCases": [{"input": "1", "expectedOutput": "1"}],
        }
        ids.append(ok(await client.post("/api/problems", headers=admin.headers, json=body), 201)["id"])
    assert (await client.delete(f"/api/problems/{ids[2]}", headers=admin.headers)).status_code == 204


async def test_stats_count_what_was_created(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    await _bank_seeded(services)
    before = _flat(await _get(client, admin, "/stats"))
    host, guest, banned, promoted, deleted = [await register(client) for _ in range(5)]
    assert (await _patch(client, admin, banned.id, {"banned": True})).status_code == 200
    assert (await _patch(client, admin, promoted.id, {"role": "admin"})).status_code == 200
    assert (await client.delete("/api/users/me", headers=deleted.headers)).status_code == 204
    coding = await create_room(client, host)
    assert (await join(client, guest, coding)).status_code == 200
    await to_coding(client, host, guest, coding)
    await create_room(client, host)
    closed = await create_room(client, guest)
    assert (await _close(client, admin, closed["roomId"])).status_code == 200
    await _executions(services, host.id, coding["roomId"])
    await _problems(client, admin)
    after = _flat(await _get(client, admin, "/stats"))
    delta = {key: after[key] - before[key] for key in before}
    assert delta == {
        "users.total": 4,
        "users.active": 3,
        "users.banned": 1,
        "users.admins": 1,
        "users.newLast7Days": 4,
        "rooms.live": 2,
        "rooms.waiting": 1,
        "rooms.warmup": 0,
        "rooms.coding": 1,
        "rooms.wrapup": 0,
        "rooms.finishedLast24h": 1,
        "sessions.total": 1,
        "sessions.ongoing": 1,
        "sessions.startedLast7Days": 1,
        "executionsLast24h.runs": 2,
        "executionsLast24h.submissions": 2,
        "executionsLast24h.acceptedSubmissions": 1,
        "problems.published": 1,
        "problems.drafts": 1,
    }


async def _finished_room(services: Services, host_id: str, finished_at: datetime) -> None:
    room = Room(
        id=str(uuid.uuid4()),
        code=new_code(),
        mode=RoomMode.PEER,
        host_id=host_id,
        status=RoomStatus.FINISHED,
        settings=RoomSettings(name=None),
        created_at=finished_at - timedelta(hours=1),
        finished_at=finished_at,
    )
    await RoomRepository(services.mongo).save(room, 0, [])


async def _past_activity(services: Services, user_id: str, now: datetime) -> None:
    """Just inside and just outside each window: runs and submissions (24 h), finished rooms (24 h) and
    sessions started (7 days)."""
    repo = ExecutionRepository(services.mongo)
    for hours in (23, 25):
        at = now - timedelta(hours=hours)
        for kind in ("run", "submission"):
            job_id = str(uuid.uuid4())
            await repo.create(kind, {"_id": job_id, "roomId": "none", "userId": user_id, "createdAt": at})
            await repo.complete(kind, job_id, "completed", {"verdict": "accepted", "stdout": ""}, at)
        await _finished_room(services, user_id, at)
    for days in (6, 8):
        at = now - timedelta(days=days)
        session = {"_id": str(uuid.uuid4()), "status": "finished", "startedAt": at, "finishedAt": at}
        await services.mongo.db["sessions"].insert_one({**session, "participantIds": [], "roomId": "none"})


async def _register_at(client: httpx.AsyncClient, clock: AdjustableClock, offset: timedelta) -> Account:
    clock.offset = offset
    try:
        return await register(client)
    finally:
        clock.offset = timedelta()


async def test_stats_windows_follow_the_gateway_clock(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    admin = await _admin(client, services)
    before = _flat(await _get(client, admin, "/stats"))
    await _register_at(client, clock, -timedelta(days=7) + timedelta(hours=1))
    await _register_at(client, clock, -timedelta(days=7) - timedelta(hours=1))
    await _past_activity(services, admin.id, datetime.now(UTC))
    after = _flat(await _get(client, admin, "/stats"))
    changed = {key: after[key] - before[key] for key in before if after[key] != before[key]}
    assert changed == {
        "users.total": 2,
        "users.active": 2,
        "users.newLast7Days": 1,
        "rooms.finishedLast24h": 1,
        "sessions.total": 2,
        "sessions.startedLast7Days": 1,
        "executionsLast24h.runs": 1,
        "executionsLast24h.submissions": 1,
        "executionsLast24h.acceptedSubmissions": 1,
    }
    clock.advance(-timedelta(hours=2).total_seconds())
    earlier = await _get(client, admin, "/stats")
    shifted = {key: value - after[key] for key, value in _flat(earlier).items() if value != after[key]}
    assert shifted == {
        "users.newLast7Days": 1,
        "rooms.finishedLast24h": 1,
        "executionsLast24h.runs": 1,
        "executionsLast24h.submissions": 1,
        "executionsLast24h.acceptedSubmissions": 1,
    }
    generated = datetime.fromisoformat(earlier["generatedAt"].replace("Z", "+00:00"))
    assert abs(generated - (datetime.now(UTC) - timedelta(hours=2))) < timedelta(minutes=1)


# -- users ---------------------------------------------------------------------------------------------


async def _named(client: httpx.AsyncClient, tag: str, count: int) -> list[Account]:
    accounts = []
    for i in range(count):
        account = await register(client)
        name = {"displayName": f"Zeta {tag} {i}"}
        assert (await client.patch("/api/users/me", headers=account.headers, json=name)).status_code == 200
        accounts.append(account)
    return accounts


async def test_users_list_search_status_and_pagination(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    tag = uuid.uuid4().hex[:10]
    users = await _named(client, tag, 4)
    newest_first = [u.id for u in reversed(users)]
    assert (await client.delete("/api/users/me", headers=users[0].headers)).status_code == 204
    live = newest_first[:3]
    assert (await _patch(client, admin, users[1].id, {"banned": True, "reason": "spam"})).status_code == 200
    found = await _get(client, admin, "/users", search=f"zeta {tag.upper()}")
    assert [u["id"] for u in found["data"]] == live
    assert found["pagination"] == {"nextCursor": None, "hasMore": False}
    row = found["data"][2]
    assert (row["bannedReason"], row["role"], row["displayName"]) == ("spam", "user", f"Zeta {tag} 1")
    banned = await _get(client, admin, "/users", search=tag, status="banned")
    assert [u["id"] for u in banned["data"]] == [users[1].id]
    active = await _get(client, admin, "/users", search=tag, status="active")
    assert [u["id"] for u in active["data"]] == live[:2]
    by_email = await _get(client, admin, "/users", search=users[2].email.upper())
    assert [u["id"] for u in by_email["data"]] == [users[2].id]
    assert (await _get(client, admin, "/users", search=f"{tag} ."))["data"] == []
    pages = await _all_pages(client, admin, "/users", search=tag, limit=2)
    assert pages == [live[:2], live[2:]]


async def test_users_list_rejects_bad_queries(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    cases: list[Json] = [
        {"cursor": "not-a-cursor"},
        {"cursor": "W1tdXQ"},
        {"limit": 0},
        {"limit": 101},
        {"status": "deleted"},
        {"search": ""},
        {"search": "x" * 101},
    ]
    for params in cases:
        response = await client.get("/api/admin/users", headers=admin.headers, params=params)
        assert err(response, 400) == "VALIDATION_FAILED", params


async def test_user_detail_counts_and_last_login(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    admin = await _admin(client, services)
    user, guest = await register(client), await register(client)
    fresh = await _get(client, admin, f"/users/{user.id}")
    assert fresh["lastLoginAt"] is None and fresh["deletedAt"] is None
    assert fresh["counts"] == {
        "rooms": 0,
        "sessions": 0,
        "runs": 0,
        "submissions": 0,
        "acceptedSubmissions": 0,
    }
    assert [e["action"] for e in fresh["recentAudit"]] == ["auth.register"]
    room = await create_room(client, user)
    assert (await join(client, guest, room)).status_code == 200
    await to_coding(client, user, guest, room)
    assert (await _close(client, admin, room["roomId"])).status_code == 200
    await create_room(client, user)
    await _executions(services, user.id, room["roomId"])
    assert (await _login(client, user)).status_code == 200
    clock.advance(5)
    assert (await _login(client, user)).status_code == 200
    detail = await _get(client, admin, f"/users/{user.id}")
    assert detail["counts"] == {
        "rooms": 2,
        "sessions": 1,
        "runs": 3,
        "submissions": 2,
        "acceptedSubmissions": 1,
    }
    logins = [e for e in detail["recentAudit"] if e["action"] == "auth.login"]
    assert len(logins) == 2
    assert detail["lastLoginAt"] == logins[0]["createdAt"] > logins[1]["createdAt"]
    assert logins[0]["actor"] == {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "displayName": None,
    }
    assert [e["action"] for e in detail["recentAudit"]][-1] == "auth.register"


async def test_user_detail_shows_deleted_and_refuses_unknown(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    gone = await register(client)
    assert (await client.delete("/api/users/me", headers=gone.headers)).status_code == 204
    detail = await _get(client, admin, f"/users/{gone.id}")
    assert detail["deletedAt"] is not None
    assert detail["recentAudit"][0]["action"] == "user.delete"
    missing = await client.get(f"/api/admin/users/{uuid.uuid4()}", headers=admin.headers)
    assert err(missing, 404) == "USER_NOT_FOUND"
    assert err(await client.get("/api/admin/users/nope", headers=admin.headers), 400) == "VALIDATION_FAILED"
    patched = await _patch(client, admin, gone.id, {"banned": True})
    assert err(patched, 404) == "USER_NOT_FOUND"
    assert err(await _patch(client, admin, str(uuid.uuid4()), {"role": "admin"}), 404) == "USER_NOT_FOUND"


async def test_ban_revokes_sessions_and_unban_restores_login(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    banned = ok(await _patch(client, admin, user.id, {"banned": True, "reason": "  spam  "}))
    assert banned["bannedAt"] is not None and banned["bannedReason"] == "spam"
    assert err(await client.get("/api/users/me", headers=user.headers), 401) == "USER_BANNED"
    refresh = await client.post("/api/auth/refresh", json={"refreshToken": user.refresh})
    assert err(refresh, 401) == "AUTH_TOKEN_REVOKED"
    assert err(await _login(client, user), 401) == "USER_BANNED"
    again = ok(await _patch(client, admin, user.id, {"banned": True}))
    assert (again["bannedAt"], again["bannedReason"]) == (banned["bannedAt"], "spam")
    unbanned = ok(await _patch(client, admin, user.id, {"banned": False}))
    assert (unbanned["bannedAt"], unbanned["bannedReason"]) == (None, None)
    assert err(await client.post("/api/auth/refresh", json={"refreshToken": user.refresh}), 401) == (
        "AUTH_TOKEN_REVOKED"
    )
    relogin = ok(await _login(client, user))
    me = await client.get("/api/users/me", headers={"authorization": f"Bearer {relogin['accessToken']}"})
    assert ok(me)["id"] == user.id
    actions = [
        (e["action"], e["metadata"]) for e in unbanned["recentAudit"] if e["action"].startswith("admin")
    ]
    assert actions == [("admin.user.unban", None), ("admin.user.ban", {"reason": "spam"})]
    register_ip = next(e["ipAddress"] for e in unbanned["recentAudit"] if e["action"] == "auth.register")
    assert {e["ipAddress"] for e in unbanned["recentAudit"]} == {register_ip}


async def test_update_user_validates_the_body(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    bodies: list[Json] = [
        {},
        {"reason": "why"},
        {"banned": False, "reason": "why"},
        {"banned": True, "reason": "   "},
        {"banned": True, "reason": "x" * 501},
        {"banned": "yes"},
        {"banned": None, "role": None},
        {"role": "root"},
        {"banned": True, "extra": 1},
    ]
    for body in bodies:
        assert err(await _patch(client, admin, user.id, body), 400) == "VALIDATION_FAILED", body
    assert (await _get(client, admin, f"/users/{user.id}"))["bannedAt"] is None


async def test_role_change_takes_effect_and_self_changes_are_refused(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    user = await register(client)
    assert err(await client.get("/api/admin/stats", headers=user.headers), 403) == "FORBIDDEN"
    promoted = ok(await _patch(client, admin, user.id, {"role": "admin"}))
    assert promoted["role"] == "admin"
    assert promoted["recentAudit"][0]["action"] == "admin.user.role_change"
    assert promoted["recentAudit"][0]["metadata"] == {"from": "user", "to": "admin"}
    assert (await client.get("/api/admin/stats", headers=user.headers)).status_code == 200
    assert ok(await _patch(client, user, admin.id, {"role": "user"}))["role"] == "user"
    assert err(await client.get("/api/admin/stats", headers=admin.headers), 403) == "FORBIDDEN"
    refused: list[Json] = [{"role": "user"}, {"banned": True}, {"banned": True, "reason": "me"}]
    for body in refused:
        assert err(await _patch(client, user, user.id, body), 400) == "VALIDATION_FAILED", body
    me = await _get(client, user, f"/users/{user.id}")
    assert (me["role"], me["bannedAt"]) == ("admin", None)
    assert ok(await _patch(client, user, user.id, {"role": "admin"}))["role"] == "admin"


# -- rooms ---------------------------------------------------------------------------------------------


async def test_rooms_list_filters_and_pagination(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    host, guest = await register(client), await register(client)
    tag = uuid.uuid4().hex[:8]
    rooms = [await create_room(client, host, name=f"Admin {tag} room {i}") for i in range(3)]
    ids = [r["roomId"] for r in reversed(rooms)]
    assert (await join(client, guest, rooms[0])).status_code == 200
    assert (await _close(client, admin, rooms[1]["roomId"])).status_code == 200
    listed = await _get(client, admin, "/rooms", hostId=host.id)
    assert [r["roomId"] for r in listed["data"]] == ids
    first = listed["data"][2]
    assert first["participantCount"] == 2 and first["maxParticipants"] == 2
    assert (first["hostName"], first["status"], first["isPrivate"]) == (host.username, "waiting", True)
    assert (first["code"], first["mode"], first["language"]) == (rooms[0]["roomCode"], "peer", "python")
    waiting = await _get(client, admin, "/rooms", hostId=host.id, status="waiting")
    assert [r["roomId"] for r in waiting["data"]] == [ids[0], ids[2]]
    finished = await _get(client, admin, "/rooms", hostId=host.id, status="finished")
    assert [r["roomId"] for r in finished["data"]] == [ids[1]]
    assert finished["data"][0]["finishedAt"] is not None
    by_name = await _get(client, admin, "/rooms", search=f"ADMIN {tag.upper()} ROOM 2")
    assert [r["roomId"] for r in by_name["data"]] == [rooms[2]["roomId"]]
    by_code = await _get(client, admin, "/rooms", search=rooms[0]["roomCode"].lower())
    assert [r["roomId"] for r in by_code["data"]] == [rooms[0]["roomId"]]
    assert (await _get(client, admin, "/rooms", search=f"{tag} room."))["data"] == []
    assert await _all_pages(client, admin, "/rooms", hostId=host.id, limit=2) == [ids[:2], ids[2:]]


async def test_rooms_list_rejects_bad_queries(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    cases: list[Json] = [{"status": "open"}, {"hostId": "nope"}, {"cursor": "%%%"}, {"limit": 500}]
    for params in cases:
        response = await client.get("/api/admin/rooms", headers=admin.headers, params=params)
        assert err(response, 400) == "VALIDATION_FAILED", params


async def test_force_close_finishes_audits_and_refuses_twice(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await _admin(client, services)
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    assert (await join(client, guest, room)).status_code == 200
    await to_coding(client, host, guest, room)
    rid = room["roomId"]
    closed = ok(await _close(client, admin, rid, reason="  cheating  "))
    assert (closed["roomId"], closed["status"], closed["participantCount"]) == (rid, "finished", 0)
    assert closed["finishedAt"] is not None
    seen = ok(await client.get(f"/api/rooms/{rid}", headers=host.headers))
    assert seen["status"] == "finished"
    audit = await _get(client, admin, "/audit-logs", targetType="room", targetId=rid)
    assert [(e["action"], e["actorId"], e["metadata"]) for e in audit["data"]] == [
        ("admin.room.force_close", admin.id, {"reason": "cheating"})
    ]
    assert err(await _close(client, admin, rid), 409) == "ROOM_FINISHED"
    assert len((await _get(client, admin, "/audit-logs", targetId=rid))["data"]) == 1
    assert err(await _close(client, admin, str(uuid.uuid4())), 404) == "ROOM_NOT_FOUND"


async def test_force_close_validates(client: httpx.AsyncClient, services: Services) -> None:
    admin = await _admin(client, services)
    room = await create_room(client, await register(client))
    path = f"/api/admin/rooms/{room['roomId']}/close"
    for body in [
        {},
        {"reason": "   "},
        {"reason": "x" * 501},
        {"reason": "ok", "extra": True},
        {"reason": 5},
    ]:
        response = await client.post(path, headers=admin.headers, json=body)
        assert err(response, 400) == "VALIDATION_FAILED", body
    bad_id = await client.post("/api/admin/rooms/nope/close", headers=admin.headers, json={"reason": "x"})
    assert err(bad_id, 400) == "VALIDATION_FAILED"
    assert (await _get(client, admin, "/rooms", search=room["roomCode"]))["data"][0]["status"] == "waiting"


# -- audit log -----------------------------------------------------------------------------------------


async def _history(
    client: httpx.AsyncClient, admin: Account, clock: AdjustableClock
) -> tuple[Account, list[Json]]:
    """A user with five entries one second apart: register, login, login, ban, unban (newest first)."""
    user = await register(client)
    for action in ("login", "login", "ban", "unban"):
        clock.advance(1)
        if action == "login":
            assert (await _login(client, user)).status_code == 200
        else:
            assert (await _patch(client, admin, user.id, {"banned": action == "ban"})).status_code == 200
    entries = (await _get(client, admin, "/audit-logs", targetId=user.id))["data"]
    return user, entries


async def test_audit_logs_filters(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    admin = await _admin(client, services)
    user, entries = await _history(client, admin, clock)
    ids = [e["id"] for e in entries]
    actions = ["admin.user.unban", "admin.user.ban", "auth.login", "auth.login", "auth.register"]
    assert [e["action"] for e in entries] == actions
    assert entries[1]["actor"]["id"] == admin.id and entries[1]["targetType"] == "user"

    async def query(**params: Any) -> list[str]:
        return [e["id"] for e in (await _get(client, admin, "/audit-logs", **params))["data"]]

    assert await query(targetId=user.id, action="USER.BAN") == [ids[1]]
    assert await query(targetId=user.id, action="login") == ids[2:4]
    assert await query(targetId=user.id, actorId=admin.id) == ids[:2]
    assert await query(targetId=user.id, targetType="user") == ids
    assert await query(targetId=user.id, targetType="room") == []
    assert await query(targetId=user.id[:-1]) == []
    stamps = [e["createdAt"] for e in entries]
    assert await query(targetId=user.id, **{"from": stamps[3], "to": stamps[1]}) == ids[1:4]
    assert await query(targetId=user.id, **{"from": stamps[0]}) == ids[:1]
    assert await query(search=user.username.upper()) == ids[2:]
    assert await query(search=user.id, action="admin") == ids[:2]


async def test_audit_logs_pagination_and_bad_queries(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    admin = await _admin(client, services)
    _, entries = await _history(client, admin, clock)
    ids = [e["id"] for e in entries]
    target = entries[0]["targetId"]
    assert await _all_pages(client, admin, "/audit-logs", targetId=target, limit=2) == [
        ids[:2],
        ids[2:4],
        ids[4:],
    ]
    for params in [
        {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        {"from": "yesterday"},
        {"actorId": "nope"},
        {"cursor": "eyJ4IjoxfQ"},
        {"action": ""},
        {"targetId": "x" * 256},
    ]:
        response = await client.get("/api/admin/audit-logs", headers=admin.headers, params=params)
        assert err(response, 400) == "VALIDATION_FAILED", params
