"""The reference web client's main flow, end to end over HTTP and the websocket, each response parsed
with a schema written from the reference's facts (syncode-reference.md §3-§4): register both, login,
create a private peer room, join by code, ready, warm-up, coding, co-edit, run (poll until `stdout`),
submit (poll until completed, every case listed), finish, then the session list, detail, snapshots,
feedback progress and the dashboard's list."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from engine.identity import UserRole
from gateway.services import Services
from tests.execution.api_support import poll, problem_with_hidden
from tests.execution.conftest import needs_sandbox
from tests.execution.test_execution_contract import EXECUTION_DETAILS, RUN_CODE_RESULT, RUN_PROGRESS
from tests.gateway.test_contract import REFERENCE_AUTH_RESPONSE
from tests.gateway.test_sessions_contract import CODE_SNAPSHOT, PROGRESS, SESSION_DETAIL, SESSION_SUMMARY
from tests.gateway.ws_support import next_event, open_socket
from tests.gateway.yjs_support import Peer
from tests.support import Account, unique

pytestmark = [pytest.mark.anyio, needs_sandbox]
TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
NULLABLE = {"type": ["string", "null"]}
ROLE = {"enum": ["interviewer", "candidate", "observer"]}
STATUS = {"enum": ["waiting", "warmup", "coding", "wrapup", "finished"]}


def _obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


CONFIG = _obj(
    maxParticipants={"type": "integer"}, maxDuration={"type": "integer"}, isPrivate={"type": "boolean"}
)
CREATE_ROOM = _obj(  # §4.3 CreateRoomResponse
    roomId={"type": "string"},
    roomCode={"type": "string", "pattern": "^[A-Z0-9]{6}$"},
    name=NULLABLE,
    status={"const": "waiting"},
    mode={"const": "peer"},
    hostId={"type": "string"},
    problemId=NULLABLE,
    language=NULLABLE,
    config=CONFIG,
    createdAt=TIME,
    collabCreated={"type": "boolean"},
    mediaCreated={"type": "boolean"},
)
PARTICIPANT = _obj(  # §3.7
    userId={"type": "string"},
    username={"type": "string"},
    displayName=NULLABLE,
    avatarUrl=NULLABLE,
    role=ROLE,
    isActive={"type": "boolean"},
    isReady={"type": "boolean"},
    joinedAt=TIME,
)
ROOM_DETAIL = _obj(  # §3.9 (collabToken/collabUrl required while the room is live)
    roomId={"type": "string"},
    roomCode={"type": "string"},
    name=NULLABLE,
    status=STATUS,
    mode={"enum": ["peer", "ai"]},
    hostId={"type": "string"},
    language=NULLABLE,
    createdAt=TIME,
    sessionId=NULLABLE,
    problemId=NULLABLE,
    config=CONFIG,
    participants={"type": "array", "items": PARTICIPANT},
    myRole=ROLE,
    myCapabilities={"type": "array", "items": {"type": "string"}},
    currentPhaseStartedAt={"anyOf": [TIME, {"type": "null"}]},
    timerPaused={"type": "boolean"},
    elapsedMs={"type": "integer"},
    editorLocked={"type": "boolean"},
    collabToken={"type": "string"},
    collabUrl={"type": "string"},
)
JOIN_ROOM = _obj(  # §4.3 JoinRoomResponse
    room=ROOM_DETAIL,
    assignedRole=ROLE,
    requestedRole={"anyOf": [ROLE, {"type": "null"}]},
    assignmentReason={"type": "string"},
    myCapabilities={"type": "array", "items": {"type": "string"}},
    collabToken={"type": "string"},
    collabUrl={"type": "string"},
)
TRANSITION = _obj(  # §4.4.2
    roomId={"type": "string"},
    previousStatus=STATUS,
    currentStatus=STATUS,
    transitionedAt=TIME,
    transitionedBy={"type": "string"},
)
RUN_ACCEPTED = _obj(jobId={"type": "string"}, staticAnalysisJobId=NULLABLE)  # §4.3 run
SUBMIT_ACCEPTED = _obj(submissionId={"type": "string"}, staticAnalysisJobId=NULLABLE)  # §4.3 submit
PAGE = _obj(data={"type": "array"}, pagination=_obj(nextCursor=NULLABLE, hasMore={"type": "boolean"}))
SOLUTION = "print(input())\n"


def parsed(schema: dict[str, Any], response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, f"{response.request.url.path}: {[e.message for e in errors][:5]}"
    return body


async def _register(client: httpx.AsyncClient) -> Account:
    name = unique("flow")
    body = {"username": name, "email": f"{name}@example.com", "password": "correct horse battery"}
    created = parsed(REFERENCE_AUTH_RESPONSE, await client.post("/api/auth/register", json=body), 201)
    client.cookies.clear()
    login = {"identifier": body["email"], "password": body["password"]}
    logged = parsed(REFERENCE_AUTH_RESPONSE, await client.post("/api/auth/login", json=login))
    assert logged["user"]["id"] == created["user"]["id"]
    client.cookies.clear()
    return Account(created["user"]["id"], body["email"], name, body["password"], logged["accessToken"], "")


async def _post(client: httpx.AsyncClient, who: Account, path: str, body: Any = None) -> httpx.Response:
    return await client.post(path, headers=who.headers, json=body)


async def _into_coding(client: httpx.AsyncClient, host: Account, guest: Account, problem_id: str) -> str:
    """Create a private peer room, join it by its code, ready both, warm-up, coding."""
    create = {"mode": "peer", "name": "Flow", "problemId": problem_id, "language": "python"}
    room = parsed(CREATE_ROOM, await _post(client, host, "/api/rooms", create), 201)
    rid = room["roomId"]
    joined = parsed(
        JOIN_ROOM, await _post(client, guest, f"/api/rooms/{rid}/join", {"roomCode": room["roomCode"]})
    )
    assert joined["assignedRole"] == "candidate"
    for who in (host, guest):
        parsed(ROOM_DETAIL, await _post(client, who, f"/api/rooms/{rid}/ready"))
    for target in ("warmup", "coding"):
        moved = await _post(client, host, f"/api/rooms/{rid}/control/transition", {"targetStatus": target})
        assert parsed(TRANSITION, moved)["currentStatus"] == target
    return str(rid)


async def _co_edit(
    client: httpx.AsyncClient, live_url: str, host: Account, guest: Account, rid: str
) -> list[Peer]:
    """Both open the room socket as the reference client does (join frame, then Yjs) and keep it open
    (a participant whose last socket closes becomes inactive); the candidate types the solution, the
    interviewer sees it."""
    peers = []
    for who in (host, guest):
        detail = parsed(ROOM_DETAIL, await client.get(f"/api/rooms/{rid}", headers=who.headers))
        ws = await open_socket(live_url, rid, detail["collabToken"])
        assert (await next_event(ws, "room-state"))["data"]["phase"] == "coding"
        peer = Peer(ws)
        await peer.start()
        peers.append(peer)
    interviewer, candidate = peers
    await candidate.until(lambda: str(candidate.text) == str(interviewer.text) or bool(str(candidate.text)))
    await candidate.type(0, SOLUTION)
    await interviewer.until(lambda: SOLUTION in str(interviewer.text))
    return peers


def _until_shape(done: dict[str, Any], before: dict[str, Any], finished: Any) -> Any:
    """A poll predicate: every body is `before` until `finished(body)`, then it must be `done`."""

    def check(body: dict[str, Any]) -> bool:
        if not finished(body):
            assert Draft202012Validator(before).is_valid(body), body
            return False
        assert Draft202012Validator(done).is_valid(body), body
        return True

    return check


async def _run_and_submit(client: httpx.AsyncClient, guest: Account, rid: str) -> None:
    body = {"code": SOLUTION, "language": "python", "stdin": "42"}
    run = parsed(RUN_ACCEPTED, await _post(client, guest, f"/api/rooms/{rid}/run", body), 202)
    check = _until_shape(RUN_CODE_RESULT, RUN_PROGRESS, lambda b: "stdout" in b)  # how the client tells
    result = await poll(client, guest, f"/api/execution/{run['jobId']}", check)
    assert result["stdout"].strip() == "42" and result["status"] == "completed"
    del body["stdin"]
    submit = parsed(SUBMIT_ACCEPTED, await _post(client, guest, f"/api/rooms/{rid}/submit", body), 202)
    check = _until_shape(
        EXECUTION_DETAILS, EXECUTION_DETAILS, lambda b: b["status"] in {"completed", "failed"}
    )
    final = await poll(client, guest, f"/api/submissions/{submit['submissionId']}", check)
    assert final["status"] == "completed" and final["passedTestCases"] == final["totalTestCases"] == 2
    assert [case["testCaseIndex"] for case in final["testCases"]] == [0, 1]


async def _history(client: httpx.AsyncClient, host: Account, guest: Account) -> None:
    listed = parsed(PAGE, await client.get("/api/sessions", headers=guest.headers))
    assert len(listed["data"]) == 1
    summary = listed["data"][0]
    assert Draft202012Validator(SESSION_SUMMARY).is_valid(summary), summary
    sid = summary["sessionId"]
    detail = parsed(SESSION_DETAIL, await client.get(f"/api/sessions/{sid}", headers=guest.headers))
    assert [s["submissionId"] for s in detail["submissions"]]
    snaps = parsed(PAGE, await client.get(f"/api/sessions/{sid}/snapshots", headers=guest.headers))
    for snap in snaps["data"]:
        assert Draft202012Validator(CODE_SNAPSHOT).is_valid(snap), snap
    assert SOLUTION in snaps["data"][-1]["code"]
    progress = parsed(
        PROGRESS, await client.get(f"/api/sessions/{sid}/feedback/progress", headers=host.headers)
    )
    assert [t["state"] for t in progress["targets"]] == ["pending"]
    dashboard = parsed(
        PAGE, await client.get("/api/sessions?limit=5&sortBy=createdAt&sortOrder=desc", headers=host.headers)
    )
    assert [s["sessionId"] for s in dashboard["data"]] == [sid]


@pytest.mark.timeout(300)
async def test_reference_client_main_flow(
    client: httpx.AsyncClient, live_url: str, services: Services
) -> None:
    host, guest = await _register(client), await _register(client)
    admin = await _register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    problem_id = await problem_with_hidden(client, admin, hidden_input="7")
    rid = await _into_coding(client, host, guest, problem_id)
    peers = await _co_edit(client, live_url, host, guest, rid)
    await _run_and_submit(client, guest, rid)
    finished = await _post(client, host, f"/api/rooms/{rid}/control/transition", {"targetStatus": "finished"})
    assert parsed(TRANSITION, finished)["currentStatus"] == "finished"
    for peer in peers:
        await peer.ws.close()
    await _history(client, host, guest)
