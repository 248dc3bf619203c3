"""Peer feedback: submit rules, visibility, the caller's to-do list, and the session routes' submit, skip and
skip-all rules, through the real gateway, a real local Ray and the real database (rooms are driven to
`finished` by their host). Response shapes are checked against the reference in test_sessions_contract."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from storage.feedback import FeedbackRepository
from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.support import Account, err, ok, register

pytestmark = pytest.mark.anyio
Json = dict[str, Any]
GOOD_RATINGS: Json = {
    "problemSolving": 4,
    "communication": 5,
    "codeQuality": 3,
    "collaboration": 4,
    "overall": 4,
}


@dataclass
class Finished:
    host: Account
    guest: Account
    room: Json
    session_id: str

    @property
    def path(self) -> str:
        return f"/api/rooms/{self.room['roomId']}/feedback"


def _body(candidate: Account, **overrides: Any) -> Json:
    return {"candidateId": candidate.id, "ratings": GOOD_RATINGS, "wouldPairAgain": True, **overrides}


async def _move(client: httpx.AsyncClient, host: Account, room: Json, *targets: str) -> None:
    for target in targets:
        moved = await post(
            client, host, f"/api/rooms/{room['roomId']}/control/transition", {"targetStatus": target}
        )
        assert moved.status_code == 200, moved.text


async def _session_id(client: httpx.AsyncClient, host: Account, room: Json) -> str:
    detail = ok(await client.get(f"/api/rooms/{room['roomId']}", headers=host.headers))
    session_id: str = detail["sessionId"]
    return session_id


async def _lobby(client: httpx.AsyncClient, seats: int = 2) -> tuple[Account, Account, Json]:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host, config={"maxParticipants": seats})
    assert (await join(client, guest, room)).status_code == 200
    return host, guest, room


async def _finish(client: httpx.AsyncClient, host: Account, guest: Account, room: Json) -> Finished:
    session_id = await _session_id(client, host, room)
    await _move(client, host, room, "wrapup", "finished")
    return Finished(host=host, guest=guest, room=room, session_id=session_id)


async def _finished(client: httpx.AsyncClient) -> Finished:
    host, guest, room = await _lobby(client)
    await to_coding(client, host, guest, room)
    return await _finish(client, host, guest, room)


async def _with_observer(client: httpx.AsyncClient) -> tuple[Finished, Account]:
    """A finished peer room whose session had an observer seated from the start."""
    host, guest, room = await _lobby(client, seats=3)
    watcher = await register(client)
    assert (await join(client, watcher, room, requestedRole="observer")).status_code == 200
    await to_coding(client, host, guest, room)
    return await _finish(client, host, guest, room), watcher


async def _admin(client: httpx.AsyncClient, services: Services) -> Account:
    account = await register(client)
    await services.users.set_role(account.id, UserRole.ADMIN, services.now())
    return account


async def _read(client: httpx.AsyncClient, who: Account, path: str) -> Json:
    return ok(await client.get(path, headers=who.headers))


def _pairs(view: Json) -> set[tuple[str, str]]:
    return {(e["reviewerId"], e["candidateId"]) for e in view["data"]}


async def test_submit_returns_the_stored_entry(client: httpx.AsyncClient, services: Services) -> None:
    f = await _finished(client)
    named = await client.patch("/api/users/me", headers=f.host.headers, json={"displayName": "Host Person"})
    assert named.status_code == 200, named.text
    await services.mongo.db["users"].update_one(
        {"_id": f.host.id}, {"$set": {"avatarKey": "https://cdn.example.com/host.png"}}
    )
    body = _body(f.guest, ratings={"overall": 5, "communication": 2}, text="  Clear and calm.  ")
    entry = ok(await post(client, f.host, f.path, body), 201)
    assert uuid.UUID(entry.pop("id")).version == 4
    assert entry.pop("createdAt").endswith("Z")
    assert entry == {
        "sessionId": f.session_id,
        "roomId": f.room["roomId"],
        "status": "submitted",
        "reviewerId": f.host.id,
        "reviewerName": "Host Person",
        "reviewerAvatarUrl": "https://cdn.example.com/host.png",
        "candidateId": f.guest.id,
        "candidateName": f.guest.username,
        "candidateAvatarUrl": None,
        "ratings": {
            "problemSolving": None,
            "communication": 2,
            "codeQuality": None,
            "collaboration": None,
            "overall": 5,
        },
        "feedbackText": "Clear and calm.",
        "wouldPairAgain": True,
    }
    stored = await services.mongo.db["peer_feedback"].find_one({"sessionId": f.session_id})
    assert stored is not None
    assert (stored["reviewerId"], stored["candidateId"], stored["text"], stored["status"]) == (
        f.host.id,
        f.guest.id,
        "Clear and calm.",
        "submitted",
    )
    assert stored["ratings"]["overall"] == 5
    assert stored["wouldPairAgain"] is True
    without_text = ok(await post(client, f.guest, f.path, _body(f.host, wouldPairAgain=False)), 201)
    assert without_text["feedbackText"] == (  # always a string: written from the ratings
        "Overall: 4/5; Problem solving: 4/5; Communication: 5/5; Code quality: 3/5; Collaboration: 4/5; "
        "Would pair again: no"
    )
    assert without_text["ratings"] == GOOD_RATINGS
    assert without_text["wouldPairAgain"] is False


async def test_submit_twice_is_refused_by_the_unique_index(
    client: httpx.AsyncClient, services: Services
) -> None:
    indexes = await services.mongo.db["peer_feedback"].index_information()
    assert indexes["session_pair_unique"]["unique"] is True
    assert indexes["session_pair_unique"]["key"] == [("sessionId", 1), ("reviewerId", 1), ("candidateId", 1)]
    f = await _finished(client)
    racing = await asyncio.gather(*(post(client, f.host, f.path, _body(f.guest)) for _ in range(2)))
    assert sorted(r.status_code for r in racing) == [201, 409]
    loser = next(r for r in racing if r.status_code == 409)
    assert loser.json()["code"] == "FEEDBACK_ALREADY_SUBMITTED"
    again = await post(client, f.host, f.path, _body(f.guest, ratings={"overall": 1}))
    assert err(again, 409) == "FEEDBACK_ALREADY_SUBMITTED"
    assert await services.mongo.db["peer_feedback"].count_documents({"sessionId": f.session_id}) == 1
    assert (await post(client, f.guest, f.path, _body(f.host))).status_code == 201


async def test_submit_waits_for_the_room_to_finish(client: httpx.AsyncClient) -> None:
    host, guest, room = await _lobby(client)
    path = f"/api/rooms/{room['roomId']}/feedback"
    assert err(await post(client, host, path, _body(guest)), 409) == "FEEDBACK_ROOM_NOT_FINISHED"
    assert await _read(client, host, path) == {"allSubmitted": False, "data": []}
    await to_coding(client, host, guest, room)
    assert err(await post(client, guest, path, _body(host)), 409) == "FEEDBACK_ROOM_NOT_FINISHED"
    assert await _read(client, host, path) == {"allSubmitted": False, "data": []}
    assert await _read(client, host, f"{path}/mine") == {"data": [], "pending": []}
    f = await _finish(client, host, guest, room)
    assert (await _read(client, host, f"{path}/mine"))["pending"] == [guest.id]
    assert (await post(client, host, f.path, _body(guest))).status_code == 201


async def test_submit_refuses_self_strangers_and_non_participants(client: httpx.AsyncClient) -> None:
    f = await _finished(client)
    myself = await post(client, f.host, f.path, _body(f.host))
    assert err(myself, 400) == "VALIDATION_FAILED"
    assert "candidateId" in myself.json()["details"]
    nobody = _body(f.guest, candidateId=str(uuid.uuid4()))
    assert err(await post(client, f.host, f.path, nobody), 404) == "PARTICIPANT_NOT_FOUND"
    stranger = await register(client)
    assert err(await post(client, f.host, f.path, _body(stranger)), 404) == "PARTICIPANT_NOT_FOUND"
    assert err(await post(client, stranger, f.path, _body(f.host)), 403) == "ROOM_ACCESS_DENIED"
    missing = f"/api/rooms/{uuid.uuid4()}/feedback"
    assert err(await post(client, f.host, missing, _body(f.guest)), 404) == "ROOM_NOT_FOUND"
    assert await _read(client, f.host, f.path) == {"allSubmitted": False, "data": []}


async def test_observers_neither_give_nor_receive(client: httpx.AsyncClient) -> None:
    f, watcher = await _with_observer(client)
    assert err(await post(client, watcher, f.path, _body(f.host)), 403) == "ROOM_PERMISSION_DENIED"
    rated = await post(client, f.host, f.path, _body(watcher))
    assert err(rated, 400) == "VALIDATION_FAILED"
    assert "candidateId" in rated.json()["details"]
    assert (await _read(client, f.host, f"{f.path}/mine"))["pending"] == [f.guest.id]
    assert await _read(client, watcher, f"{f.path}/mine") == {"data": [], "pending": []}
    for reviewer, candidate in ((f.host, f.guest), (f.guest, f.host)):
        assert (await post(client, reviewer, f.path, _body(candidate))).status_code == 201
    watched = await _read(client, watcher, f.path)  # once all is resolved, every reader sees it all
    assert (watched["allSubmitted"], len(watched["data"])) == (True, 2)
    assert len((await _read(client, f.guest, f.path))["data"]) == 2


async def test_late_joiners_and_removed_users_are_not_raters(client: httpx.AsyncClient) -> None:
    host, guest, room = await _lobby(client, seats=3)
    await to_coding(client, host, guest, room)
    late = await register(client)
    assert (await join(client, late, room)).status_code == 200
    kicked = await client.delete(f"/api/rooms/{room['roomId']}/participants/{guest.id}", headers=host.headers)
    assert kicked.status_code == 204
    f = await _finish(client, host, guest, room)
    assert err(await post(client, late, f.path, _body(host)), 403) == "SESSION_NOT_PARTICIPANT"
    assert err(await post(client, host, f.path, _body(late)), 404) == "PARTICIPANT_NOT_FOUND"
    assert err(await post(client, guest, f.path, _body(host)), 403) == "ROOM_ACCESS_DENIED"
    assert err(await post(client, host, f.path, _body(guest)), 404) == "PARTICIPANT_NOT_FOUND"
    assert await _read(client, host, f"{f.path}/mine") == {"data": [], "pending": []}
    assert await _read(client, host, f.path) == {"allSubmitted": True, "data": []}
    assert err(await client.get(f.path, headers=guest.headers), 403) == "ROOM_ACCESS_DENIED"


MISSING = object()
BAD_BODIES: list[tuple[Json, str]] = [
    ({"candidateId": MISSING}, "candidateId"),
    ({"candidateId": "not-a-uuid"}, "candidateId"),
    ({"candidateId": 42}, "candidateId"),
    ({"ratings": {**GOOD_RATINGS, "overall": 0}}, "ratings.overall"),
    ({"ratings": {**GOOD_RATINGS, "codeQuality": 6}}, "ratings.codeQuality"),
    ({"ratings": {**GOOD_RATINGS, "communication": "3"}}, "ratings.communication"),
    ({"ratings": {**GOOD_RATINGS, "collaboration": 3.5}}, "ratings.collaboration"),
    ({"ratings": {**GOOD_RATINGS, "overall": True}}, "ratings.overall"),
    ({"ratings": {"communication": 3}}, "ratings.overall"),
    ({"ratings": {**GOOD_RATINGS, "debugging": 3}}, "ratings.debugging"),
    ({"ratings": MISSING}, "ratings"),
    ({"ratings": None}, "ratings"),
    ({"text": "   "}, "text"),
    ({"text": "x" * 2001}, "text"),
    ({"text": 5}, "text"),
    ({"wouldPairAgain": "yes"}, "wouldPairAgain"),
    ({"wouldPairAgain": MISSING}, "wouldPairAgain"),
    ({"wouldPairAgain": None}, "wouldPairAgain"),
    ({"ratings": MISSING, "wouldPairAgain": MISSING}, "feedbackText"),
    ({"ratings": MISSING, "wouldPairAgain": MISSING, "feedbackText": "  "}, "feedbackText"),
    ({"ratings": MISSING, "wouldPairAgain": MISSING, "feedbackText": "x" * 2001}, "feedbackText"),
    ({"ratings": MISSING, "wouldPairAgain": MISSING, "feedbackText": 7}, "feedbackText"),
    ({"feedbackText": "hi", "text": "there"}, "feedbackText"),
    ({"zzUnknown": 1}, "zzUnknown"),
]


async def test_submit_rejects_bad_bodies(client: httpx.AsyncClient, services: Services) -> None:
    f = await _finished(client)
    for overrides, field in BAD_BODIES:
        body = {k: v for k, v in _body(f.guest, **overrides).items() if v is not MISSING}
        response = await post(client, f.host, f.path, body)
        assert err(response, 400) == "VALIDATION_FAILED", (field, response.text)
        assert field in response.json()["details"], (field, response.text)
    for raw in (b'{"candidateId": ', b"[]", b"null", b""):
        sent = await client.post(
            f.path, headers={**f.host.headers, "content-type": "application/json"}, content=raw
        )
        assert err(sent, 400) == "VALIDATION_FAILED", (raw, sent.text)
    for path in ("/api/rooms/nope/feedback", "/api/rooms/nope/feedback/mine", "/api/sessions/nope/feedback"):
        assert err(await client.get(path, headers=f.host.headers), 400) == "VALIDATION_FAILED"
    assert (
        err(await post(client, f.host, "/api/rooms/nope/feedback", _body(f.guest)), 400)
        == "VALIDATION_FAILED"
    )
    assert await services.mongo.db["peer_feedback"].count_documents({"sessionId": f.session_id}) == 0
    longest = ok(await post(client, f.host, f.path, _body(f.guest, text=" " + "y" * 2000 + " ")), 201)
    assert longest["feedbackText"] == "y" * 2000


async def test_visibility_opens_when_every_pair_has_submitted(client: httpx.AsyncClient) -> None:
    f = await _finished(client)
    assert (await post(client, f.host, f.path, _body(f.guest))).status_code == 201
    host_view, guest_view = await _read(client, f.host, f.path), await _read(client, f.guest, f.path)
    assert host_view["allSubmitted"] is guest_view["allSubmitted"] is False
    assert _pairs(host_view) == {(f.host.id, f.guest.id)}
    assert guest_view["data"] == []
    assert (await post(client, f.guest, f.path, _body(f.host, text="Great pairing"))).status_code == 201
    both = {(f.host.id, f.guest.id), (f.guest.id, f.host.id)}
    for who in (f.host, f.guest):
        view = await _read(client, who, f.path)
        assert view["allSubmitted"] is True
        assert _pairs(view) == both
    assert [e["reviewerId"] for e in (await _read(client, f.host, f.path))["data"]] == [f.host.id, f.guest.id]


async def test_admin_sees_everything_and_strangers_are_refused(
    client: httpx.AsyncClient, services: Services
) -> None:
    f = await _finished(client)
    assert (await post(client, f.guest, f.path, _body(f.host))).status_code == 201
    admin = await _admin(client, services)
    admin_view = await _read(client, admin, f.path)
    assert admin_view["allSubmitted"] is False
    assert _pairs(admin_view) == {(f.guest.id, f.host.id)}
    assert await _read(client, admin, f"/api/sessions/{f.session_id}/feedback") == admin_view
    assert await _read(client, admin, f"{f.path}/mine") == {"data": [], "pending": []}
    assert err(await post(client, admin, f.path, _body(f.host)), 403) == "ROOM_ACCESS_DENIED"
    stranger = await register(client)
    assert err(await client.get(f.path, headers=stranger.headers), 403) == "ROOM_ACCESS_DENIED"
    assert err(await client.get(f"{f.path}/mine", headers=stranger.headers), 403) == "ROOM_ACCESS_DENIED"
    by_session = await client.get(f"/api/sessions/{f.session_id}/feedback", headers=stranger.headers)
    assert err(by_session, 403) == "SESSION_NOT_PARTICIPANT"
    unknown = await client.get(f"/api/sessions/{uuid.uuid4()}/feedback", headers=stranger.headers)
    assert err(unknown, 404) == "SESSION_NOT_FOUND"
    assert (await client.get(f.path)).status_code == 401


async def test_mine_lists_my_submissions_and_who_is_left(client: httpx.AsyncClient) -> None:
    f = await _finished(client)
    mine = f"{f.path}/mine"
    assert await _read(client, f.host, mine) == {"data": [], "pending": [f.guest.id]}
    written = ok(await post(client, f.host, f.path, _body(f.guest)), 201)
    assert await _read(client, f.host, mine) == {"data": [written], "pending": []}
    assert await _read(client, f.guest, mine) == {"data": [], "pending": [f.host.id]}


async def test_session_route_matches_the_room_route(client: httpx.AsyncClient, services: Services) -> None:
    f = await _finished(client)
    admin = await _admin(client, services)
    by_session = f"/api/sessions/{f.session_id}/feedback"
    for step in (None, (f.host, f.guest), (f.guest, f.host)):
        if step is not None:
            assert (await post(client, step[0], f.path, _body(step[1]))).status_code == 201
        for who in (f.host, f.guest, admin):
            assert await _read(client, who, by_session) == await _read(client, who, f.path)
    assert len((await _read(client, f.guest, by_session))["data"]) == 2


async def test_a_submit_replaces_a_skip_and_a_skip_never_replaces_a_submit(
    client: httpx.AsyncClient, services: Services
) -> None:
    f = await _finished(client)
    stored, by_session = services.mongo.db["peer_feedback"], f"/api/sessions/{f.session_id}/feedback"
    assert (await post(client, f.host, f"{by_session}/skip", {"candidateId": f.guest.id})).status_code == 200
    skip = await stored.find_one({"reviewerId": f.host.id})
    assert skip is not None
    assert (skip["status"], skip["text"]) == ("skipped", None)
    assert (await post(client, f.host, f"{by_session}/skip", {"candidateId": f.guest.id})).status_code == 200
    entry = ok(await post(client, f.host, f.path, _body(f.guest, text="After all")), 201)
    assert (entry["id"], entry["status"], entry["feedbackText"]) == (skip["_id"], "submitted", "After all")
    raced = await asyncio.gather(
        post(client, f.guest, by_session, {"candidateId": f.host.id, "feedbackText": "Kind"}),
        post(client, f.guest, f"{by_session}/skip-all"),
    )
    assert sorted(r.status_code for r in raced) == [200, 201]
    rows = {(d["reviewerId"], d["status"], d["text"]) async for d in stored.find({"sessionId": f.session_id})}
    assert rows == {(f.host.id, "submitted", "After all"), (f.guest.id, "submitted", "Kind")}
    again = await post(client, f.guest, by_session, {"candidateId": f.host.id, "feedbackText": "Twice"})
    assert err(again, 409) == "FEEDBACK_ALREADY_SUBMITTED"
    assert (await _read(client, f.host, f"{f.path}/mine"))["pending"] == []


async def test_rooms_without_peer_sessions_have_nothing_to_rate(client: httpx.AsyncClient) -> None:
    host, guest = await register(client), await register(client)
    ai = await create_room(client, host, mode="ai")
    assert (await post(client, host, f"/api/rooms/{ai['roomId']}/ready", {"ready": True})).status_code == 200
    await _move(client, host, ai, "warmup", "finished")
    ai_path = f"/api/rooms/{ai['roomId']}/feedback"
    assert err(await post(client, host, ai_path, _body(guest)), 409) == "ROOM_NOT_PEER_MODE"
    assert await _read(client, host, ai_path) == {"allSubmitted": True, "data": []}
    never = await create_room(client, host)
    await _move(client, host, never, "finished")
    never_path = f"/api/rooms/{never['roomId']}/feedback"
    assert err(await post(client, host, never_path, _body(guest)), 404) == "SESSION_NOT_FOUND"
    assert await _read(client, host, never_path) == {"allSubmitted": True, "data": []}
    assert await _read(client, host, f"{never_path}/mine") == {"data": [], "pending": []}


async def test_delete_room_drops_its_feedback(client: httpx.AsyncClient, services: Services) -> None:
    kept, dropped = await _finished(client), await _finished(client)
    for f in (kept, dropped):
        assert (await post(client, f.host, f.path, _body(f.guest))).status_code == 201
    repo = FeedbackRepository(services.mongo)
    assert await repo.delete_room(dropped.room["roomId"]) == 1
    assert await repo.delete_room(dropped.room["roomId"]) == 0
    assert await repo.for_session(dropped.session_id) == []
    assert len(await repo.for_session(kept.session_id)) == 1
