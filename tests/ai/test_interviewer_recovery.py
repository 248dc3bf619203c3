"""Crash recovery: SIGKILL the InterviewerActor's process mid-conversation; the next request is
answered (by the restarted actor, which reloaded its state) and the history holds every turn, once,
in order."""

from __future__ import annotations

import os
import signal

import httpx
import pytest
from fastapi import FastAPI

from tests.ai.support import ai_room, history, interview_body, ready
from tests.gateway.rooms_support import post
from tests.support import ok

pytestmark = pytest.mark.anyio


async def _chat(client: httpx.AsyncClient, who: object, rid: str, text: str) -> dict[str, object]:
    sent = ok(await post(client, who, f"/api/rooms/{rid}/ai/interview", interview_body(text)), 202)  # type: ignore[arg-type]
    return await ready(client, who, f"/api/rooms/{rid}/ai/interview/{sent['jobId']}")  # type: ignore[arg-type]


async def test_sigkilled_interviewer_resumes_the_conversation(
    client: httpx.AsyncClient, app: FastAPI, services: object
) -> None:
    candidate, rid, _ = await ai_room(client, services)  # type: ignore[arg-type]
    await _chat(client, candidate, rid, "I would count the letters of both words with a hash map.")
    hint = ok(
        await post(
            client,
            candidate,
            f"/api/rooms/{rid}/ai/hint",
            {"code": "x = 1", "language": "python", "hintLevel": "subtle"},
        ),
        202,
    )
    await ready(client, candidate, f"/api/rooms/{rid}/ai/hint/{hint['jobId']}")
    door = app.state.ai.client
    old_pid = await door.pid(rid)
    os.kill(old_pid, signal.SIGKILL)

    after = await _chat(client, candidate, rid, "That would be O(n) time, and the counts take O(1) space.")
    assert after["shouldRespond"] is True
    assert await door.pid(rid) != old_pid
    second = ok(
        await post(
            client,
            candidate,
            f"/api/rooms/{rid}/ai/hint",
            {"code": "x = 1", "language": "python", "hintLevel": "subtle"},
        ),
        202,
    )
    climbed = await ready(client, candidate, f"/api/rooms/{rid}/ai/hint/{second['jobId']}")
    assert climbed["level"] == "moderate", "the ladder position survived the restart"

    messages = await history(client, candidate, rid)
    kinds = [(m["role"], m["kind"]) for m in messages]
    assert kinds == [
        ("user", "chat"),
        ("assistant", "chat"),
        ("user", "hint-request"),
        ("assistant", "hint"),
        ("user", "chat"),
        ("assistant", "chat"),
        ("user", "hint-request"),
        ("assistant", "hint"),
    ]
    assert len({m["id"] for m in messages}) == len(messages)
