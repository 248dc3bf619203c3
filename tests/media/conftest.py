"""Media fixtures: the LiveKit stub on a real socket and an app configured to use it (sharing the
session's database, which the shared room pool's actors write)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from tests.conftest import make_config
from tests.media.livekit_stub import LiveKitStub
from tests.support import AdjustableClock, free_port

API_KEY = "devkey"
API_SECRET = "stub-secret-for-tests-0123456789abcdef"
WEBHOOK = "/api/internal/livekit/webhook"


def webhook_headers(token: str | None) -> dict[str, str]:
    """What LiveKit sends with a webhook: its content type and the bare signed token."""
    headers = {"content-type": "application/webhook+json"}
    return headers | ({"authorization": token} if token else {})


@dataclass
class MediaEnv:
    client: httpx.AsyncClient
    stub: LiveKitStub
    recording_dir: Path


@pytest.fixture(scope="module")
async def media(
    mongo_uri: str, app: FastAPI, clock: AdjustableClock, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[MediaEnv]:
    stub = LiveKitStub(API_KEY, API_SECRET)
    await stub.start(free_port())
    recording_dir = tmp_path_factory.mktemp("recordings")
    config = make_config(
        mongo_uri,
        mongodb_database=app.state.services.config.settings.mongodb_database,
        seed_on_start=False,
        livekit_url=stub.url,
        livekit_api_key=API_KEY,
        livekit_api_secret=API_SECRET,
        livekit_client_url="wss://media.example.test",
        livekit_recording_dir=str(recording_dir),
    )
    media_app = create_app(config, clock=clock)
    async with media_app.router.lifespan_context(media_app):
        transport = httpx.ASGITransport(app=media_app, client=("198.51.100.21", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:

            async def deliver(body: str, token: str) -> None:
                response = await http.post(WEBHOOK, content=body, headers=webhook_headers(token))
                assert response.status_code == 200, response.text

            stub.deliver = deliver
            yield MediaEnv(http, stub, recording_dir)
            await stub.settle()
    await stub.stop()


@pytest.fixture
async def down(mongo_uri: str, app: FastAPI, clock: AdjustableClock) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose LiveKit is configured but not reachable (nothing listens on the port)."""
    config = make_config(
        mongo_uri,
        mongodb_database=app.state.services.config.settings.mongodb_database,
        seed_on_start=False,
        livekit_url=f"http://127.0.0.1:{free_port()}",
        livekit_api_key=API_KEY,
        livekit_api_secret=API_SECRET,
        livekit_timeout_s=2.0,
    )
    down_app = create_app(config, clock=clock)
    async with down_app.router.lifespan_context(down_app):
        transport = httpx.ASGITransport(app=down_app, client=("198.51.100.22", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
