"""Playing a real session for report tests: a room driven through the gateway and Ray to coding, the
candidate's runs and submissions inserted through `ExecutionRepository` (the sandbox is slow; the rubric
only reads their stored results), chat through `ChatRepository`, then the real finish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from engine.identity import UserRole
from gateway.services import Services
from storage.chat import ChatRepository
from storage.executions import ExecutionRepository
from tests.gateway.rooms_support import create_problem, create_room, join, post, to_coding
from tests.support import Account, register, wait_until

Json = dict[str, Any]
WRONG = "def solve(a):\n    return a[0]\n\nprint(solve(input().split()))\n"
RIGHT = (
    "def solve(a):\n    total = 0\n    for x in a:\n        total += int(x)\n    return total\n\n"
    "print(solve(input().split()))\n"
)


@dataclass(frozen=True)
class Played:
    interviewer: Account
    candidate: Account
    room_id: str
    session_id: str


async def seated(client: httpx.AsyncClient, services: Services) -> Played:
    """A peer room in `coding` with a problem: an admin interviewer and a fresh candidate."""
    admin, guest = await register(client), await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    room = await create_room(client, admin, problemId=await create_problem(client, admin))
    assert (await join(client, guest, room)).status_code == 200
    await to_coding(client, admin, guest, room)
    detail = (await client.get(f"/api/rooms/{room['roomId']}", headers=admin.headers)).json()
    return Played(admin, guest, room["roomId"], detail["sessionId"])


async def attempt(services: Services, played: Played, kind: str, code: str, verdict: str, shift: int) -> str:
    """A finished run or submission of the candidate, `shift` ms after now."""
    repo, job_id = ExecutionRepository(services.mongo), str(uuid.uuid4())
    at = services.now() + timedelta(milliseconds=shift)
    job = {
        "_id": job_id,
        "kind": kind,
        "roomId": played.room_id,
        "userId": played.candidate.id,
        "language": "python",
    }
    await repo.create(kind, job | {"code": code, "createdAt": at})
    ok = verdict == "accepted"
    cases = [
        {"index": i, "isHidden": i > 0, "passed": ok or i == 0, "timedOut": False, "verdict": verdict}
        for i in range(2)
    ]
    result = {
        "verdict": verdict,
        "passed": 2 if ok else 1,
        "total": 2,
        "cases": cases if kind == "submission" else [],
    }
    await repo.complete(kind, job_id, "completed", result, services.now())
    return job_id


async def chat(services: Services, played: Played, text: str) -> None:
    now_ms = int(services.now().timestamp() * 1000)
    message = {
        "messageId": str(uuid.uuid4()),
        "roomId": played.room_id,
        "userId": played.candidate.id,
        "content": text,
    }
    await ChatRepository(services.mongo).add(message | {"createdAt": now_ms, "updatedAt": now_ms})


async def work(services: Services, played: Played) -> None:
    """A wrong run, a wrong submission, an accepted one and an explaining question in the chat."""
    await attempt(services, played, "run", WRONG, "wrong_answer", 0)
    await attempt(services, played, "submission", WRONG, "wrong_answer", 5)
    await attempt(services, played, "submission", RIGHT, "accepted", 10)
    await chat(services, played, "My approach: sum in one pass because it is O(n)?")


async def finish(client: httpx.AsyncClient, played: Played) -> None:
    for target in ("wrapup", "finished"):
        path = f"/api/rooms/{played.room_id}/control/transition"
        moved = await post(client, played.interviewer, path, {"targetStatus": target})
        assert moved.status_code == 200, moved.text


async def report(client: httpx.AsyncClient, who: Account, session_id: str, timeout_s: float = 30) -> Json:
    """The completed report, waiting while the route answers 404 SESSION_REPORT_NOT_READY."""
    body: Json = {}

    async def ready() -> bool:
        nonlocal body
        response = await client.get(f"/api/sessions/{session_id}/report", headers=who.headers)
        body = response.json()
        assert response.status_code == 200 or body["code"] == "SESSION_REPORT_NOT_READY", body
        return response.status_code == 200

    await wait_until(ready, timeout_s=timeout_s)
    return body


async def row(services: Services, played: Played) -> Json:
    found = await services.mongo.db["reports"].find_one(
        {"sessionId": played.session_id, "userId": played.candidate.id}
    )
    assert found is not None
    return found
