"""Media fixtures: the LiveKit stub on a real socket and an app configured to use it (sharing the
session's database, which the shared room pool's actors write)."""

from __future__ import annotations

import contextlib
import uuid
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


def _client_ip() -> str:
    """A fresh client address per app: the per-IP rate limits live in the shared database."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def webhook_headers(token: str | None) -> dict[str, str]:
    """What LiveKit sends with a webhook: its content type and the bare signed token."""
    headers = {"content-type": "application/webhook+json"}
    return headers | ({"authorization": token} if token else {})


@dataclass
class MediaEnv:
    client: httpx.AsyncClient
    stub: LiveKitStub
    recording_dir: Path


S3_BUCKET, S3_ACCESS_KEY, S3_SECRET = "syncode-recordings", "AKIASTUBEXAMPLE", "stub-s3-secret-0123456789"


@contextlib.asynccontextmanager
async def media_env(
    mongo_uri: str, app: FastAPI, clock: AdjustableClock, recording_dir: Path, s3: bool = False
) -> AsyncIterator[MediaEnv]:
    """The LiveKit stub on a free port and an app configured to use it (and, with `s3`, the stub's
    S3-compatible store for recordings), sharing the session's database."""
    stub = LiveKitStub(API_KEY, API_SECRET, s3_keys={S3_ACCESS_KEY: S3_SECRET})
    await stub.start(free_port())
    storage: dict[str, object] = {"livekit_recording_dir": str(recording_dir)}
    if s3:
        storage = {
            "livekit_recording_dir": "/syncode",
            "livekit_s3_bucket": S3_BUCKET,
            "livekit_s3_region": "eu-west-1",
            "livekit_s3_endpoint": stub.url,
            "livekit_s3_access_key": S3_ACCESS_KEY,
            "livekit_s3_secret": S3_SECRET,
        }
    config = make_config(
        mongo_uri,
        mongodb_database=app.state.services.config.settings.mongodb_database,
        seed_on_start=False,
        livekit_url=stub.url,
        livekit_api_key=API_KEY,
        livekit_api_secret=API_SECRET,
        livekit_client_url="wss://media.example.test",
        **storage,
    )
    media_app = create_app(config, clock=clock)
    async with media_app.router.lifespan_context(media_app):
        transport = httpx.ASGITransport(app=media_app, client=(_client_ip(), 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:

            async def deliver(body: str, token: str) -> None:
                response = await http.post(WEBHOOK, content=body, headers=webhook_headers(token))
                assert response.status_code == 200, response.text

            stub.deliver = deliver
            yield MediaEnv(http, stub, recording_dir)
            await stub.settle()
    await stub.stop()


@pytest.fixture(scope="module")
async def media(
    mongo_uri: str, app: FastAPI, clock: AdjustableClock, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[MediaEnv]:
    async with media_env(mongo_uri, app, clock, tmp_path_factory.mktemp("recordings")) as env:
        yield env


@pytest.fixture(scope="module")
async def s3media(
    mongo_uri: str, app: FastAPI, clock: AdjustableClock, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[MediaEnv]:
    """Recordings go to S3 (the stub's store): egress `S3Upload` outputs, presigned downloads."""
    async with media_env(mongo_uri, app, clock, tmp_path_factory.mktemp("unused"), s3=True) as env:
        yield env


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
        transport = httpx.ASGITransport(app=down_app, client=(_client_ip(), 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
