"""Rooms, participants and control routes: success paths and every documented error code, through the
real gateway, a real local Ray and the real database."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from tests.gateway.rooms_support import create_problem, create_room, join, post, to_coding
from tests.support import Account, AdjustableClock, err, register

pytestmark = pytest.mark.anyio


async def _pair(client: httpx.AsyncClient, **body: Any) -> tuple[Account, Account, dict[str, Any]]:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host, **body)
    assert (await join(client, guest, room)).status_code == 200
    return host, guest, room


async def test_create_validates_and_is_idempotent(client: httpx.AsyncClient) -> None:
    host = await register(client)
    room = await create_room(client, host)
    assert room["status"] == "waiting"
    assert room["config"] == {"maxParticipants": 2, "maxDuration": 120, "isPrivate": True}
    assert (
        err(await client.post("/api/rooms", headers=host.headers, json={"mode": "peer", "x": 1}), 400)
        == "VALIDATION_FAILED"
    )
    missing = await client.post(
        "/api/rooms", headers=host.headers, json={"mode": "peer", "problemId": str(uuid.uuid4())}
    )
    assert err(missing, 404) == "PROBLEM_NOT_FOUND"
    key = str(uuid.uuid4())
    first = await client.post(
        "/api/rooms", headers={**host.headers, "Idempotency-Key": key}, json={"mode": "ai"}
    )
    again = await client.post(
        "/api/rooms", headers={**host.headers, "Idempotency-Key": key}, json={"mode": "ai"}
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["roomId"] == again.json()["roomId"]
    bad_key = await client.post(
        "/api/rooms", headers={**host.headers, "Idempotency-Key": "nope"}, json={"mode": "ai"}
    )
    assert err(bad_key, 400) == "VALIDATION_FAILED"


async def test_detail_list_lookup_and_access(client: httpx.AsyncClient) -> None:
    host, guest, room = await _pair(client)
    stranger = await register(client)
    rid = room["roomId"]
    assert err(await client.get(f"/api/rooms/{rid}", headers=stranger.headers), 403) == "ROOM_ACCESS_DENIED"
    assert err(await client.get(f"/api/rooms/{uuid.uuid4()}", headers=host.headers), 404) == "ROOM_NOT_FOUND"
    mine = (await client.get("/api/rooms", headers=guest.headers, params={"status": "waiting"})).json()
    assert [r["roomId"] for r in mine["data"]] == [rid]
    assert mine["data"][0]["myRole"] == "candidate"
    assert mine["data"][0]["participantCount"] == 2
    preview = await client.get(f"/api/rooms/lookup/{room['roomCode'].lower()}", headers=stranger.headers)
    assert preview.status_code == 200
    assert preview.json()["isParticipant"] is False
    assert (
        err(await client.get("/api/rooms/lookup/ZZZZZZ", headers=stranger.headers), 404) == "ROOM_NOT_FOUND"
    )
    participants = (await client.get(f"/api/rooms/{rid}/participants", headers=host.headers)).json()["data"]
    assert {p["role"] for p in participants} == {"interviewer", "candidate"}


async def test_public_browse_lists_open_public_rooms(client: httpx.AsyncClient) -> None:
    host = await register(client)
    viewer = await register(client)
    name = f"Open {uuid.uuid4().hex[:6]}"
    public = await create_room(client, host, name=name, config={"isPrivate": False, "maxParticipants": 3})
    await create_room(client, host, name=f"{name} private")
    page = (await client.get("/api/rooms/public", headers=viewer.headers, params={"search": name})).json()
    assert [r["roomId"] for r in page["data"]] == [public["roomId"]]
    joined = await client.post(f"/api/rooms/{public['roomId']}/join", headers=viewer.headers, json={})
    assert joined.status_code == 200


async def test_join_errors(client: httpx.AsyncClient) -> None:
    host = await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    first, second = await register(client), await register(client)
    no_code = await client.post(f"/api/rooms/{rid}/join", headers=first.headers, json={})
    assert err(no_code, 400) == "ROOM_INVALID_CODE"
    assert err(await join(client, first, room, roomCode="ABCDEF"), 400) == "ROOM_INVALID_CODE"
    taken = await join(client, first, room, requestedRole="interviewer")
    assert err(taken, 409) == "ROOM_ROLE_UNAVAILABLE"
    by_code = await client.post(
        "/api/rooms/join", headers=first.headers, json={"roomCode": room["roomCode"].lower()}
    )
    assert by_code.status_code == 200
    assert by_code.json()["assignmentReason"] == "auto-assigned"
    assert err(await join(client, second, room), 409) == "ROOM_FULL"
    ai = await create_room(client, host, mode="ai")
    assert err(await join(client, second, ai, requestedRole="interviewer"), 409) == "ROOM_NOT_PEER_MODE"
    unknown = await client.post("/api/rooms/join", headers=first.headers, json={"roomCode": "QQQQQQ"})
    assert err(unknown, 404) == "ROOM_NOT_FOUND"


async def test_leave_rejoin_ready_language(client: httpx.AsyncClient) -> None:
    host, guest, room = await _pair(client, config={"maxParticipants": 3})
    rid = room["roomId"]
    left = await post(client, guest, f"/api/rooms/{rid}/leave")
    assert left.status_code == 200
    assert err(await client.get(f"/api/rooms/{rid}", headers=guest.headers), 403) == "ROOM_ACCESS_DENIED"
    rejoined = await client.post(f"/api/rooms/{rid}/join", headers=guest.headers, json={})
    assert rejoined.status_code == 200
    toggled = await client.post(f"/api/rooms/{rid}/ready", headers=guest.headers)
    me = next(p for p in toggled.json()["participants"] if p["userId"] == guest.id)
    assert me["isReady"] is True
    observer = await register(client)
    await join(client, observer, room, requestedRole="observer")
    denied = await client.patch(
        f"/api/rooms/{rid}/language", headers=observer.headers, json={"language": "go"}
    )
    assert err(denied, 403) == "ROOM_PERMISSION_DENIED"
    changed = await client.patch(f"/api/rooms/{rid}/language", headers=guest.headers, json={"language": "go"})
    assert changed.json()["language"] == "go"
    bad = await client.patch(f"/api/rooms/{rid}/language", headers=guest.headers, json={"language": "cobol"})
    assert err(bad, 400) == "VALIDATION_FAILED"
    await to_coding(client, host, guest, room)
    assert err(await post(client, guest, f"/api/rooms/{rid}/ready"), 400) == "ROOM_INVALID_TRANSITION"


async def test_transitions_sessions_and_active_room(client: httpx.AsyncClient, services: Services) -> None:
    host, guest, room = await _pair(client)
    rid = room["roomId"]
    path = f"/api/rooms/{rid}/control/transition"
    assert (
        err(await post(client, host, path, {"targetStatus": "warmup"}), 400) == "ROOM_PARTICIPANTS_NOT_READY"
    )
    assert err(await post(client, host, path, {"targetStatus": "coding"}), 400) == "ROOM_INVALID_TRANSITION"
    assert err(await post(client, guest, path, {"targetStatus": "warmup"}), 403) == "ROOM_PERMISSION_DENIED"
    active = (await client.get("/api/users/me/active-room", headers=guest.headers)).json()
    assert active["room"]["id"] == rid
    await to_coding(client, host, guest, room)
    detail = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
    session = await services.mongo.db["sessions"].find_one({"_id": detail["sessionId"]})
    assert session is not None
    assert session["status"] == "ongoing"
    assert sorted(session["participantIds"]) == sorted([host.id, guest.id])
    for target in ("wrapup", "finished"):
        assert (await post(client, host, path, {"targetStatus": target})).status_code == 200
    closed = await services.mongo.db["sessions"].find_one({"_id": detail["sessionId"]})
    assert closed is not None
    assert closed["status"] == "finished"
    assert closed["durationMs"] >= 0
    assert (await client.get("/api/users/me/active-room", headers=guest.headers)).json() == {"room": None}
    assert err(await post(client, host, path, {"targetStatus": "warmup"}), 400) == "ROOM_INVALID_TRANSITION"
    assert err(await post(client, host, f"/api/rooms/{rid}/control/lock-editor"), 409) == "ROOM_FINISHED"
    stranger = await register(client)
    assert err(await join(client, stranger, room), 409) == "ROOM_FINISHED"


async def test_role_constraint_on_start(client: httpx.AsyncClient) -> None:
    host = await register(client)
    room = await create_room(client, host, config={"maxParticipants": 3})
    watcher = await register(client)
    await join(client, watcher, room, requestedRole="observer")
    await post(client, host, f"/api/rooms/{room['roomId']}/ready", {"ready": True})
    start = await post(
        client, host, f"/api/rooms/{room['roomId']}/control/transition", {"targetStatus": "warmup"}
    )
    assert err(start, 409) == "ROOM_ROLE_CONSTRAINT_VIOLATION"


async def test_participant_roles_mute_kick_and_transfer(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, guest, room = await _pair(client, config={"maxParticipants": 3})
    rid = room["roomId"]
    watcher = await register(client)
    await join(client, watcher, room, requestedRole="observer")
    by_guest = await client.patch(
        f"/api/rooms/{rid}/participants/{watcher.id}", headers=guest.headers, json={"role": "candidate"}
    )
    assert err(by_guest, 403) == "ROOM_PERMISSION_DENIED"
    clash = await client.patch(
        f"/api/rooms/{rid}/participants/{watcher.id}", headers=host.headers, json={"role": "candidate"}
    )
    assert err(clash, 409) == "ROOM_ROLE_CONSTRAINT_VIOLATION"
    muted = await client.patch(
        f"/api/rooms/{rid}/participants/{guest.id}", headers=host.headers, json={"isMuted": True}
    )
    assert muted.status_code == 200
    assert muted.json()["isMuted"] is True
    reference_keys = {"room", "updatedUserId", "previousRole", "currentRole", "updatedAt", "updatedBy"}
    assert set(muted.json()) == reference_keys | {"isMuted", "mediaUpdated"}  # ours: extra keys only
    assert muted.json()["updatedAt"].endswith("Z")
    assert (
        err(await post(client, host, f"/api/rooms/{rid}/ownership/transfer", {"targetUserId": host.id}), 400)
        == "PARTICIPANT_CANNOT_TRANSFER_OWNERSHIP"
    )
    assert (
        err(await post(client, guest, f"/api/rooms/{rid}/ownership/transfer", {"targetUserId": host.id}), 403)
        == "ROOM_PERMISSION_DENIED"
    )
    moved = await post(client, host, f"/api/rooms/{rid}/ownership/transfer", {"targetUserId": guest.id})
    assert moved.json()["currentHostId"] == guest.id
    assert moved.json()["transferredAt"].endswith("Z")
    roles = {
        p["userId"]: p["role"]
        for p in (await client.get(f"/api/rooms/{rid}", headers=guest.headers)).json()["participants"]
    }
    assert roles[guest.id] == "interviewer"
    assert roles[host.id] == "candidate"
    kicked = await client.delete(f"/api/rooms/{rid}/participants/{watcher.id}", headers=guest.headers)
    assert kicked.status_code == 204
    assert err(await join(client, watcher, room), 403) == "ROOM_PARTICIPANT_REMOVED"
    gone = await client.delete(f"/api/rooms/{rid}/participants/{watcher.id}", headers=guest.headers)
    assert err(gone, 404) == "PARTICIPANT_NOT_FOUND"
    actions = [e.action for e in await services.audit.for_target("room", rid)]
    assert actions == ["room.ownership_transfer", "room.kick"]
    await to_coding(client, guest, host, room)
    locked = await client.patch(
        f"/api/rooms/{rid}/participants/{host.id}", headers=guest.headers, json={"role": "observer"}
    )
    assert err(locked, 400) == "ROOM_ROLES_LOCKED"


async def test_problem_settings_lock_and_timer(client: httpx.AsyncClient, services: Services) -> None:
    host, guest, room = await _pair(client)
    rid = room["roomId"]
    base = f"/api/rooms/{rid}/control"
    unknown = await client.put(f"{base}/problem", headers=host.headers, json={"problemId": str(uuid.uuid4())})
    assert err(unknown, 404) == "PROBLEM_NOT_FOUND"
    problem_id = await _any_problem(client, host, services)
    chosen = await client.put(f"{base}/problem", headers=host.headers, json={"problemId": problem_id})
    assert chosen.json()["problemId"] == problem_id
    by_guest = await client.put(f"{base}/problem", headers=guest.headers, json={"problemId": problem_id})
    assert err(by_guest, 403) == "ROOM_PERMISSION_DENIED"
    below = await client.patch(f"{base}/settings", headers=host.headers, json={"maxParticipants": 1})
    assert err(below, 400) == "VALIDATION_FAILED"
    renamed = await client.patch(
        f"{base}/settings", headers=host.headers, json={"name": "Renamed", "isPrivate": False}
    )
    assert (renamed.json()["name"], renamed.json()["config"]["isPrivate"]) == ("Renamed", False)
    assert err(await post(client, guest, f"{base}/lock-editor"), 403) == "ROOM_PERMISSION_DENIED"
    first = (await post(client, host, f"{base}/lock-editor")).json()
    again = (await post(client, host, f"{base}/lock-editor")).json()
    assert (first["changed"], again["changed"]) == (True, False)
    assert first["lockedBy"] == host.id
    assert set(first) == {"roomId", "editorLocked", "changed", "lockedAt", "lockedBy"}
    assert set(again) == {"roomId", "editorLocked", "changed"}
    unlocked = (await post(client, host, f"{base}/unlock-editor")).json()
    assert set(unlocked) == {"roomId", "editorLocked", "changed", "unlockedAt", "unlockedBy"}
    assert unlocked["editorLocked"] is False
    assert err(await post(client, host, f"{base}/pause-timer"), 400) == "ROOM_INVALID_STATE"
    await to_coding(client, host, guest, room)
    assert (await post(client, host, f"{base}/pause-timer")).json()["timerPaused"] is True
    assert (await post(client, host, f"{base}/resume-timer")).json()["timerPaused"] is False
    late = await client.put(f"{base}/problem", headers=host.headers, json={"problemId": problem_id})
    assert err(late, 400) == "ROOM_INVALID_STATE"


async def _any_problem(client: httpx.AsyncClient, admin_candidate: Account, services: Services) -> str:
    await services.users.set_role(admin_candidate.id, UserRole.ADMIN, services.now())
    return await create_problem(client, admin_candidate)


async def test_max_duration_moves_coding_to_wrapup(client: httpx.AsyncClient, clock: AdjustableClock) -> None:
    host, guest, room = await _pair(client, config={"maxDuration": 1})
    await to_coding(client, host, guest, room)
    clock.advance(61)
    await post(client, host, f"/api/rooms/{room['roomId']}/control/lock-editor")
    detail = (await client.get(f"/api/rooms/{room['roomId']}", headers=host.headers)).json()
    assert detail["status"] == "wrapup"
    assert detail["elapsedMs"] >= 60_000


async def test_role_swap_request_accept_decline_expire(
    client: httpx.AsyncClient, clock: AdjustableClock
) -> None:
    host, guest, room = await _pair(client)
    rid = room["roomId"]
    base = f"/api/rooms/{rid}/control/role-swap"
    swap = (await post(client, host, base)).json()
    assert swap["targetUserId"] == guest.id
    assert (
        err(await post(client, host, f"{base}/{swap['swapId']}/respond", {"accept": True}), 403)
        == "ROOM_PERMISSION_DENIED"
    )
    accepted = await post(client, guest, f"{base}/{swap['swapId']}/respond", {"accept": True})
    roles = {p["userId"]: p["role"] for p in accepted.json()["participants"]}
    assert roles == {host.id: "candidate", guest.id: "interviewer"}
    declined = (await post(client, guest, base)).json()
    after = await post(client, host, f"{base}/{declined['swapId']}/respond", {"accept": False})
    assert after.json()["roleSwap"] is None
    assert (
        err(await post(client, host, f"{base}/{uuid.uuid4()}/respond", {"accept": True}), 404)
        == "ROLE_SWAP_NOT_FOUND"
    )
    expiring = (await post(client, host, base)).json()
    clock.advance(61)
    expired = await post(client, guest, f"{base}/{expiring['swapId']}/respond", {"accept": True})
    assert expired.status_code in (404, 410)
    ai = await create_room(client, host, mode="ai")
    assert (
        err(await post(client, host, f"/api/rooms/{ai['roomId']}/control/role-swap"), 409)
        == "ROOM_NOT_PEER_MODE"
    )


async def test_destroy_host_only_hard_deletes_and_audits(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, guest, room = await _pair(client)
    rid = room["roomId"]
    assert (
        err(await client.delete(f"/api/rooms/{rid}", headers=guest.headers), 403) == "ROOM_PERMISSION_DENIED"
    )
    destroyed = await client.delete(f"/api/rooms/{rid}", headers=host.headers)
    assert destroyed.status_code == 200
    assert destroyed.json()["roomId"] == rid
    assert await services.mongo.db["rooms"].find_one({"_id": rid}) is None
    assert await services.mongo.db["room_events"].count_documents({"roomId": rid}) == 0
    assert [e.action for e in await services.audit.for_target("room", rid)] == ["room.destroy"]
