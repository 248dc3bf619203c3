"""The interviewer's turns reach the candidate's room socket as `ai-message` events, not only the
history: the reference client shows them as they arrive."""

from __future__ import annotations

import httpx
import pytest

from gateway.services import Services
from tests.ai.support import ai_room, interview_body, ready
from tests.gateway.rooms_support import post
from tests.gateway.ws_support import next_event, open_socket
from tests.support import ok

pytestmark = pytest.mark.anyio


async def test_ai_reply_is_pushed_on_the_room_socket(
    client: httpx.AsyncClient, live_url: str, services: Services
) -> None:
    candidate, rid, _ = await ai_room(client, services)
    token = ok(await client.get(f"/api/rooms/{rid}", headers=candidate.headers))["collabToken"]
    ws = await open_socket(live_url, rid, token)
    await next_event(ws, "room-state")
    body = interview_body("Should I handle empty strings?")
    sent = ok(await post(client, candidate, f"/api/rooms/{rid}/ai/interview", body), 202)
    reply = await ready(client, candidate, f"/api/rooms/{rid}/ai/interview/{sent['jobId']}")
    pushed = await next_event(ws, "ai-message", timeout_s=60)
    while pushed["data"].get("jobId") != sent["jobId"]:  # a greeting may come first
        pushed = await next_event(ws, "ai-message", timeout_s=60)
    assert pushed["data"]["role"] == "assistant"
    assert reply["message"].startswith(pushed["data"]["content"][:40])
    await ws.close()
