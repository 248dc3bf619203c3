"""create_app: the FastAPI application, its middleware, routers and lifespan (Mongo, Ray, pools)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from actors import deploy
from actors.clients import PoolClient
from actors.interviewer_client import InterviewerClient
from actors.room import RoomRuntime
from engine.room.state import Room
from engine.rules import AVATAR_MAX_BYTES
from gateway import errors, openapi
from gateway.ai_service import AiService, interviewer_runtime
from gateway.matchmaking_service import MatchmakingService
from gateway.middleware import BodyGuard, RequestContext
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

API_PREFIX = "/api"
log = logging.getLogger(__name__)


def _lifespan(config: Config, clock: Clock, with_ray: bool):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        s = config.settings
        mongo = connect(config.mongodb_uri, s.mongodb_database, pool_size=s.mongodb_pool_size)
        await ensure_indexes(mongo)
        services = build_services(config, mongo, clock)
        runtime = RoomRuntime(
            mongo_uri=config.mongodb_uri,
            database=s.mongodb_database,
            idle_finish_s=s.room_idle_finish_s,
            fault_injection=s.fault_injection,
        )
        if with_ray:
            await asyncio.to_thread(deploy.connect, s.ray_address)
            services.room_pool = PoolClient("room", s.room_pool_idle, (runtime,))
        app.state.services = services
        app.state.rooms = RoomService.build(services, runtime)
        app.state.matchmaking = MatchmakingService.build(services, app.state.rooms, with_ray)
        app.state.hub = FeedHub(app.state.rooms, _state_view)
        app.state.ai = AiService(services, app.state.rooms, InterviewerClient(interviewer_runtime(config)))
        seeding = asyncio.create_task(_seed_in_background(services)) if s.seed_on_start else None
        try:
            yield
        finally:
            if seeding is not None:
                seeding.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await seeding
            await app.state.hub.close()
            await mongo.close()

    return lifespan


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
    errors.install(app)
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
        expose_headers=["x-request-id", "retry-after"],
    )
    return app
