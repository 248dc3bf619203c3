"""create_app: the FastAPI application, its middleware, routers and lifespan (Mongo, Ray, pools)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from actors import deploy, sweep
from actors import reports as report_jobs
from actors.interviewer_client import InterviewerClient
from actors.room import RoomRuntime
from engine.room.state import Room
from engine.rules import AVATAR_MAX_BYTES
from gateway import errors, metrics, openapi
from gateway.ai_service import AiService, interviewer_runtime
from gateway.drain import Drain
from gateway.matchmaking_service import MatchmakingService
from gateway.middleware import BodyGuard, HttpMetrics, RequestContext
from gateway.room_service import RoomService
from gateway.routers import (
    admin,
    ai,
    analysis,
    auth,
    blobs,
    bookmarks,
    collab,
    execution,
    feedback,
    health,
    matchmaking,
    media,
    problems,
    replay,
    reports,
    room_control,
    room_members,
    rooms,
    sessions,
    users,
)
from gateway.seeding import seed_bank
from gateway.services import Clock, Services, build_services, utc_now
from gateway.settings import Config
from gateway.ws import endpoint as ws_endpoint
from gateway.ws.endpoint import room_state
from gateway.ws.feed import FeedHub
from storage.client import connect, ensure_indexes
from storage.ops import OpsReader, ensure_ops_indexes

API_PREFIX = "/api"
log = logging.getLogger(__name__)


def _lifespan(config: Config, clock: Clock, with_ray: bool):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        s = config.settings
        mongo = connect(config.mongodb_uri, s.mongodb_database, pool_size=s.mongodb_pool_size)
        await ensure_indexes(mongo)
        await ensure_ops_indexes(mongo)
        services = build_services(config, mongo, clock)
        runtime = room_runtime(config)
        if with_ray:
            await asyncio.to_thread(deploy.connect, s.ray_address)
            ai = interviewer_runtime(config).ai
            await asyncio.to_thread(report_jobs.publish_ai, s.mongodb_database, ai)
        app.state.services = services
        app.state.rooms = RoomService.build(services, runtime)
        if with_ray:
            services.room_hosts = app.state.rooms.client.hosts
            services.room_hosts.ensure_spare()
        metrics.meter_room_calls(app.state.rooms.client, app.state.metrics)
        if with_ray:
            app.state.metrics.add_room_figures(metrics.host_figures(app.state.rooms.client.hosts))
        app.state.matchmaking = MatchmakingService.build(services, app.state.rooms, with_ray)
        app.state.hub = FeedHub(app.state.rooms, _state_view)
        app.state.ai = AiService(services, app.state.rooms, InterviewerClient(interviewer_runtime(config)))
        seeding = asyncio.create_task(_seed_in_background(services)) if s.seed_on_start else None
        sweeper = (
            asyncio.create_task(report_jobs.sweep_forever(mongo, runtime, services.now)) if with_ray else None
        )
        interval = s.orphan_sweep_interval_s
        orphans = sweep.start(OpsReader(mongo), s.mongodb_database, interval) if with_ray else None
        gc.freeze()  # what start-up built lives as long as the process: the collector stops walking it
        try:
            yield
        finally:
            for task in (t for t in (seeding, sweeper, orphans) if t is not None):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await app.state.hub.close()
            await mongo.close()

    return lifespan


def room_runtime(config: Config) -> RoomRuntime:
    """How room hosts run (the gateway's and the operator commands' HostDirectory build on it)."""
    s = config.settings
    return RoomRuntime(
        mongo_uri=config.mongodb_uri,
        database=s.mongodb_database,
        idle_finish_s=s.room_idle_finish_s,
        fault_injection=s.fault_injection,
        rooms_per_host=s.rooms_per_host,
        spare_slots=s.room_spare_slots,
        evict_after_s=s.room_evict_after_s,
    )


async def _state_view(room: Room) -> dict[str, Any]:
    return room_state(room)


async def _seed_in_background(services: Services) -> None:
    """Load the problem bank after start-up (the first run generates large tests, which takes a while)."""
    try:
        report = await seed_bank(services)
    except Exception:
        log.exception("problem bank seeding failed")
        return
    log.info(report.summary())


def create_app(config: Config, clock: Clock = utc_now, with_ray: bool = True) -> FastAPI:
    app = FastAPI(
        title="SynCode Control Plane API",
        version="0.1.0",
        lifespan=_lifespan(config, clock, with_ray),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.with_ray = with_ray
    app.state.drain = Drain(app.state)
    errors.install(app)
    metrics.install(app)
    openapi.install(app)
    api = APIRouter(prefix=API_PREFIX)
    for router in (
        auth.router,
        bookmarks.router,
        users.router,
        problems.router,
        health.router,
        blobs.router,
        room_members.router,
        rooms.router,
        room_control.router,
        ai.router,
        reports.router,
        sessions.router,
        replay.router,
        analysis.router,
        feedback.router,
        execution.router,
        admin.router,
        matchmaking.router,
        media.router,
    ):
        api.include_router(router)
    api.include_router(collab.callbacks)
    app.include_router(api)
    app.include_router(collab.plane)
    app.include_router(ws_endpoint.router)
    app.add_middleware(
        BodyGuard, max_body_bytes=config.settings.max_body_bytes, raw_max_body_bytes=AVATAR_MAX_BYTES + 1024
    )
    app.add_middleware(HttpMetrics, metrics=app.state.metrics)
    app.add_middleware(RequestContext)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(config.cors_origins),
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=[
            "authorization",
            "content-type",
            "idempotency-key",
            "x-request-id",
            "x-internal-token",
        ],
        expose_headers=["x-request-id", "retry-after", "x-media-updated"],
    )
    return app
