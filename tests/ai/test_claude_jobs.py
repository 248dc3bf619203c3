"""A gateway configured for Anthropic (pointed at the local Messages-API stub), through the real
InterviewerActor: health names the provider and model; a good answer is a ready hint with its usage
recorded; an overloaded API ends the job `failed` with AI_SERVICE_UNAVAILABLE — never a 500, never a
job that stays pending."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.services import Services
from storage.ai import AiRepository
from tests.ai import anthropic_stub as s
from tests.ai.support import ai_room, history
from tests.conftest import make_config
from tests.execution.api_support import poll
from tests.gateway.rooms_support import post
from tests.support import AdjustableClock, ok, wait_until

pytestmark = pytest.mark.anyio


@pytest.fixture
async def stub() -> AsyncIterator[s.Stub]:
    async with s.running() as running:
        yield running


@pytest.fixture
async def claude_client(
    mongo_uri: str, services: Services, clock: AdjustableClock, stub: s.Stub
) -> AsyncIterator[httpx.AsyncClient]:
    config = make_config(
        mongo_uri,
        mongodb_database=services.config.settings.mongodb_database,
        seed_on_start=False,
        SYNCODE_ANTHROPIC_API_KEY="sk-test-stub",
        anthropic_base_url=stub.url,
        ai_model="claude-stub-model",
        ai_max_retries=1,
        ai_timeout_s=5,
    )
    app = create_app(config, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def _hint(client: httpx.AsyncClient, services: Services) -> tuple[dict[str, Any], str, str]:
    candidate, rid, _ = await ai_room(client, services)
    body = {"code": "print(1)", "language": "python", "hintLevel": "subtle"}
    accepted = ok(await post(client, candidate, f"/api/rooms/{rid}/ai/hint", body), 202)
    path = f"/api/rooms/{rid}/ai/hint/{accepted['jobId']}"
    final = await poll(client, candidate, path, lambda b: b["status"] != "pending", timeout_s=60)
    return final, rid, str(accepted["jobId"])


async def test_claude_gateway_health_names_the_provider(claude_client: httpx.AsyncClient) -> None:
    health = ok(await claude_client.get("/api/health"))
    assert health["details"]["ai"]["provider"] == "anthropic"
    assert health["details"]["ai"]["model"] == "claude-stub-model"


async def test_claude_hint_job_is_ready_with_usage(
    claude_client: httpx.AsyncClient, services: Services, stub: s.Stub
) -> None:
    stub.fallback = s.Scripted(
        "json", s.tool_message("hint", {"hint": "Think about how often each letter appears."})
    )
    final, _, job_id = await _hint(claude_client, services)
    assert final["status"] == "ready" and final["hint"].startswith("Think about")
    stored = await AiRepository(services.mongo).get_job(job_id)
    assert stored is not None and stored.result is not None
    assert stored.result["usage"]["provider"] == "anthropic" and stored.result["usage"]["inputTokens"] == 321
    assert stub.requests and stub.requests[0]["model"] == "claude-stub-model"


async def test_claude_overloaded_job_fails_cleanly(
    claude_client: httpx.AsyncClient, services: Services, stub: s.Stub
) -> None:
    stub.fallback = s.error(529, "overloaded_error")
    final, _, _ = await _hint(claude_client, services)
    assert final["status"] == "failed"
    assert final["error"]["code"] == "AI_SERVICE_UNAVAILABLE"
    assert len(stub.requests) == 2


async def test_interviewer_killed_while_the_provider_thinks_reruns_the_job(
    claude_client: httpx.AsyncClient, services: Services, stub: s.Stub, app: FastAPI
) -> None:
    """SIGKILL in the middle of a job: the restarted actor reloads the open job and runs it again; the
    poll ends ready and the history has the turn once."""
    stub.then(s.Scripted("hang", 60))
    stub.fallback = s.Scripted(
        "json", s.tool_message("hint", {"hint": "Count how often each letter appears."})
    )
    candidate, rid, _ = await ai_room(claude_client, services)
    body = {"code": "print(1)", "language": "python", "hintLevel": "subtle"}
    accepted = ok(await post(claude_client, candidate, f"/api/rooms/{rid}/ai/hint", body), 202)

    async def thinking() -> bool:
        return len(stub.requests) == 1

    await wait_until(thinking, timeout_s=30)
    os.kill(await app.state.ai.client.pid(rid), signal.SIGKILL)
    path = f"/api/rooms/{rid}/ai/hint/{accepted['jobId']}"
    final = await poll(claude_client, candidate, path, lambda b: b["status"] != "pending", timeout_s=90)
    assert final["status"] == "ready" and final["hint"].startswith("Count how often")
    messages = await history(claude_client, candidate, rid)
    assert [(m["role"], m["kind"]) for m in messages] == [("user", "hint-request"), ("assistant", "hint")]
