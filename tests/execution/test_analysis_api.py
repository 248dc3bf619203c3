"""Static analysis through the gateway, a real Ray task and the real sandbox: every run and submit gets
an analysis, a room member can ask for one (of given code or of the room's document), results are read
through the room or the execution API, and strangers, observers and bad bodies are refused."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from engine.identity import UserRole
from gateway.services import Services
from tests.execution.api_support import settled
from tests.execution.conftest import needs_sandbox
from tests.gateway.rooms_support import create_problem, create_room, join, post, to_coding
from tests.gateway.ws_support import next_event, open_socket
from tests.support import Account, register

pytestmark = [pytest.mark.anyio, needs_sandbox]
FLAWED = "import os\n\n\ndef pick(xs):\n    return missing + xs[0]\n\n\nprint(pick([1]))\n"
GO_UNDECLARED = "package main\n\nfunc main() {\n\tfmt.Println(1)\n}\n"
STARTER = "import sys\n\n\ndef solve(line):\n    if line:\n        return line\n    return undefined_name\n"


async def _room(client: httpx.AsyncClient, services: Services, **body: Any) -> tuple[Account, Account, str]:
    host, guest = await register(client), await register(client)
    await services.users.set_role(host.id, UserRole.ADMIN, services.now())
    room = await create_room(client, host, **body)
    await join(client, guest, room)
    await to_coding(client, host, guest, room)
    return host, guest, room["roomId"]


async def test_every_run_gets_an_analysis(
    client: httpx.AsyncClient, services: Services, live_url: str
) -> None:
    host, guest, rid = await _room(client, services)
    token = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["collabToken"]
    ws = await open_socket(live_url, rid, token)
    accepted = await post(client, guest, f"/api/rooms/{rid}/run", {"language": "python", "code": FLAWED})
    assert accepted.status_code == 202, accepted.text
    run_id, job_id = accepted.json()["jobId"], accepted.json()["staticAnalysisJobId"]
    assert job_id is not None
    result = await settled(client, guest, f"/api/execution/static-analysis/{job_id}")
    assert (result["status"], result["source"], result["runId"], result["submissionId"]) == (
        "completed",
        "run",
        run_id,
        None,
    )
    rules = {(d["tool"], d["rule"], d["severity"], d["line"]) for d in result["diagnostics"]}
    assert {("ruff", "F401", "warning", 1), ("ruff", "F821", "error", 5)} <= rules
    assert result["summary"]["errorCount"] == 1
    assert result["summary"]["maxCyclomaticComplexity"] == 1
    assert [t["tool"] for t in result["toolResults"]] == ["ruff", "lizard", "duplicates"]
    assert result["completedAt"] is not None
    event = await next_event(ws, "static-analysis-result")
    assert event["data"]["jobId"] == job_id
    assert event["data"]["summary"]["errorCount"] == 1
    await ws.close()
    through_room = await client.get(f"/api/rooms/{rid}/static-analysis/{job_id}", headers=host.headers)
    assert through_room.status_code == 200
    assert through_room.json() == result


async def test_submission_gets_an_analysis(client: httpx.AsyncClient, services: Services) -> None:
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    host, guest, rid = await _room(client, services, problemId=await create_problem(client, admin))
    code = "#include <stdio.h>\nint main(void) {\n    int unused;\n    char s[64];\n"
    code += '    if (scanf("%63s", s) == 1) puts(s);\n    return 0;\n}\n'
    accepted = await post(client, guest, f"/api/rooms/{rid}/submit", {"language": "c", "code": code})
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["staticAnalysisJobId"]
    result = await settled(client, host, f"/api/rooms/{rid}/static-analysis/{job_id}")
    assert (result["source"], result["submissionId"]) == ("submission", accepted.json()["submissionId"])
    assert ("gcc", "unused-variable", 3) in {(d["tool"], d["rule"], d["line"]) for d in result["diagnostics"]}


async def test_request_analysis_of_code_or_of_the_document(
    client: httpx.AsyncClient, services: Services
) -> None:
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    problem_id = await create_problem(client, admin, starterCode={"python": STARTER})
    _, guest, rid = await _room(client, services, problemId=problem_id)
    given = await post(
        client, guest, f"/api/rooms/{rid}/static-analysis", {"language": "go", "code": GO_UNDECLARED}
    )
    assert given.status_code == 202, given.text
    assert given.json()["status"] == "pending"
    go = await settled(client, guest, f"/api/rooms/{rid}/static-analysis/{given.json()['jobId']}")
    assert (go["language"], go["source"], go["runId"]) == ("go", "request", None)
    assert ("go vet", "typecheck", "error", 4) in {
        (d["tool"], d["rule"], d["severity"], d["line"]) for d in go["diagnostics"]
    }
    document = await post(client, guest, f"/api/rooms/{rid}/static-analysis", {})
    assert document.status_code == 202, document.text
    from_doc = await settled(client, guest, f"/api/execution/static-analysis/{document.json()['jobId']}")
    assert from_doc["language"] == "python"
    found = {(d["rule"], d["line"]) for d in from_doc["diagnostics"]}
    assert {("F401", 1), ("F821", 7)} <= found
    assert from_doc["complexity"][0]["functionName"] == "solve"
    assert from_doc["complexity"][0]["cyclomaticComplexity"] == 2


async def test_refusals(client: httpx.AsyncClient, services: Services) -> None:
    host, guest, rid = await _room(client, services, config={"maxParticipants": 3})
    watcher, stranger = await register(client), await register(client)
    room = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
    await join(client, watcher, room, requestedRole="observer")
    body = {"language": "python", "code": "print(1)\n"}
    observer = await post(client, watcher, f"/api/rooms/{rid}/static-analysis", body)
    assert (observer.status_code, observer.json()["code"]) == (403, "ROOM_PERMISSION_DENIED")
    outsider = await post(client, stranger, f"/api/rooms/{rid}/static-analysis", body)
    assert outsider.status_code == 403
    unknown_field = await post(client, guest, f"/api/rooms/{rid}/static-analysis", {**body, "extra": 1})
    assert (unknown_field.status_code, unknown_field.json()["code"]) == (400, "VALIDATION_FAILED")
    bad_language = await post(client, guest, f"/api/rooms/{rid}/static-analysis", {"language": "cobol"})
    assert (bad_language.status_code, bad_language.json()["code"]) == (400, "VALIDATION_FAILED")
    too_big = await post(client, guest, f"/api/rooms/{rid}/static-analysis", {"code": "x" * (64 * 1024 + 1)})
    assert too_big.status_code in (400, 413)
    empty_document = await post(client, guest, f"/api/rooms/{rid}/static-analysis", {})
    assert (empty_document.status_code, empty_document.json()["code"]) == (422, "ANALYSIS_NO_CODE")
    blank = await post(client, guest, f"/api/rooms/{rid}/static-analysis", {"code": "   \n"})
    assert (blank.status_code, blank.json()["code"]) == (422, "ANALYSIS_NO_CODE")
    accepted = await post(client, guest, f"/api/rooms/{rid}/static-analysis", body)
    job_id = accepted.json()["jobId"]
    hidden = await client.get(f"/api/execution/static-analysis/{job_id}", headers=stranger.headers)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "ANALYSIS_JOB_NOT_FOUND")
    _, _, other_room = await _room(client, services)
    wrong_room = await client.get(f"/api/rooms/{other_room}/static-analysis/{job_id}", headers=host.headers)
    assert (wrong_room.status_code, wrong_room.json()["code"]) == (404, "ANALYSIS_JOB_NOT_FOUND")
    missing = await client.get(f"/api/execution/static-analysis/{uuid.uuid4()}", headers=guest.headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "ANALYSIS_JOB_NOT_FOUND")
    await settled(client, guest, f"/api/execution/static-analysis/{job_id}")


async def test_request_rate_is_limited(client: httpx.AsyncClient, services: Services) -> None:
    _, guest, rid = await _room(client, services)
    limit = services.config.settings.execution_rate_per_min
    for _ in range(limit):
        await services.usage.hit(f"analysis:{guest.id}", _window(services))
    over = await post(
        client, guest, f"/api/rooms/{rid}/static-analysis", {"language": "python", "code": "1\n"}
    )
    assert (over.status_code, over.json()["code"]) == (429, "ANALYSIS_RATE_LIMIT")
    assert "retry-after" in over.headers


def _window(services: Services) -> Any:
    from engine.ratelimit import window_for

    return window_for(services.now(), 60)


async def test_destroying_the_room_deletes_its_runs_and_analyses(
    client: httpx.AsyncClient, services: Services
) -> None:
    host, guest, rid = await _room(client, services)
    accepted = await post(
        client, guest, f"/api/rooms/{rid}/run", {"language": "python", "code": "print(1)\n"}
    )
    await settled(client, guest, f"/api/execution/{accepted.json()['jobId']}")
    await settled(client, guest, f"/api/execution/static-analysis/{accepted.json()['staticAnalysisJobId']}")
    db = services.mongo.db
    assert await db["runs"].count_documents({"roomId": rid}) == 1
    assert await db["static_analyses"].count_documents({"roomId": rid}) == 1
    destroyed = await client.delete(f"/api/rooms/{rid}", headers=host.headers)
    assert destroyed.status_code == 200, destroyed.text
    assert await db["runs"].count_documents({"roomId": rid}) == 0
    assert await db["static_analyses"].count_documents({"roomId": rid}) == 0
    gone = await client.get(f"/api/execution/{accepted.json()['jobId']}", headers=guest.headers)
    assert gone.status_code == 404
