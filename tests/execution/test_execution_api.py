"""Run and submit through the real gateway, a real Ray task and the real sandbox: results, verdicts,
hidden-case redaction, counters, lists, lock/capability checks, quota, and the room's `execution-result`."""

from __future__ import annotations

import httpx
import pytest

from gateway.quotas import QuotaKind, consume
from gateway.services import Services
from storage.executions import ExecutionRepository
from tests.execution.api_support import coding_room, problem_with_hidden, settled
from tests.execution.conftest import needs_sandbox
from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.gateway.ws_support import next_event, open_socket
from tests.support import register

pytestmark = [pytest.mark.anyio, needs_sandbox]
ECHO = "print(input())\n"


async def test_run_returns_output_and_is_listed(
    client: httpx.AsyncClient, services: Services, live_url: str
) -> None:
    host, guest, room = await coding_room(client, services)
    rid = room["roomId"]
    ws = await open_socket(
        live_url, rid, (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["collabToken"]
    )
    accepted = await post(
        client, guest, f"/api/rooms/{rid}/run", {"language": "python", "code": ECHO, "stdin": "hi"}
    )
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["jobId"]
    result = await settled(client, guest, f"/api/execution/{job_id}")
    assert (result["status"], result["verdict"], result["stdout"], result["exitCode"]) == (
        "completed",
        "accepted",
        "hi\n",
        0,
    )
    status = (await client.get(f"/api/execution/{job_id}/status", headers=host.headers)).json()
    assert status == {"status": "completed"}
    event = await next_event(ws, "execution-result")
    assert event["data"]["jobId"] == job_id
    listed = (await client.get(f"/api/rooms/{rid}/runs", headers=host.headers)).json()["data"]
    assert [(r["jobId"], r["status"]) for r in listed] == [(job_id, "completed")]
    assert listed[0]["result"] == result
    await ws.close()
    crash = await post(
        client, guest, f"/api/rooms/{rid}/run", {"language": "python", "code": "raise SystemExit(3)"}
    )
    failed = await settled(client, guest, f"/api/execution/{crash.json()['jobId']}")
    assert (failed["status"], failed["verdict"], failed["exitCode"]) == ("failed", "runtime_error", 3)
    assert failed["stdout"] == ""


async def test_run_refused_when_locked_for_observers_and_over_quota(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, guest, room = await coding_room(client, services, config={"maxParticipants": 3})
    rid = room["roomId"]
    watcher = await register(client)
    await join(client, watcher, room, requestedRole="observer")
    body = {"language": "python", "code": ECHO}
    observer = await post(client, watcher, f"/api/rooms/{rid}/run", body)
    assert observer.status_code == 403
    assert observer.json()["code"] == "ROOM_PERMISSION_DENIED"
    await post(client, host, f"/api/rooms/{rid}/control/lock-editor")
    locked = await post(client, guest, f"/api/rooms/{rid}/run", body)
    assert locked.status_code == 409
    assert locked.json()["code"] == "ROOM_EDITOR_LOCKED"
    await post(client, host, f"/api/rooms/{rid}/control/unlock-editor")
    for _ in range(services.config.settings.execution_daily_limit):
        await consume(services, guest.id, QuotaKind.EXECUTION)
    over = await post(client, guest, f"/api/rooms/{rid}/run", body)
    assert over.status_code == 429
    assert "retry-after" in over.headers
    no_problem = await post(client, host, f"/api/rooms/{rid}/submit", body)
    assert no_problem.status_code == 404
    assert no_problem.json()["code"] == "PROBLEM_NOT_FOUND"


async def test_submit_judges_every_case_redacts_hidden_and_counts(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, guest, room = await coding_room(client, services)
    problem_id = await problem_with_hidden(client, host)
    rid = room["roomId"]
    await client.post(
        f"/api/rooms/{rid}/control/transition", headers=host.headers, json={"targetStatus": "wrapup"}
    )
    other = await create_room(client, host, problemId=problem_id)
    await join(client, guest, other)
    await to_coding(client, host, guest, other)
    oid = other["roomId"]
    good = await post(client, guest, f"/api/rooms/{oid}/submit", {"language": "python", "code": ECHO})
    assert good.status_code == 202, good.text
    judged = await settled(client, guest, f"/api/submissions/{good.json()['submissionId']}")
    assert (judged["verdict"], judged["passedTestCases"], judged["totalTestCases"]) == ("accepted", 2, 2)
    hidden = next(c for c in judged["testCases"] if c["isHidden"])
    assert (hidden["passed"], hidden["actualOutput"], hidden["expectedOutput"]) == (True, None, None)
    admin_view = (
        await client.get(f"/api/submissions/{good.json()['submissionId']}", headers=host.headers)
    ).json()
    assert next(c for c in admin_view["testCases"] if c["isHidden"])["expectedOutput"] == "secret"
    bad = await post(
        client, guest, f"/api/rooms/{oid}/submit", {"language": "python", "code": "print('nope')"}
    )
    wrong = await settled(client, guest, f"/api/submissions/{bad.json()['submissionId']}")
    assert (wrong["verdict"], wrong["passedTestCases"], wrong["failedTestCases"]) == ("wrong_answer", 0, 2)
    detail = (await client.get(f"/api/problems/{problem_id}", headers=guest.headers)).json()
    assert (detail["totalSubmissions"], detail["acceptanceRate"], detail["attemptStatus"]) == (
        2,
        50.0,
        "solved",
    )
    listed = (await client.get(f"/api/rooms/{oid}/submissions", headers=host.headers)).json()["data"]
    assert [(s["verdict"], s["passedTestCases"]) for s in listed] == [("wrong_answer", 0), ("accepted", 2)]
    stored = await ExecutionRepository(services.mongo).page("submission", oid, 5, None)
    assert all("cases" not in row["result"] for row in stored)  # a page never loads the cases
    snapshots = await services.mongo.db["code_snapshots"].count_documents(
        {"roomId": oid, "trigger": "submission"}
    )
    assert snapshots >= 2
    for target in ("wrapup", "finished"):
        moved = await post(client, host, f"/api/rooms/{oid}/control/transition", {"targetStatus": target})
        assert moved.status_code == 200, moved.text
    stats = (await client.get("/api/users/me", headers=guest.headers)).json()["stats"]
    assert (stats["totalSessions"], stats["totalProblems"]) == (1, 1)  # the accepted submission counts
