"""Deep health: MongoDB (with latency), Ray, the sandbox toolchain, AI provider mode, LiveKit.

Overall `ok` (200) when the database, Ray and the sandbox are usable; otherwise `degraded` (503), with
the failing part's `details.error` naming what failed (for the sandbox: each missing or broken tool and
language, probed with a version call and cached for a minute).
The AI provider and LiveKit report their mode; an offline AI or an unconfigured LiveKit
(`not_configured`, never a fake `ok`) is a valid embedded set-up, not a failure. A configured LiveKit
is asked (one short authenticated call): `ok` or `down`, which does not degrade the service.
A draining gateway (SIGTERM, `syncode drain`) answers 503 `draining`, with an extra `gateway` part.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from actors import cluster
from engine.execution.sandbox import SANDBOX_PATH
from gateway.deps import ServicesDep
from gateway.drain import Drain
from gateway.routers.media import livekit_health
from gateway.schemas.health import HealthResponse
from gateway.services import Services
from gateway.toolchains import ToolchainProbe

router = APIRouter(tags=["health"])
CRITICAL = ("database", "ray", "sandbox")
RAY_TIMEOUT_S = 5.0


async def _database(services: Services) -> tuple[str, dict[str, Any]]:
    try:
        latency = await services.mongo.ping_ms()
    except Exception as exc:  # noqa: BLE001 - any failure is a failed probe
        return "fail", {"error": type(exc).__name__}
    return "ok", {"latencyMs": round(latency, 2)}


async def _ray(request: Request, services: Services) -> tuple[str, dict[str, Any]]:
    """This gateway joined Ray, the cluster lists a live node within the timeout (how many, in details),
    and every room host answers (one this gateway started moments ago may still be starting)."""
    if not getattr(request.app.state, "with_ray", False):
        return "fail", {"error": "not connected"}
    try:
        found = await asyncio.wait_for(asyncio.to_thread(cluster.nodes), RAY_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - any failure is a failed probe
        return "fail", {"error": f"node list unavailable: {type(exc).__name__}"}
    alive = sum(node.alive for node in found)
    if not alive:
        return "fail", {"error": "no live Ray node"}
    hosts = services.room_hosts
    if hosts is None:
        return "ok", {"nodesAlive": alive}
    found_hosts = await hosts.probe()
    if found_hosts["hostsNotAnswering"]:
        return "fail", {"error": "a room host is not answering", "nodesAlive": alive, **found_hosts}
    return "ok", {"nodesAlive": alive, **found_hosts}


async def _sandbox(request: Request, services: Services) -> tuple[str, dict[str, Any]]:
    """Every host tool and language toolchain the sandbox runs answers a version probe (cached)."""
    probe: ToolchainProbe | None = getattr(request.app.state, "toolchains", None)
    if probe is None:
        path = services.config.settings.health_toolchain_path or SANDBOX_PATH
        probe = request.app.state.toolchains = ToolchainProbe(path=path)
    found = await probe.check()
    if found["failing"]:
        error = "failing: " + ", ".join(sorted(found["failing"]))
        return "fail", {"error": error, **found}
    return "ok", found


def _ai(request: Request, services: Services) -> tuple[str, dict[str, Any]]:
    """The AI provider as the interviewers are configured: `anthropic` (with its model, `configured`
    because its key is set) or `offline` (the grounded offline interviewer, always available)."""
    ai = getattr(request.app.state, "ai", None)
    described = ai.health() if ai is not None else {"mode": services.config.ai_mode}
    return "ok", {**described, "configured": services.config.ai_mode == "anthropic"}


@router.get(
    "/health",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse}},
    summary="Deep health check",
)
async def health(services: ServicesDep, request: Request) -> JSONResponse:
    probes = {
        "database": await _database(services),
        "ray": await _ray(request, services),
        "sandbox": await _sandbox(request, services),
        "ai": _ai(request, services),
        "livekit": await livekit_health(services),
    }
    status = "ok" if all(probes[name][0] == "ok" for name in CRITICAL) else "degraded"
    drain: Drain | None = getattr(request.app.state, "drain", None)
    if drain is not None and drain.draining:  # a load balancer takes this gateway out (gateway/drain.py)
        probes["gateway"] = ("draining", {"draining": True, "openSockets": drain.open_sockets()})
        status = "draining"
    body = HealthResponse(
        status=status,
        services={k: v[0] for k, v in probes.items()},
        details={k: v[1] for k, v in probes.items()},
        timestamp=services.now(),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if status == "ok" else 503)
