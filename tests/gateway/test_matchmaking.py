"""Matchmaking end to end through the gateway and the real MatchmakerActor: proposals (accept, decline,
timeout), the reference's immediate match and poll shapes, existing rooms first, cancel, 409s, banned
users, the AI-room fallback, and a SIGKILLed matchmaker that resumes its queue and proposals.

Every test uses its own topic (a fresh problem tag), so tickets of different tests never fit together,
and cancels its users' tickets at the end.
"""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from engine.identity import UserRole
from gateway.services import Services
from tests.gateway.rooms_support import create_problem, create_room
from tests.support import Account, AdjustableClock, err, ok, register, unique, wait_until

pytestmark = pytest.mark.anyio
Json = dict[str, Any]
REFERENCE_SEARCHING = {"status", "requestId", "queuePosition", "expiresAt", "preferences"}
REFERENCE_MATCHED = {"status", "requestId", "roomId", "matchedWithUserId", "expiresAt", "preferences"}


class People:
    """Registers users for a test and takes every one of them out of matchmaking afterwards."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.accounts: list[Account] = []

    async def new(self) -> Account:
        account = await register(self.client)
        self.accounts.append(account)
        return account

    async def leave_all(self) -> None:
        for account in self.accounts:
            await self.client.delete("/api/matchmaking/queue", headers=account.headers)


@pytest.fixture
async def people(client: httpx.AsyncClient) -> AsyncIterator[People]:
    crowd = People(client)
    yield crowd
    await crowd.leave_all()


@pytest.fixture
async def topic(client: httpx.AsyncClient, services: Services, people: People) -> tuple[str, str]:
    """A fresh tag with one published problem; (tag, problem id)."""
    admin = await people.new()
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    tag = unique("topic-")
    return tag, await create_problem(client, admin, tags=[tag])


async def enter(client: httpx.AsyncClient, who: Account, **body: Any) -> Json:
    return ok(await client.post("/api/matchmaking/queue", headers=who.headers, json=body))


async def status(client: httpx.AsyncClient, who: Account) -> Json:
    return ok(await client.get("/api/matchmaking/status", headers=who.headers))


async def respond(client: httpx.AsyncClient, who: Account, match_id: str, verb: str) -> httpx.Response:
    return await client.post(f"/api/matchmaking/matches/{match_id}/{verb}", headers=who.headers)


def check_opponent(proposed: Json, cand: Account) -> None:
    """What the interviewer is shown about the candidate the proposal pairs them with."""
    opponent = proposed["opponent"]
    assert (opponent["userId"], opponent["username"], opponent["role"]) == (
        cand.id,
        cand.username,
        "candidate",
    )
    assert (opponent["sharedLanguages"], opponent["proposedDifficulty"]) == (["java"], "easy")
    assert opponent["ratingBand"]["label"] == "intermediate"
    assert (proposed["myRole"], proposed["accepted"], proposed["opponentAccepted"]) == (
        "interviewer",
        False,
        False,
    )


async def check_room(
    client: httpx.AsyncClient, matched: Json, cand: Account, inter: Account, problem: str
) -> None:
    """One peer room: the interviewer hosts, both seated in complementary roles, the unsolved problem."""
    room = ok(await client.get(f"/api/rooms/{matched['roomId']}", headers=cand.headers))
    roles = {p["userId"]: p["role"] for p in room["participants"] if p["isActive"]}
    assert roles == {inter.id: "interviewer", cand.id: "candidate"}
    assert (room["mode"], room["hostId"], room["language"], room["problemId"]) == (
        "peer",
        inter.id,
        "java",
        problem,
    )


async def test_matchmaking_proposal_both_accept_makes_one_peer_room(
    client: httpx.AsyncClient, services: Services, people: People, topic: tuple[str, str]
) -> None:
    tag, fresh = topic
    solved = await create_problem(client, people.accounts[0], tags=[tag])
    cand, inter = await people.new(), await people.new()
    await services.problems.record_submission(solved, cand.id, True, services.now())
    body = {"topics": [tag], "requireConfirmation": True}
    first = await enter(client, cand, languages=["java", "python", "java"], roles=["candidate"], **body)
    assert (first["status"], first["preferences"]["languages"]) == ("searching", ["python", "java"])
    proposed = await enter(client, inter, languages=["java"], **body)
    assert proposed["status"] == "proposed"
    check_opponent(proposed, cand)
    match_id = proposed["matchId"]
    mine = await status(client, cand)
    assert (mine["status"], mine["matchId"], mine["opponent"]["userId"]) == ("proposed", match_id, inter.id)
    half = ok(await respond(client, cand, match_id, "accept"))
    assert (half["status"], half["accepted"], half["confirmed"]) == ("proposed", True, False)
    matched = ok(await respond(client, inter, match_id, "accept"))
    assert (matched["status"], matched["matchedWithUserId"], matched["role"]) == (
        "matched",
        cand.id,
        "interviewer",
    )
    other = await status(client, cand)
    assert (other["status"], other["roomId"], other["matchedWithUserId"]) == (
        "matched",
        matched["roomId"],
        inter.id,
    )
    await check_room(client, matched, cand, inter, fresh)
    again = await client.post("/api/matchmaking/queue", headers=cand.headers, json={"topics": [tag]})
    assert err(again, 409) == "MATCH_IN_ACTIVE_ROOM"


async def test_matchmaking_decline_requeues_the_other_in_place_and_the_decliner_last(
    client: httpx.AsyncClient, people: People, topic: tuple[str, str]
) -> None:
    tag, _ = topic
    a, b, c = await people.new(), await people.new(), await people.new()
    await enter(client, a, topics=[tag], requireConfirmation=True)
    proposal = await enter(client, b, topics=[tag], requireConfirmation=True)
    assert proposal["status"] == "proposed"
    declined = ok(await respond(client, b, proposal["matchId"], "decline"))
    assert (declined["status"], declined["queuePosition"]) == ("searching", 2)
    kept = await status(client, a)
    assert (kept["status"], kept["queuePosition"]) == ("searching", 1)
    assert err(await respond(client, b, proposal["matchId"], "accept"), 410) == "MATCH_EXPIRED"
    fresh = await enter(client, c, topics=[tag], requireConfirmation=True)
    assert fresh["status"] == "proposed"
    assert fresh["opponent"]["userId"] == a.id  # the oldest, not the decliner
    assert (await status(client, b))["status"] == "searching"


async def test_matchmaking_timeout_keeps_the_accepter_and_moves_the_silent_one_back(
    client: httpx.AsyncClient, clock: AdjustableClock, people: People, topic: tuple[str, str]
) -> None:
    tag, _ = topic
    a, b = await people.new(), await people.new()
    await enter(client, a, topics=[tag], requireConfirmation=True)
    proposal = await enter(client, b, topics=[tag], requireConfirmation=True)
    ok(await respond(client, b, proposal["matchId"], "accept"))
    clock.advance(31)
    waiting_b = await status(client, b)
    waiting_a = await status(client, a)
    assert (waiting_b["status"], waiting_b["queuePosition"]) == ("searching", 1)
    assert (waiting_a["status"], waiting_a["queuePosition"]) == ("searching", 2)
    assert err(await respond(client, a, proposal["matchId"], "accept"), 410) == "MATCH_EXPIRED"


async def test_matchmaking_reference_body_matches_straight_into_a_room(
    client: httpx.AsyncClient, people: People, topic: tuple[str, str]
) -> None:
    tag, problem_id = topic
    a, b = await people.new(), await people.new()
    searching = await enter(client, a, topics=[tag], difficulties=["easy"])
    assert searching.keys() >= REFERENCE_SEARCHING
    assert searching["status"] == "searching"
    matched = await enter(client, b, topics=[tag])
    assert matched.keys() >= REFERENCE_MATCHED
    assert (matched["status"], matched["matchedWithUserId"]) == ("matched", a.id)
    polled = ok(await client.get("/api/matchmaking/queue", headers=a.headers))
    assert polled.keys() >= REFERENCE_MATCHED
    assert (polled["status"], polled["roomId"], polled["matchedWithUserId"]) == (
        "matched",
        matched["roomId"],
        b.id,
    )
    room = ok(await client.get(f"/api/rooms/{matched['roomId']}", headers=b.headers))
    assert (room["problemId"], room["name"], room["config"]["isPrivate"]) == (
        problem_id,
        "Matchmade Interview",
        False,
    )
    assert ok(await client.delete("/api/matchmaking/queue", headers=a.headers)) == {"status": "idle"}
    assert ok(await client.get(f"/api/rooms/{matched['roomId']}", headers=a.headers))["status"] == "waiting"


async def test_matchmaking_reference_poll_shows_a_proposal_as_searching(
    client: httpx.AsyncClient, people: People, topic: tuple[str, str]
) -> None:
    tag, _ = topic
    a, b = await people.new(), await people.new()
    await enter(client, a, topics=[tag], requireConfirmation=True)
    await enter(client, b, topics=[tag])
    polled = ok(await client.get("/api/matchmaking/queue", headers=a.headers))
    assert (polled["status"], polled["queuePosition"]) == ("searching", 1)
    waiting = await status(client, b)  # b asked for no confirmation: accepted already, waits for a
    assert (waiting["status"], waiting["accepted"], waiting["opponentAccepted"]) == ("proposed", True, False)
    polled_b = ok(await client.get("/api/matchmaking/queue", headers=b.headers))
    assert polled_b["status"] == "searching"
    proposal = await status(client, a)
    matched = ok(await respond(client, a, proposal["matchId"], "accept"))
    assert matched["status"] == "matched"
    assert (await status(client, b))["roomId"] == matched["roomId"]


async def test_matchmaking_existing_public_room_first(
    client: httpx.AsyncClient, people: People, topic: tuple[str, str]
) -> None:
    tag, problem_id = topic
    host, guest = await people.new(), await people.new()
    room = await create_room(
        client, host, problemId=problem_id, config={"isPrivate": False, "maxParticipants": 3}
    )
    matched = await enter(client, guest, topics=[tag], roles=["candidate"])
    assert (matched["status"], matched["roomId"], matched["matchedWithUserId"]) == (
        "matched",
        room["roomId"],
        host.id,
    )
    detail = ok(await client.get(f"/api/rooms/{room['roomId']}", headers=guest.headers))
    assert {p["userId"]: p["role"] for p in detail["participants"]}[guest.id] == "candidate"


async def test_matchmaking_cancel_idle_and_conflicts(
    client: httpx.AsyncClient, people: People, topic: tuple[str, str]
) -> None:
    tag, _ = topic
    a = await people.new()
    assert await status(client, a) == {"status": "idle"}
    await enter(client, a, topics=[tag], roles=["candidate"])
    again = await client.post("/api/matchmaking/queue", headers=a.headers, json={"topics": [tag]})
    assert err(again, 409) == "MATCH_ALREADY_SEARCHING"
    assert ok(await client.delete("/api/matchmaking/queue", headers=a.headers)) == {"status": "idle"}
    assert ok(await client.delete("/api/matchmaking/queue", headers=a.headers)) == {"status": "idle"}
    assert ok(await client.get("/api/matchmaking/queue", headers=a.headers)) == {"status": "idle"}
    unknown = await client.post("/api/matchmaking/queue", headers=a.headers, json={"topics": [tag], "x": 1})
    assert err(unknown, 400) == "VALIDATION_FAILED"
    bad_match = await respond(client, a, "not-a-uuid", "accept")
    assert err(bad_match, 400) == "VALIDATION_FAILED"
    missing = await respond(client, a, "6a4f2c1e-0000-4000-8000-000000000000", "decline")
    assert err(missing, 404) == "MATCH_NOT_FOUND"
    assert err(await client.get("/api/matchmaking/status"), 401) == "UNAUTHORIZED"


async def test_matchmaking_banned_user_never_matches(
    client: httpx.AsyncClient, services: Services, people: People, topic: tuple[str, str]
) -> None:
    tag, _ = topic
    banned, other = await people.new(), await people.new()
    await enter(client, banned, topics=[tag])
    await services.users.set_banned(banned.id, services.now(), "spam")
    left = await enter(client, other, topics=[tag])
    assert (left["status"], left["queuePosition"]) == ("searching", 1)


async def test_matchmaking_offers_an_ai_room_after_the_wait(
    client: httpx.AsyncClient, clock: AdjustableClock, people: People, topic: tuple[str, str]
) -> None:
    tag, problem_id = topic
    a = await people.new()
    assert err(await client.post("/api/matchmaking/ai-room", headers=a.headers), 404) == "MATCH_NOT_QUEUED"
    first = await enter(client, a, topics=[tag], languages=["go"])
    assert first["aiRoomOffered"] is False
    clock.advance(100)
    assert (await status(client, a))["aiRoomOffered"] is False
    clock.advance(21)
    offered = await status(client, a)
    assert (offered["aiRoomOffered"], offered["waitedSeconds"]) == (True, 121)
    room = ok(await client.post("/api/matchmaking/ai-room", headers=a.headers), 201)
    assert (room["mode"], room["hostId"], room["language"], room["problemId"]) == (
        "ai",
        a.id,
        "go",
        problem_id,
    )
    assert await status(client, a) == {"status": "idle"}


async def test_matchmaker_sigkilled_resumes_tickets_and_proposals(
    app: FastAPI, client: httpx.AsyncClient, people: People, topic: tuple[str, str]
) -> None:
    tag, _ = topic
    a, b, lone = await people.new(), await people.new(), await people.new()
    await enter(client, lone, topics=[tag], roles=["candidate"], languages=["rust"])
    await enter(client, a, topics=[tag], requireConfirmation=True, languages=["python"])
    proposal = await enter(client, b, topics=[tag], requireConfirmation=True, languages=["python"])
    ok(await respond(client, a, proposal["matchId"], "accept"))
    door = app.state.matchmaking.door
    old_pid = await door.pid()
    os.kill(old_pid, signal.SIGKILL)

    async def restarted() -> bool:
        return bool(await door.pid() != old_pid)

    await wait_until(restarted, timeout_s=60)
    still = await status(client, lone)
    assert (still["status"], still["queuePosition"]) == ("searching", 1)
    back = await status(client, b)
    assert (back["status"], back["matchId"], back["opponentAccepted"]) == (
        "proposed",
        proposal["matchId"],
        True,
    )
    matched = ok(await respond(client, b, proposal["matchId"], "accept"))
    assert matched["status"] == "matched"
    assert (await status(client, a))["roomId"] == matched["roomId"]


async def test_matchmaking_schemas_are_named_in_openapi(client: httpx.AsyncClient) -> None:
    schema = ok(await client.get("/api/openapi.json"))
    components = schema["components"]["schemas"]
    for name in (
        "MatchOpponent",
        "MatchSearching",
        "MatchProposed",
        "MatchMatched",
        "MatchIdle",
        "EnterQueueRequest",
    ):
        assert name in components
    paths = schema["paths"]
    assert {"post", "delete", "get"} <= paths["/api/matchmaking/queue"].keys()
    assert "/api/matchmaking/matches/{match_id}/accept" in paths
