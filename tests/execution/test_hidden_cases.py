"""Issue 10 attacks through the real gateway, Ray and sandbox: a candidate's program turns a hidden
input into its exit code, its length into the exit code, its first byte into wall and CPU time, or into
megabytes allocated. A non-admin must learn nothing of it beyond pass/fail and the verdict class — not
from the submission, the room's submission list, nor the room's `execution-result` event — while an
admin sees everything (which also proves each channel really carries the byte)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gateway.services import Services
from tests.execution.api_support import admin_account, coding_room, problem_with_hidden, settled
from tests.execution.conftest import needs_sandbox
from tests.gateway.rooms_support import post
from tests.gateway.ws_support import next_event, open_socket
from tests.support import Account, ok

pytestmark = [pytest.mark.anyio, needs_sandbox]
SECRET = "Secret"  # first byte 'S' = 83, six bytes long; the visible case's input is "1" (49)
SHOWN = frozenset({"testCaseIndex", "passed", "timedOut", "verdict", "isHidden"})
EVENT_KEYS = frozenset({"jobId", "kind", "userId", "verdict", "passed", "total"})
EXIT_WITH_BYTE = "import sys\nsys.exit(ord(sys.stdin.read()[0]))\n"
EXIT_WITH_LENGTH = "import sys\nsys.exit(len(sys.stdin.read()))\n"
TIME_BY_BYTE = (
    "import sys, time\n"
    "c = ord(sys.stdin.read()[0])\n"
    "time.sleep(c / 200)  # bounded-poll: the timing attack under test\n"
    "end = time.process_time() + c / 400\n"
    "while time.process_time() < end:\n"
    "    pass\n"
)
MEMORY_BY_BYTE = "import sys\nc = ord(sys.stdin.read()[0])\nblob = b'x' * (c << 20)\nprint(c, len(blob))\n"


def _hidden(body: dict[str, Any]) -> dict[str, Any]:
    case: dict[str, Any] = next(c for c in body["testCases"] if c["isHidden"])
    return case


def _visible(body: dict[str, Any]) -> dict[str, Any]:
    case: dict[str, Any] = next(c for c in body["testCases"] if not c["isHidden"])
    return case


def _assert_redacted(case: dict[str, Any]) -> None:
    leaked = {key: value for key, value in case.items() if key not in SHOWN and value is not None}
    assert leaked == {}, f"a hidden case shows {leaked}"


async def _attack(
    client: httpx.AsyncClient, services: Services, code: str
) -> tuple[Account, Account, str, str]:
    """(admin, candidate, room id, submission id) of `code` submitted by the candidate, judged."""
    admin = await admin_account(client, services)
    problem_id = await problem_with_hidden(client, admin, SECRET)
    host, guest, room = await coding_room(client, services, problemId=problem_id)
    accepted = ok(
        await post(
            client, guest, f"/api/rooms/{room['roomId']}/submit", {"language": "python", "code": code}
        ),
        202,
    )
    await settled(client, guest, f"/api/submissions/{accepted['submissionId']}")
    return host, guest, room["roomId"], accepted["submissionId"]


Check = Callable[[dict[str, Any]], bool]
ATTACKS: dict[str, tuple[str, str, Check]] = {
    "exit-code": (EXIT_WITH_BYTE, "runtime_error", lambda admin: admin["exitCode"] == ord(SECRET[0])),
    "length": (EXIT_WITH_LENGTH, "runtime_error", lambda admin: admin["exitCode"] == len(SECRET)),
    "time": (
        TIME_BY_BYTE,
        "wrong_answer",
        lambda admin: admin["durationMs"] >= 400 and admin["cpuTimeMs"] >= 190,
    ),
    "memory": (
        MEMORY_BY_BYTE,
        "wrong_answer",
        lambda admin: admin["memoryUsageMb"] >= ord(SECRET[0]) and admin["stdout"].startswith("83 "),
    ),
}


@pytest.mark.parametrize("channel", list(ATTACKS))
async def test_hidden_case_reveals_only_its_verdict(
    client: httpx.AsyncClient, services: Services, channel: str
) -> None:
    code, verdict, carries_the_byte = ATTACKS[channel]
    host, guest, rid, submission_id = await _attack(client, services, code)
    admin_view = ok(await client.get(f"/api/submissions/{submission_id}", headers=host.headers))
    assert carries_the_byte(_hidden(admin_view)), _hidden(admin_view)
    seen = ok(await client.get(f"/api/submissions/{submission_id}", headers=guest.headers))
    hidden = _hidden(seen)
    _assert_redacted(hidden)
    assert (hidden["verdict"], hidden["timedOut"]) == (verdict, False)
    assert hidden["passed"] is (None if verdict == "runtime_error" else False)
    assert seen["totalDurationMs"] == _visible(seen)["durationMs"]
    assert (
        admin_view["totalDurationMs"]
        == _visible(admin_view)["durationMs"] + _hidden(admin_view)["durationMs"]
    )
    listed = ok(await client.get(f"/api/rooms/{rid}/submissions", headers=guest.headers))["data"]
    assert [s["submissionId"] for s in listed] == [submission_id]
    assert "testCases" not in listed[0]
    assert listed[0]["totalDurationMs"] == seen["totalDurationMs"]


async def test_room_event_carries_no_case_data(
    client: httpx.AsyncClient, services: Services, live_url: str
) -> None:
    admin = await admin_account(client, services)
    problem_id = await problem_with_hidden(client, admin, SECRET)
    _, guest, room = await coding_room(client, services, problemId=problem_id)
    rid = room["roomId"]
    token = ok(await client.get(f"/api/rooms/{rid}", headers=guest.headers))["collabToken"]
    ws = await open_socket(live_url, rid, token)
    try:
        accepted = ok(
            await post(
                client, guest, f"/api/rooms/{rid}/submit", {"language": "python", "code": EXIT_WITH_BYTE}
            ),
            202,
        )
        event = (await next_event(ws, "execution-result", timeout_s=120))["data"]
    finally:
        await ws.close()
    assert event["jobId"] == accepted["submissionId"]
    assert set(event) <= EVENT_KEYS
    assert (event["verdict"], event["passed"], event["total"]) == ("runtime_error", 0, 2)
    assert "83" not in json.dumps({k: v for k, v in event.items() if k not in ("jobId", "userId")})
