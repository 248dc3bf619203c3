"""Deep health against the real database and Ray; degraded when a critical dependency is down."""

from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app
from gateway.services import build_services
from storage.client import connect
from tests.conftest import make_config
from tests.support import free_port

pytestmark = pytest.mark.anyio


async def test_health_ok_with_database_ray_and_sandbox(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["services"] == {
        "database": "ok",
        "ray": "ok",
        "sandbox": "ok",
        "ai": "ok",
        "livekit": "not_configured",
    }
    assert body["details"]["database"]["latencyMs"] >= 0
    assert body["details"]["ai"]["mode"] == "offline"
    assert body["details"]["livekit"]["configured"] is False


async def test_health_degraded_when_database_down(mongo_uri: str) -> None:
    config = make_config(f"mongodb://127.0.0.1:{free_port()}/?serverSelectionTimeoutMS=300")
    app = create_app(config, with_ray=False)
    mongo = connect(config.mongodb_uri, "down", timeout_ms=300)
    app.state.services = build_services(config, mongo)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/api/health")
    await mongo.close()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["services"]["database"] == "fail"
    assert body["services"]["ray"] == "fail"
