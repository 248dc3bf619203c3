"""AI API test support: an AI room on a bank problem driven to coding, request bodies, polling a job
until it is ready, reading the whole message history."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.services import Services
from tests.ai.bank_support import private_copy, problem
from tests.execution.api_support import poll
from tests.gateway.rooms_support import create_room, post
from tests.support import Account, ok, register

WRONG_SCRAMBLE = """import sys


def is_scramble(s, t):
    for ch in s:
        found = False
        for other in t:
            if other == ch:
                found = True
        if not found:
            return False
    return True


s, t = sys.stdin.read().split()[:2]
print("true" if is_scramble(s, t) else "false")
"""
"""Checks letters, not counts: wrong on `aab / abb` (example 2); the inner loop is on line 7."""


async def bank_problem(services: Services, slug: str) -> str:
    copy, tests = private_copy(problem(slug))
    await services.problems.insert(copy, tests)
    return copy.id


async def ai_room(
    client: httpx.AsyncClient, services: Services, slug: str = "anagram-check"
) -> tuple[Account, str, str]:
    """(candidate, room id, problem id) with the AI room in coding."""
    candidate = await register(client)
    problem_id = await bank_problem(services, slug)
    room = await create_room(client, candidate, mode="ai", language="python", problemId=problem_id)
    rid = room["roomId"]
    ok(await post(client, candidate, f"/api/rooms/{rid}/ready", {"ready": True}))
    for target in ("warmup", "coding"):
        ok(await post(client, candidate, f"/api/rooms/{rid}/control/transition", {"targetStatus": target}))
    return candidate, rid, problem_id


def interview_body(
    text: str | None, code: str = "print(1)\n", trigger: str = "user_message", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "trigger": trigger,
        "conversationHistory": [],
        "currentCode": code,
        "codeContext": {
            "language": "python",
            "file": "main.py",
            "codeSnippet": code[:4000] or " ",
            "startLine": 1,
            "endLine": 1,
        },
        **extra,
    }
    if text is not None:
        body["userMessage"] = text
    return body


async def ready(client: httpx.AsyncClient, who: Account, path: str, timeout_s: float = 60) -> dict[str, Any]:
    body = await poll(client, who, path, lambda b: b["status"] in ("ready", "failed"), timeout_s=timeout_s)
    assert body["status"] == "ready", body
    return body


async def history(client: httpx.AsyncClient, who: Account, rid: str, limit: int = 7) -> list[dict[str, Any]]:
    """Every message, following the cursor page by page."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = ok(await client.get(f"/api/rooms/{rid}/ai/messages", headers=who.headers, params=params))
        items += page["data"]
        cursor = page["pagination"]["nextCursor"]
        if not page["pagination"]["hasMore"]:
            return items
