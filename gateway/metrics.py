"""`GET /metrics`: the gateway's Prometheus registry, its metric families and the scrape-time refresh.

One `Metrics` per app (its own CollectorRegistry, so several apps in one process never clash). Families
fed as traffic flows: HTTP requests and latency by route template (gateway.middleware.HttpMetrics),
websocket connections and frames (the same middleware, from the ASGI messages), Ray calls to room actors
(`meter_room_calls`). Families refreshed at scrape time, cheaply: live rooms and open execution jobs
(indexed counts), the room hosts' slots (HostDirectory.status), and the jobs, AI calls and reports
that finished since the previous scrape (tails after a watermark, storage.ops). Database-derived
families describe the whole cluster: every gateway reports the same rates, so aggregate them with
max, not sum.

Room hosts report their own figures through `add_room_figures(provider)`: an async provider returning
one `RoomHostFigures` per host, called at each scrape (a failing provider is counted, never fatal).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from actors.clients import RoomClient
from actors.placement import HostDirectory
from storage.ops import Finished, OpsReader

log = logging.getLogger(__name__)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
UNMATCHED = "unmatched"
"""The route label of requests no route matched (keeps the label set bounded: never the raw path)."""


@dataclass(frozen=True)
class RoomHostFigures:
    """What one room host (a Ray process holding room actors) reports about itself."""

    host: str
    rooms: int
    rss_bytes: int
    document_bytes: int
    sockets: int


RoomFiguresProvider = Callable[[], Awaitable[list[RoomHostFigures]]]


def _families(registry: CollectorRegistry) -> dict[str, Any]:
    def c(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(name, doc, labels, registry=registry)

    def g(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, labels, registry=registry)

    def h(name: str, doc: str, labels: tuple[str, ...], buckets: tuple[float, ...]) -> Histogram:
        return Histogram(name, doc, labels, registry=registry, buckets=buckets)

    return {
        "http_requests": c("syncode_http_requests", "HTTP requests", ("method", "route", "status")),
        "http_seconds": h(
            "syncode_http_request_duration_seconds", "HTTP latency", ("method", "route"), LATENCY_BUCKETS
        ),
        "ws_connections": g("syncode_ws_connections", "Open websockets", ("route",)),
        "ws_frames": c("syncode_ws_frames", "Websocket frames", ("route", "direction", "type")),
        "ray_seconds": h(
            "syncode_ray_call_duration_seconds", "Room actor call latency", ("method",), LATENCY_BUCKETS
        ),
        "ray_failures": c("syncode_ray_call_failures", "Failed room actor calls", ("method", "reason")),
        "live_rooms": g("syncode_live_rooms", "Rooms not finished (cluster-wide, from MongoDB)"),
        "pool": g("syncode_room_slots", "Room slots of the started room hosts", ("state",)),
        "pool_replaced": g("syncode_room_hosts", "Started room hosts (this database)"),
        "exec_open": g("syncode_execution_jobs", "Open execution jobs", ("kind", "status", "language")),
        "exec_seconds": h(
            "syncode_execution_duration_seconds",
            "Execution job duration (start to end)",
            ("kind", "language", "status"),
            JOB_BUCKETS,
        ),
        "ai_calls": c("syncode_ai_calls", "Finished AI jobs", ("kind", "status", "provider")),
        "ai_tokens": c("syncode_ai_tokens", "AI tokens used", ("provider", "model", "direction")),
        "ai_seconds": h("syncode_ai_call_duration_seconds", "AI job duration", ("kind",), JOB_BUCKETS),
        "report_seconds": h(
            "syncode_report_generation_seconds", "Report request to completion", (), JOB_BUCKETS
        ),
        "scrape_errors": c("syncode_metrics_refresh_errors", "Scrape-time sources that failed", ("source",)),
        "host_rooms": g("syncode_room_host_rooms", "Rooms per room host", ("host",)),
        "host_rss": g("syncode_room_host_rss_bytes", "Resident memory per room host", ("host",)),
        "host_doc": g("syncode_room_host_document_bytes", "Document bytes per room host", ("host",)),
        "host_sockets": g("syncode_room_host_sockets", "Sockets per room host", ("host",)),
    }


@dataclass
class Metrics:
    """The registry and families of one app, and the watermarks of its scrape-time tails."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    room_providers: list[RoomFiguresProvider] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.f = _families(self.registry)
        self._after = {"executions": self.started, "reports": self.started, "ai": self.started}
        self._refreshing = asyncio.Lock()  # two scrapes at once must not read a tail twice

    def add_room_figures(self, provider: RoomFiguresProvider) -> None:
        """The hook for room hosts: `provider()` is awaited at each scrape (see the module docstring)."""
        self.room_providers.append(provider)

    def observe_http(self, method: str, route: str, status: int, seconds: float) -> None:
        self.f["http_requests"].labels(method, route, str(status)).inc()
        self.f["http_seconds"].labels(method, route).observe(seconds)

    def observe_ray(self, method: str, seconds: float, reason: str | None) -> None:
        self.f["ray_seconds"].labels(method).observe(seconds)
        if reason is not None:
            self.f["ray_failures"].labels(method, reason).inc()

    async def refresh(self, ops: OpsReader | None, pool: Any | None) -> None:
        """Bring the scrape-time families up to date; each failing source is counted and skipped."""
        async with self._refreshing:
            await self._refresh(ops, pool)

    async def _refresh(self, ops: OpsReader | None, pool: Any | None) -> None:
        steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [("room_hosts", self._room_hosts)]
        if pool is not None:
            steps.append(("pool", lambda: self._pool(pool)))
        if ops is not None:
            steps += [("rooms", lambda: self._rooms(ops)), ("executions", lambda: self._executions(ops))]
            steps += [("ai", lambda: self._ai(ops)), ("reports", lambda: self._reports(ops))]
        for source, step in steps:
            try:
                await step()
            except Exception:  # a scrape reports what it can
                log.warning("metrics source %s failed", source, exc_info=True)
                self.f["scrape_errors"].labels(source).inc()

    async def _rooms(self, ops: OpsReader) -> None:
        self.f["live_rooms"].set(await ops.live_rooms())

    async def _pool(self, hosts: Any) -> None:
        """Room slots over all started hosts: used (rooms in memory, dormant, reserved), free, hosts."""
        status = await hosts.status()
        self.f["pool"].labels("used").set(sum(int(h["used"]) for h in status["hosts"]))
        self.f["pool"].labels("free").set(int(status["free"]))
        self.f["pool_replaced"].set(len(status["hosts"]))

    async def _executions(self, ops: OpsReader) -> None:
        gauge = self.f["exec_open"]
        gauge.clear()
        for (kind, status, language), count in (await ops.open_executions()).items():
            gauge.labels(kind, status, language).set(count)
        for job in self._advance("executions", await ops.finished_executions(self._after["executions"])):
            self.f["exec_seconds"].labels(**job.labels).observe(job.seconds)

    async def _ai(self, ops: OpsReader) -> None:
        found = await ops.finished_ai_jobs(self._after["ai"])
        self._advance("ai", [job for job, _ in found])
        for job, usage in found:
            provider = str(usage.get("provider") or "none")
            self.f["ai_calls"].labels(job.labels["kind"], job.labels["status"], provider).inc()
            self.f["ai_seconds"].labels(job.labels["kind"]).observe(job.seconds)
            model = str(usage.get("model") or "none")
            for direction, key in (("input", "inputTokens"), ("output", "outputTokens")):
                self.f["ai_tokens"].labels(provider, model, direction).inc(int(usage.get(key) or 0))

    async def _reports(self, ops: OpsReader) -> None:
        for report in self._advance("reports", await ops.generated_reports(self._after["reports"])):
            self.f["report_seconds"].observe(report.seconds)

    def _advance(self, tail: str, found: list[Finished]) -> list[Finished]:
        if found:
            self._after[tail] = max(self._after[tail], *(job.at for job in found))
        return found

    async def _room_hosts(self) -> None:
        figures = [fig for provider in self.room_providers for fig in await provider()]
        for name in ("host_rooms", "host_rss", "host_doc", "host_sockets"):
            self.f[name].clear()
        for fig in figures:
            self.f["host_rooms"].labels(fig.host).set(fig.rooms)
            self.f["host_rss"].labels(fig.host).set(fig.rss_bytes)
            self.f["host_doc"].labels(fig.host).set(fig.document_bytes)
            self.f["host_sockets"].labels(fig.host).set(fig.sockets)


def meter_room_calls(client: RoomClient, metrics: Metrics) -> None:
    """Time every call of the room door and count its failures (by method and reason): the door's one
    call path reports to `observe`."""
    client.observe = metrics.observe_ray


def host_figures(directory: HostDirectory) -> RoomFiguresProvider:
    """The room hosts' own figures (memory, rooms, document bytes, sockets), asked at each scrape."""

    async def provide() -> list[RoomHostFigures]:
        return [
            RoomHostFigures(
                host=str(s["host"]),
                rooms=int(s["rooms"]),
                rss_bytes=int(s["rssBytes"]),
                document_bytes=sum(int(r["documentBytes"]) for r in s["roomFigures"]),
                sockets=sum(int(r["sockets"]) for r in s["roomFigures"]),
            )
            for s in await directory.stats()
        ]

    return provide


def install(app: FastAPI) -> Metrics:
    """Create the app's Metrics and mount `GET /metrics` (outside /api, as Prometheus expects)."""
    metrics = Metrics()
    app.state.metrics = metrics

    @app.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        services = getattr(request.app.state, "services", None)
        ops = OpsReader(services.mongo) if services is not None else None
        await metrics.refresh(ops, services.room_hosts if services is not None else None)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics
