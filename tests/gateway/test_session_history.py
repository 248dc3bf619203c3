"""Session history (list, details, soft delete, timeline) through the real gateway, a real local Ray and
the real database. Sessions are real: rooms moved waiting -> warmup (the session starts) -> coding ->
wrapup -> finished by the host. Runs and submissions are inserted through `ExecutionRepository` (the
execution routes need the sandbox and are slow); they are stamped with the gateway clock while the room is
coding, as the execution routes stamp them."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from storage.executions import ExecutionRepository
from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.support import Account, AdjustableClock, err, register, wait_until

pytestmark = pytest.mark.anyio
SECRET = "hidden-expected-output-4711"


@dataclass
class Played:
    host: Account
    guest: Account
    room_id: str
    session_id: str


async def _transition(client: httpx.AsyncClient, host: Account, room_id: str, target: str) -> None:
    moved = await post(client, host, f"/api/rooms/{room_id}/control/transition", {"targetStatus": target})
    assert moved.status_code == 200, moved.text


async def _coding(
    client: httpx.AsyncClient, host: Account | None = None, guest: Account | None = None, **room: Any
) -> Played:
    """A room of `host` and `guest` in coding: its session is ongoing."""
    host, guest = host or await register(client), guest or await register(client)
    created = await create_room(client, host, **room)
    assert (await join(client, guest, created)).status_code == 200
    await to_coding(client, host, guest, created)
    rid = created["roomId"]
    detail = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
    return Played(host, guest, rid, detail["sessionId"])


async def _finish(client: httpx.AsyncClient, played: Played) -> None:
    for target in ("wrapup", "finished"):
        await _transition(client, played.host, played.room_id, target)


async def _problem(client: httpx.AsyncClient, services: Services) -> dict[str, Any]:
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    body = {
        "title": f"History {uuid.uuid4().hex[:8]}",
        "description": "Print the input.",
        "difficulty": "medium",
        "isPublished": True,
        "testCases": [{"input": "1", "expectedOutput": "1"}],
    }
    created = await client.post("/api/problems", headers=admin.headers, json=body)
    assert created.status_code == 201, created.text
    problem: dict[str, Any] = created.json()
    return problem


async def _job(
    services: Services,
    kind: str,
    room_id: str,
    user_id: str,
    verdict: str,
    shift_s: float = 0,
    at: datetime | None = None,
) -> str:
    """A finished run or submission (with code and hidden test data the history must never show)."""
    repo, job_id = ExecutionRepository(services.mongo), str(uuid.uuid4())
    job: dict[str, Any] = {
        "_id": job_id,
        "kind": kind,
        "roomId": room_id,
        "userId": user_id,
        "language": "python",
    }
    job |= {"code": f"print('{SECRET}')", "createdAt": at or services.now() + timedelta(seconds=shift_s)}
    await repo.create(kind, job)
    case = {"index": 0, "isHidden": True, "expectedOutput": SECRET, "actualOutput": SECRET}
    result = {"verdict": verdict, "passed": int(verdict == "accepted"), "total": 1, "cases": [case]}
    await repo.complete(kind, job_id, "completed", result | {"stdout": SECRET}, services.now())
    return job_id


async def _history(client: httpx.AsyncClient, who: Account, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/sessions", headers=who.headers, params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def _walk(client: httpx.AsyncClient, who: Account, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a cursor list, page by page (bounded)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(50):
        query = params | ({"cursor": cursor} if cursor else {})
        response = await client.get(path, headers=who.headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["data"]) <= params.get("limit", 100)
        items += body["data"]
        cursor = body["pagination"]["nextCursor"]
        assert body["pagination"]["hasMore"] is (cursor is not None)
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


async def _feedback_row(
    services: Services, played: Played, reviewer: str, candidate: str, **extra: Any
) -> None:
    """A peer feedback document as the feedback routes store it (`status` absent: an older submitted one)."""
    row: dict[str, Any] = {"_id": str(uuid.uuid4()), "sessionId": played.session_id, "roomId": played.room_id}
    row |= {"reviewerId": reviewer, "candidateId": candidate, "createdAt": services.now(), **extra}
    await services.mongo.db["peer_feedback"].insert_one(row)


async def _two_finished(
    client: httpx.AsyncClient, services: Services, problem_id: str
) -> tuple[Played, Played]:
    """A session with runs, submissions (one before it started) and feedback, then one of its guest's
    own with only a skip."""
    played = await _coding(client, problemId=problem_id, name="Mock interview")
    host, guest, rid = played.host, played.guest, played.room_id
    for kind, who, verdict in (
        ("run", guest, "accepted"),
        ("run", host, "runtime_error"),
        ("submission", guest, "wrong_answer"),
        ("submission", guest, "accepted"),
        ("submission", host, "wrong_answer"),
    ):
        await _job(services, kind, rid, who.id, verdict)
    await _job(services, "submission", rid, host.id, "accepted", shift_s=-3600)  # before the session
    await _finish(client, played)
    await _feedback_row(services, played, host.id, guest.id)
    other = await _coding(client, host=guest)
    await _finish(client, other)
    await _feedback_row(services, other, guest.id, other.guest.id, status="skipped")
    return played, other


async def test_history_summaries_activity_and_feedback(client: httpx.AsyncClient, services: Services) -> None:
    problem = await _problem(client, services)
    played, other = await _two_finished(client, services, problem["id"])
    host, guest, rid, sid = played.host, played.guest, played.room_id, played.session_id
    score: int | None = None

    async def reported() -> bool:  # the finish generates the candidate's report (reference §9.7.1)
        nonlocal score
        response = await client.get(f"/api/sessions/{sid}/report", headers=guest.headers)
        score = round(response.json()["overallScore"]) if response.status_code == 200 else None
        return score is not None

    await wait_until(reported, timeout_s=60)
    mine = await _history(client, guest)
    assert [s["sessionId"] for s in mine] == [other.session_id, sid]
    summary, stored = mine[1], await services.mongo.db["sessions"].find_one({"_id": sid})
    assert stored is not None
    people = {p["userId"]: p for p in summary.pop("participants")}
    assert {uid: p["role"] for uid, p in people.items()} == {host.id: "interviewer", guest.id: "candidate"}
    assert people[guest.id]["username"] == guest.username
    assert summary == {
        "sessionId": sid,
        "roomId": rid,
        "mode": "peer",
        "problemTitle": problem["title"],
        "difficulty": "medium",
        "language": "python",
        "duration": (stored["durationMs"] + 500) // 1000,
        "overallScore": score,
        "hasReport": True,
        "hasFeedback": True,
        "createdAt": summary["createdAt"],
        "finishedAt": summary["finishedAt"],
        "status": "finished",
        "roomName": "Mock interview",
        "problemId": problem["id"],
        "role": "candidate",
        "durationMs": stored["durationMs"],
        "runCount": 2,
        "submissionCount": 3,
        "solved": True,
    }
    assert summary["createdAt"] < summary["finishedAt"]
    assert mine[0]["role"] == "interviewer"
    assert (mine[0]["runCount"], mine[0]["submissionCount"], mine[0]["solved"]) == (0, 0, False)
    assert mine[0]["hasFeedback"] is False  # a skipped row is not feedback
    assert (mine[0]["hasReport"], mine[0]["overallScore"]) == (False, None)  # interviewers get none
    hosted = await _history(client, host)
    assert [(s["sessionId"], s["role"], s["solved"]) for s in hosted] == [(sid, "interviewer", False)]
    assert (hosted[0]["hasReport"], hosted[0]["overallScore"]) == (False, None)
    assert await _history(client, await register(client)) == []


async def test_history_filters(client: httpx.AsyncClient, services: Services) -> None:
    problem = await _problem(client, services)
    me = await register(client)
    first = await _coding(client, host=me, problemId=problem["id"])
    await _finish(client, first)
    second = await _coding(client, host=me, language="javascript")
    await _finish(client, second)
    live = await _coding(client, host=me)
    every = await _history(client, me, status="all")
    assert [s["sessionId"] for s in every] == [live.session_id, second.session_id, first.session_id]
    started = {s["sessionId"]: s["createdAt"] for s in every}

    async def ids(**params: Any) -> list[str]:
        return [s["sessionId"] for s in await _history(client, me, **params)]

    assert await ids() == [second.session_id, first.session_id]  # finished only, as the reference
    assert await ids(status="ongoing") == [live.session_id]
    assert await ids(status="finished") == [second.session_id, first.session_id]
    assert await ids(language="javascript") == [second.session_id]
    assert await ids(problemId=problem["id"]) == [first.session_id]
    assert await ids(problemId=str(uuid.uuid4())) == []
    assert await ids(mode="ai") == []
    assert len(await ids(mode="peer", status="all")) == 3
    assert await ids(fromDate=started[second.session_id], status="all") == [
        live.session_id,
        second.session_id,
    ]
    assert await ids(toDate=started[second.session_id]) == [second.session_id, first.session_id]
    both = {"fromDate": started[second.session_id], "toDate": started[second.session_id]}
    assert await ids(**both) == [second.session_id]
    assert await ids(status="finished", language="python") == [first.session_id]


def _expected(sessions: list[dict[str, Any]], key: str, order: str) -> list[str]:
    """NULLS LAST in both orders; ties (the nulls among them) by id in the same direction."""
    desc = order == "desc"
    valued = sorted(
        (s for s in sessions if s[key] is not None), key=lambda s: (s[key], s["sessionId"]), reverse=desc
    )
    nulls = sorted((s for s in sessions if s[key] is None), key=lambda s: s["sessionId"], reverse=desc)
    return [s["sessionId"] for s in valued + nulls]


async def _reports(services: Services, me: Account, sessions: list[dict[str, Any]]) -> None:
    """Completed reports of `me` for three sessions (two tied), a pending one, and another user's."""
    rows: list[dict[str, Any]] = [
        {"sessionId": sessions[0]["sessionId"], "userId": me.id, "status": "completed", "overallScore": 70},
        {"sessionId": sessions[1]["sessionId"], "userId": me.id, "status": "completed", "overallScore": 85},
        {"sessionId": sessions[2]["sessionId"], "userId": me.id, "status": "completed", "overallScore": 70},
        {"sessionId": sessions[3]["sessionId"], "userId": me.id, "status": "pending", "overallScore": 99},
        {"sessionId": sessions[4]["sessionId"], "userId": str(uuid.uuid4()), "status": "completed"},
    ]
    await services.mongo.db["reports"].insert_many(
        [r | {"_id": str(uuid.uuid4()), "overallScore": r.get("overallScore", 10)} for r in rows]
    )


async def test_history_sorts_and_pages_across_nulls(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    me, guests = (
        await register(client),
        [await register(client) for _ in range(5)],
    )  # tokens before the clock moves
    for coding_s, guest in zip(
        (3, None, 1, None, 2), guests, strict=True
    ):  # coded `coding_s` seconds, or live
        played = await _coding(client, host=me, guest=guest)
        if coding_s is not None:
            clock.advance(coding_s)
            await _finish(client, played)
    await _reports(services, me, await _history(client, me, limit=100, status="all"))
    every = await _history(client, me, limit=100, status="all")
    assert [s["durationMs"] is None for s in every] == [False, True, False, True, False]
    assert [s["durationMs"] // 1000 for s in every if s["durationMs"] is not None] == [2, 1, 3]
    rounded = [0 if s["durationMs"] is None else (s["durationMs"] + 500) // 1000 for s in every]
    assert [s["duration"] for s in every] == rounded  # whole seconds; 0 while ongoing
    assert [s["overallScore"] for s in every] == [70, 85, 70, None, None]
    assert [s["hasReport"] for s in every] == [True, True, True, False, False]
    keys = {"createdAt": "createdAt", "finishedAt": "finishedAt", "duration": "durationMs"}
    keys |= {"overallScore": "overallScore"}
    for sort, key in keys.items():
        for order in ("asc", "desc"):
            expected = _expected(every, key, order)
            for limit in (1, 2, 3):
                query = {"sortBy": sort, "sortOrder": order, "limit": limit, "status": "all"}
                walked = await _walk(client, me, "/api/sessions", **query)
                assert [s["sessionId"] for s in walked] == expected, (sort, order, limit)
    default = await _history(client, me, status="all")
    assert [s["sessionId"] for s in default] == _expected(every, "createdAt", "desc")
    finished = await _walk(client, me, "/api/sessions", sortBy="overallScore", limit=1)
    assert [s["overallScore"] for s in finished] == [70, 70, None]


def _forged(value: Any, row_id: str) -> str:
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def test_history_rejects_bad_queries(client: httpx.AsyncClient) -> None:
    me = await register(client)
    sid = str(uuid.uuid4())
    bad: list[dict[str, Any]] = [
        {"cursor": "not a cursor"},
        {"cursor": _forged(5, "no-sort-tag")},
        {"cursor": _forged(5, f"duration.desc:{sid}")},  # a duration cursor on the default sort
        {"cursor": _forged(5, f"createdAt.asc:{sid}")},  # made for the other order
        {"cursor": _forged(None, f"createdAt.desc:{sid}")},  # createdAt is never null
        {"cursor": _forged(10**30, f"createdAt.desc:{sid}")},
        {"cursor": _forged(-1, f"createdAt.desc:{sid}")},
        {"cursor": _forged(True, f"createdAt.desc:{sid}")},
        {"cursor": _forged(1.5, f"createdAt.desc:{sid}")},  # only a score may be fractional
        {"cursor": _forged(5, "createdAt.desc:not-a-uuid")},
        {"cursor": "x" * 501},
        {"sortBy": "score"},
        {"sortBy": "startedAt"},
        {"sortOrder": "sideways"},
        {"limit": 0},
        {"limit": 101},
        {"status": "waiting"},
        {"language": "cobol"},
        {"mode": "solo"},
        {"problemId": "42"},
        {"fromDate": "yesterday"},
        {"fromDate": "2026-02-01T00:00:00Z", "toDate": "2026-01-01T00:00:00Z"},
        {"fromDate": "2026-01-01T00:30:00-01:00", "toDate": "2026-01-01T01:00:00Z"},  # 01:30Z > 01:00Z
        {"fromDate": "0001-01-01T00:00:00+01:00"},
        {"toDate": "9999-12-31T23:59:59-01:00"},
    ]
    for params in bad:
        response = await client.get("/api/sessions", headers=me.headers, params=params)
        assert err(response, 400) == "VALIDATION_FAILED", params
    fine: list[dict[str, Any]] = [
        {"sortBy": "duration", "sortOrder": "asc", "cursor": _forged(None, f"duration.asc:{sid}")},
        {"sortBy": "overallScore", "cursor": _forged(72.5, f"overallScore.desc:{sid}")},
        {"sortBy": "overallScore", "cursor": _forged(None, f"overallScore.desc:{sid}")},
        {"fromDate": "2026-01-01T00:00:00", "toDate": "2026-01-02T00:00:00"},  # naive: read as UTC
    ]
    for params in fine:
        assert (await client.get("/api/sessions", headers=me.headers, params=params)).status_code == 200
    for path in ("/api/sessions/nope", "/api/sessions/nope/events", "/api/sessions/nope/report"):
        assert err(await client.get(path, headers=me.headers), 400) == "VALIDATION_FAILED"
    assert err(await client.delete("/api/sessions/nope", headers=me.headers), 400) == "VALIDATION_FAILED"
    assert err(await client.get("/api/sessions"), 401) == "UNAUTHORIZED"


async def _queued_run(services: Services, room_id: str, user_id: str) -> str:
    """A run still waiting for the sandbox: not terminal, so never on the details."""
    job_id = str(uuid.uuid4())
    job = {"_id": job_id, "kind": "run", "roomId": room_id, "userId": user_id, "language": "python"}
    await ExecutionRepository(services.mongo).create("run", job | {"code": "", "createdAt": services.now()})
    return job_id


def _check_participants(detail: dict[str, Any], host: Account, guest: Account) -> None:
    people = {p["userId"]: p for p in detail["participants"]}
    assert set(people) == {host.id, guest.id}
    assert people[host.id] | {"joinedAt": None, "leftAt": None} == {
        "userId": host.id,
        "username": host.username,
        "displayName": None,
        "avatarUrl": None,
        "role": "interviewer",
        "joinedAt": None,
        "leftAt": None,
        "isHost": True,
    }
    assert (people[guest.id]["role"], people[guest.id]["isHost"]) == ("candidate", False)
    assert all(p["joinedAt"] <= detail["createdAt"] <= p["leftAt"] for p in people.values())


async def test_detail_contents(client: httpx.AsyncClient, services: Services) -> None:
    played = await _coding(client)
    host, guest, rid, sid = played.host, played.guest, played.room_id, played.session_id
    runs = [
        await _job(services, "run", rid, guest.id, v, shift_s=i / 1000)
        for i, v in enumerate(("accepted", "time_limit_exceeded"))
    ]
    submitted = await _job(services, "submission", rid, guest.id, "wrong_answer")
    await _job(services, "run", rid, guest.id, "accepted", shift_s=-3600)  # before the session
    queued = await _queued_run(services, rid, host.id)
    await _finish(client, played)
    response = await client.get(f"/api/sessions/{sid}", headers=guest.headers)
    assert response.status_code == 200, response.text
    assert SECRET not in response.text
    detail = response.json()
    assert (detail["status"], detail["role"], detail["hasRecording"]) == ("finished", "candidate", False)
    assert (detail["problem"], detail["report"], detail["peerFeedback"]) == (None, None, [])
    assert (detail["runCount"], detail["submissionCount"], detail["solved"]) == (3, 1, False)
    _check_participants(detail, host, guest)
    assert queued not in [r["jobId"] for r in detail["runs"]]  # finished runs only
    assert [(r["jobId"], r["verdict"]) for r in detail["runs"]] == list(
        zip(runs[::-1], ["time_limit_exceeded", "accepted"], strict=True)
    )
    assert detail["submissions"] == [
        {
            "submissionId": submitted,
            "status": "completed",
            "passed": 0,
            "total": 1,
            "createdAt": detail["submissions"][0]["createdAt"],
            "userId": guest.id,
            "language": "python",
            "verdict": "wrong_answer",
        }
    ]
    snapshot = detail["latestCodeSnapshot"]
    assert set(snapshot) == {"id", "code", "language", "trigger", "linesOfCode", "createdAt", "phase"}
    assert (snapshot["trigger"], snapshot["phase"], snapshot["language"]) == (
        "session_end",
        "finished",
        "python",
    )
    added = {"problem", "runs", "submissions", "report", "latestCodeSnapshot", "peerFeedback", "hasRecording"}
    assert set(detail) == set((await _history(client, host))[0]) | added


async def test_detail_visibility(client: httpx.AsyncClient, services: Services) -> None:
    played = await _coding(client)
    host, guest, sid = played.host, played.guest, played.session_id
    live = await client.get(f"/api/sessions/{sid}", headers=guest.headers)
    assert err(live, 404) == "SESSION_NOT_FOUND"  # ongoing sessions have no details (as the reference)
    await _finish(client, played)
    stranger, admin = await register(client), await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    by_stranger = await client.get(f"/api/sessions/{sid}", headers=stranger.headers)
    assert err(by_stranger, 403) == "SESSION_NOT_PARTICIPANT"
    assert err(await client.get(f"/api/sessions/{sid}/events", headers=stranger.headers), 403) == (
        "SESSION_NOT_PARTICIPANT"
    )
    by_admin = (await client.get(f"/api/sessions/{sid}", headers=admin.headers)).json()
    assert (by_admin["sessionId"], by_admin["role"]) == (sid, None)
    unknown = await client.get(f"/api/sessions/{uuid.uuid4()}", headers=host.headers)
    assert err(unknown, 404) == "SESSION_NOT_FOUND"


async def test_soft_delete_hides_only_for_the_caller(client: httpx.AsyncClient, services: Services) -> None:
    played = await _coding(client)
    await _finish(client, played)
    host, guest, sid = played.host, played.guest, played.session_id
    stranger = await register(client)
    assert err(await client.delete(f"/api/sessions/{sid}", headers=stranger.headers), 403) == (
        "SESSION_NOT_PARTICIPANT"
    )
    assert err(await client.delete(f"/api/sessions/{uuid.uuid4()}", headers=guest.headers), 404) == (
        "SESSION_NOT_FOUND"
    )
    deleted = await client.delete(f"/api/sessions/{sid}", headers=guest.headers)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await client.delete(f"/api/sessions/{sid}", headers=guest.headers)).status_code == 204
    assert await _history(client, guest) == []
    hidden = ("", "/events", "/snapshots", "/report", "/feedback")
    for path in (f"/api/sessions/{sid}{suffix}" for suffix in hidden):
        assert err(await client.get(path, headers=guest.headers), 404) == "SESSION_NOT_FOUND", path
    assert [s["sessionId"] for s in await _history(client, host)] == [sid]
    assert (await client.get(f"/api/sessions/{sid}", headers=host.headers)).status_code == 200
    stored = await services.mongo.db["sessions"].find_one({"_id": sid})
    assert stored is not None
    assert stored["deletedFor"] == [guest.id]
    assert stored["status"] == "finished"


async def test_timeline_merges_sources_in_time_order(client: httpx.AsyncClient, services: Services) -> None:
    played = await _coding(client)
    host, guest, rid, sid = played.host, played.guest, played.room_id, played.session_id
    run = await _job(services, "run", rid, guest.id, "accepted")
    await post(client, host, f"/api/rooms/{rid}/control/lock-editor")
    await post(client, host, f"/api/rooms/{rid}/control/unlock-editor")
    lock = await services.mongo.db["room_events"].find_one(
        {"roomId": rid, "type": "editor-lock", "data.locked": True}
    )
    assert lock is not None
    tied = await _job(services, "run", rid, host.id, "compile_error", at=lock["at"])  # the same millisecond
    submission = await _job(services, "submission", rid, guest.id, "wrong_answer")
    await _finish(client, played)
    response = await client.get(f"/api/sessions/{sid}/events", headers=guest.headers, params={"limit": 200})
    assert response.status_code == 200, response.text
    assert SECRET not in response.text
    events = response.json()["data"]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    kinds = [e["type"] for e in events]
    room_kinds = [k for k in kinds if k not in {"run", "submission", "code-snapshot"}]
    assert room_kinds[:2] == ["phase-change", "session-started"]
    assert room_kinds[-2:] == ["phase-change", "room-closed"]
    assert {"participant-joined", "participant-ready", "room-created"}.isdisjoint(kinds)  # before the session
    phases = [e["data"]["current"] for e in events if e["type"] == "phase-change"]
    assert phases == ["warmup", "coding", "wrapup", "finished"]
    assert kinds.index("run") < kinds.index("editor-lock") < kinds.index("submission")
    coding, wrapup = (
        next(i for i, e in enumerate(events) if e["data"].get("current") == p) for p in ("coding", "wrapup")
    )
    assert coding < kinds.index("run") < kinds.index("submission") < wrapup
    by_id = {e["id"]: e for e in events}
    assert by_id[run] == {
        "id": run,
        "type": "run",
        "at": by_id[run]["at"],
        "actorId": guest.id,
        "data": {"language": "python", "status": "completed", "verdict": "accepted"},
    }
    assert by_id[submission]["data"]["verdict"] == "wrong_answer"
    assert by_id[submission]["data"]["passed"] == 0
    snapshots = [e for e in events if e["type"] == "code-snapshot"]
    assert [s["data"]["trigger"] for s in snapshots][-1] == "session_end"
    assert "submission" in [s["data"]["trigger"] for s in snapshots]  # the editor lock
    assert all("code" not in s["data"] and s["actorId"] is None for s in snapshots)
    locks = [e for e in events if e["type"] == "editor-lock"]
    assert [(e["data"]["locked"], e["actorId"]) for e in locks] == [(True, host.id), (False, host.id)]
    assert all(e["actorId"] == host.id for e in events if e["type"] == "phase-change")
    position = {e["id"]: i for i, e in enumerate(events)}
    assert position[lock["_id"]] < position[tied]  # a tie on `at`: room events first, then runs
    assert events[position[lock["_id"]]]["at"] == events[position[tied]]["at"]
    for limit in (1, 2, 5):
        assert await _walk(client, guest, f"/api/sessions/{sid}/events", limit=limit) == events


async def test_timeline_of_an_ongoing_session_and_bad_cursors(client: httpx.AsyncClient) -> None:
    played = await _coding(client)
    path = f"/api/sessions/{played.session_id}/events"
    events = (await client.get(path, headers=played.host.headers)).json()["data"]
    assert [e["type"] for e in events if e["type"] != "code-snapshot"] == [
        "phase-change",
        "session-started",
        "phase-change",
    ]
    first = await client.get(path, headers=played.host.headers, params={"limit": 1})
    cursor = first.json()["pagination"]["nextCursor"]
    rest = await client.get(path, headers=played.host.headers, params={"cursor": cursor})
    assert [e["id"] for e in rest.json()["data"]] == [e["id"] for e in events[1:]]
    sid = str(uuid.uuid4())
    for params in (
        {"cursor": "garbage"},
        {"cursor": _forged(5, "9:1")},
        {"cursor": _forged(5, "0:x")},
        {"cursor": _forged(5, "1:not-a-uuid")},
        {"cursor": _forged(None, f"1:{sid}")},
        {"cursor": _forged(10**30, "0:1")},
        {"limit": 0},
        {"limit": 201},
    ):
        assert err(await client.get(path, headers=played.host.headers, params=params), 400) == (
            "VALIDATION_FAILED"
        ), params
