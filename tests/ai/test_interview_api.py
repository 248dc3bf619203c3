"""End to end through the gateway, the real InterviewerActor, the sandbox and the offline provider: an
AI room goes to coding, the candidate chats, climbs the hint ladder (a fourth hint in the window is
429), runs and submits a wrong solution (the interviewer names the failing case on its own), asks for a
review whose annotations point at real lines, and the history holds every turn in order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from engine.problems.model import Problem
from gateway.services import Services
from tests.ai.bank_support import problem
from tests.ai.support import WRONG_SCRAMBLE, ai_room, history, interview_body, ready
from tests.execution.api_support import settled
from tests.execution.conftest import needs_sandbox
from tests.gateway.rooms_support import post
from tests.support import err, ok, wait_until

pytestmark = pytest.mark.anyio


async def _proactive(client: httpx.AsyncClient, who: Any, rid: str, needle: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    async def said() -> bool:
        nonlocal found
        messages = await history(client, who, rid, limit=100)
        hits = [m for m in messages if m["kind"] == "proactive" and needle in m["content"]]
        found = hits[0] if hits else {}
        return bool(hits)

    await wait_until(said, timeout_s=90, step_s=0.2)
    return found


async def _hints(client: httpx.AsyncClient, who: Any, rid: str, code: str) -> list[dict[str, Any]]:
    results = []
    for _ in range(3):
        accepted = ok(
            await post(
                client,
                who,
                f"/api/rooms/{rid}/ai/hint",
                {"code": code, "language": "python", "hintLevel": "subtle"},
            ),
            202,
        )
        assert accepted["phase"] == "initial"
        results.append(await ready(client, who, f"/api/rooms/{rid}/ai/hint/{accepted['jobId']}"))
    return results


async def _chat_and_climb(client: httpx.AsyncClient, who: Any, rid: str, bank: Problem) -> None:
    starter = bank.starter_code["python"]
    body = interview_body("Can the two strings have different lengths?", starter)
    sent = ok(await post(client, who, f"/api/rooms/{rid}/ai/interview", body), 202)
    reply = await ready(client, who, f"/api/rooms/{rid}/ai/interview/{sent['jobId']}")
    assert reply["shouldRespond"] is True
    assert reply["message"] and reply["codeContext"]["startLine"] == 1
    hints = await _hints(client, who, rid, starter)
    assert [h["level"] for h in hints] == ["subtle", "moderate", "direct"]
    for hint, stored in zip(hints, bank.hints, strict=True):
        assert stored in hint["hint"]
    fourth = {"code": starter, "language": "python", "hintLevel": "direct"}
    assert err(await post(client, who, f"/api/rooms/{rid}/ai/hint", fourth), 429) == "AI_HINT_RATE_LIMIT"


async def _fail_and_hear_about_it(client: httpx.AsyncClient, who: Any, rid: str, bank: Problem) -> None:
    body = {"language": "python", "code": WRONG_SCRAMBLE, "stdin": bank.examples[1].input}
    run = ok(await post(client, who, f"/api/rooms/{rid}/run", body), 202)
    await settled(client, who, f"/api/execution/{run['jobId']}")
    on_run = await _proactive(client, who, rid, "example 2")
    assert "`false`" in on_run["content"] and "`true`" in on_run["content"]
    code = {"language": "python", "code": WRONG_SCRAMBLE}
    submitted = ok(await post(client, who, f"/api/rooms/{rid}/submit", code), 202)
    details = await settled(client, who, f"/api/submissions/{submitted['submissionId']}")
    first_fail = next(c for c in details["testCases"] if c["passed"] is False)
    on_submit = await _proactive(client, who, rid, f"Test {first_fail['testCaseIndex'] + 1}")
    assert "submission passes" in on_submit["content"]


async def _review(client: httpx.AsyncClient, who: Any, rid: str) -> dict[str, Any]:
    asked = ok(await post(client, who, f"/api/rooms/{rid}/ai/review", {"code": WRONG_SCRAMBLE}), 202)
    review = await ready(client, who, f"/api/rooms/{rid}/ai/review/{asked['jobId']}")
    lines = WRONG_SCRAMBLE.splitlines()
    assert set(review["dimensions"]) == {
        "correctness",
        "efficiency",
        "codeQuality",
        "communication",
        "problemSolving",
    }
    assert all(0 <= d["score"] <= 100 for d in review["dimensions"].values())
    assert review["dimensions"]["correctness"]["score"] < 85
    assert review["annotations"] and all(1 <= a["line"] <= len(lines) for a in review["annotations"])
    nested = [a for a in review["annotations"] if "inside another loop" in a["comment"]]
    assert nested and lines[nested[0]["line"] - 1].strip().startswith("for other in t")
    assert review["suggestions"]
    return review


async def _check_history(client: httpx.AsyncClient, who: Any, rid: str, review: dict[str, Any]) -> None:
    messages = await history(client, who, rid, limit=3)
    seqs = [m["seq"] for m in messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    kinds = [(m["role"], m["kind"]) for m in messages]
    expected = [("user", "chat"), ("assistant", "chat")] + [
        ("user", "hint-request"),
        ("assistant", "hint"),
    ] * 3
    assert kinds[: len(expected)] == expected
    assert ("assistant", "proactive") in kinds[len(expected) :]
    assert kinds[-2:] == [("user", "review-request"), ("assistant", "review")]
    assert messages[-1]["content"] == review["summary"]
    quotas = ok(await client.get("/api/users/me/quotas", headers=who.headers))
    assert quotas["ai"]["used"] == sum(1 for m in messages if m["role"] == "assistant")


@needs_sandbox
@pytest.mark.timeout(300)
async def test_ai_interview_end_to_end(client: httpx.AsyncClient, services: Services) -> None:
    bank = problem("anagram-check").problem
    candidate, rid, _ = await ai_room(client, services)
    await _chat_and_climb(client, candidate, rid, bank)
    await _fail_and_hear_about_it(client, candidate, rid, bank)
    review = await _review(client, candidate, rid)
    await _check_history(client, candidate, rid, review)
    found = ok(await client.get(f"/api/rooms/{rid}/ai/weaknesses", headers=candidate.headers))["data"]
    edge = next(w for w in found if w["category"] == "edge_cases")
    assert edge["frequency"] >= 1 and edge["sessions"][0]["sessionId"]


async def test_ai_checks_follow_the_reference(client: httpx.AsyncClient, services: Services) -> None:
    candidate, rid, _ = await ai_room(client, services)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert (
        err(await client.get(f"/api/rooms/{rid}/ai/hint/{unknown}", headers=candidate.headers), 404)
        == "VALIDATION_FAILED"
    )
    body = {
        "code": "x",
        "language": "python",
        "hintLevel": "subtle",
        "followUpToHintId": unknown,
        "noReply": True,
    }
    assert err(await post(client, candidate, f"/api/rooms/{rid}/ai/hint", body), 404) == "VALIDATION_FAILED"
    wrong_language = {"code": "x", "language": "java", "hintLevel": "subtle"}
    assert (
        err(await post(client, candidate, f"/api/rooms/{rid}/ai/hint", wrong_language), 400)
        == "VALIDATION_FAILED"
    )
    no_message = interview_body(None)
    assert (
        err(await post(client, candidate, f"/api/rooms/{rid}/ai/interview", no_message), 400)
        == "VALIDATION_FAILED"
    )
    bad_cursor = await client.get(f"/api/rooms/{rid}/ai/messages?cursor=nope", headers=candidate.headers)
    assert err(bad_cursor, 400) == "VALIDATION_FAILED"
    health = ok(await client.get("/api/health"))
    assert health["details"]["ai"]["provider"] == "offline"


async def test_interview_needs_an_ai_room_and_a_participant(
    client: httpx.AsyncClient, services: Services
) -> None:
    from tests.gateway.rooms_support import create_room, join
    from tests.support import register

    host, observer = await register(client), await register(client)
    peer = await create_room(client, host)
    refused = await post(client, host, f"/api/rooms/{peer['roomId']}/ai/interview", interview_body("hello"))
    assert err(refused, 400) == "ROOM_NOT_AI_MODE"
    candidate, rid, _ = await ai_room(client, services)
    outsider = await post(client, observer, f"/api/rooms/{rid}/ai/interview", interview_body("hello"))
    assert err(outsider, 403) == "ROOM_ACCESS_DENIED"
    code = ok(await client.get(f"/api/rooms/{rid}", headers=candidate.headers))["roomCode"]
    ok(await join(client, observer, {"roomId": rid, "roomCode": code}, requestedRole="observer"))
    watching = await post(
        client,
        observer,
        f"/api/rooms/{rid}/ai/hint",
        {"code": "x", "language": "python", "hintLevel": "subtle"},
    )
    assert err(watching, 403) == "ROOM_PERMISSION_DENIED"


async def test_proactive_triggers_greet_once_and_are_bounded(
    client: httpx.AsyncClient, services: Services
) -> None:
    candidate, rid, _ = await ai_room(client, services)
    signals = {"reason": "session_joined", "roomStatus": "coding", "elapsedSeconds": 5}
    body = interview_body(None, trigger="proactive", interactionSignals=signals)
    answers = []
    for _ in range(6):
        sent = ok(await post(client, candidate, f"/api/rooms/{rid}/ai/interview", body), 202)
        answers.append(await ready(client, candidate, f"/api/rooms/{rid}/ai/interview/{sent['jobId']}"))
    assert answers[0]["shouldRespond"] is True and "Telegraph Scramble" in answers[0]["message"]
    assert all(a["shouldRespond"] is False for a in answers[1:])
    seventh = await post(client, candidate, f"/api/rooms/{rid}/ai/interview", body)
    assert err(seventh, 429) == "AI_MESSAGE_RATE_LIMIT"
