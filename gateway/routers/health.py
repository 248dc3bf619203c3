"""Deep health: MongoDB (with latency), Ray, the sandbox toolchain, AI provider mode, LiveKit config.

Overall `ok` (200) when the database, Ray and the sandbox are usable; otherwise `degraded` (503).
The AI provider and LiveKit report their mode; an offline AI or an unconfigured LiveKit
(`not_configured`, never a fake `ok`) is a valid embedded set-up, not a failure.
"""

from __future__ import annotations

import shutil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.deps import ServicesDep
from gateway.schemas.health import HealthResponse
from gateway.services import Services

router = APIRouter(tags=["health"])
CRITICAL = ("database", "ray", "sandbox")


async def _database(services: Services) -> tuple[str, dict[str, Any]]:
    try:
        latency = await services.mongo.ping_ms()
    except Exception as exc:  # noqa: BLE001 - any failure is a failed probe
        return "fail", {"error": type(exc).__name__}
    return "ok", {"latencyMs": round(latency, 2)}


async def _ray(services: Services) -> tuple[str, dict[str, Any]]:
    pool = services.room_pool
    if pool is None:
        return "fail", {"error": "not connected"}
    return ("ok", {}) if await pool.probe() else ("fail", {"error": "pool actor not answering"})


def _sandbox() -> tuple[str, dict[str, Any]]:
    path = shutil.which("bwrap")
    return ("ok", {"bwrap": path}) if path else ("fail", {"error": "bubblewrap (bwrap) not installed"})


def _ai(request: Request, services: Services) -> tuple[str, dict[str, Any]]:
    """The AI provider as the interviewers are configured: `anthropic` (with its model) or `offline`."""
    ai = getattr(request.app.state, "ai", None)
    return "ok", ai.health() if ai is not None else {"mode": services.config.ai_mode}


def _livekit(services: Services) -> tuple[str, dict[str, Any]]:
    """`ok` with the server URL when configured, else `not_configured` (media routes answer 503)."""
    s = services.config.settings
    if not services.config.livekit_configured:
        return "not_configured", {"configured": False}
    return "ok", {"configured": True, "url": s.livekit_url}


@router.get(
    "/health",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse}},
    summary="Deep health check",
)
async def health(services: ServicesDep, request: Request) -> JSONResponse:
    probes = {
        "database": await _database(services),
        "ray": await _ray(services),
        "sandbox": _sandbox(),
        "ai": _ai(request, services),
        "livekit": _livekit(services),
    }
    status = "ok" if all(probes[name][0] == "ok" for name in CRITICAL) else "degraded"
    body = HealthResponse(
        status=status,
        services={k: v[0] for k, v in probes.items()},
        details={k: v[1] for k, v in probes.items()},
        timestamp=services.now(),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if status == "ok" else 503)
