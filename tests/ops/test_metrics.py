"""`/metrics` on the session's gateway: every family present, and moving when real traffic flows (HTTP,
a websocket, a room and its Ray calls, an execution in the sandbox, an offline AI hint, a report)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from gateway.metrics import Metrics, RoomHostFigures
from gateway.services import Services
from tests.ai.support import ai_room
from tests.execution.api_support import coding_room, settled
from tests.execution.conftest import needs_sandbox
from tests.gateway.rooms_support import create_room, post
from tests.gateway.ws_support import next_event, open_socket
from tests.ops.metrics_support import scrape
from tests.support import register, wait_until

pytestmark = pytest.mark.anyio
FAMILIES = (
    "syncode_http_requests",
    "syncode_http_request_duration_seconds",
    "syncode_ws_connections",
    "syncode_ws_frames",
    "syncode_ray_call_duration_seconds",
    "syncode_ray_call_failures",
    "syncode_live_rooms",
    "syncode_execution_jobs",
    "syncode_execution_duration_seconds",
    "syncode_ai_calls",
    "syncode_ai_tokens",
    "syncode_ai_call_duration_seconds",
    "syncode_report_generation_seconds",
    "syncode_room_host_rss_bytes",
    "syncode_metrics_refresh_errors",
)


async def test_metrics_every_family_is_exposed(client: httpx.AsyncClient) -> None:
    found = await scrape(client)
    assert set(FAMILIES) <= set(found.families), sorted(set(FAMILIES) - set(found.families))
    assert found.value("syncode_metrics_refresh_errors_total") == 0


async def test_metrics_http_counts_by_route_template(client: httpx.AsyncClient) -> None:
    route, missing = "/api/rooms/{room_id}", f"/api/rooms/{uuid.uuid4()}"
    before = await scrape(client)
    user = await register(client)
    for _ in range(3):
        assert (await client.get(missing, headers=user.headers)).status_code == 404
    assert (await client.get(f"/nothing-here/{uuid.uuid4()}")).status_code == 404
    after = await scrape(client)
    labels = {"method": "GET", "route": route, "status": "404"}
    assert (
        after.value("syncode_http_requests_total", **labels)
        - before.value("syncode_http_requests_total", **labels)
        == 3
    )
    latency = "syncode_http_request_duration_seconds_count"
    moved = after.value(latency, route=route) - before.value(latency, route=route)
    assert moved == 3
    assert after.value("syncode_http_requests_total", route="unmatched", status="404") >= 1
    raw = [s for f in after.families.values() for s in f.samples if missing in str(s.labels)]
    assert raw == []  # the raw path never becomes a label


async def test_metrics_room_socket_and_ray_calls_move(client: httpx.AsyncClient, live_url: str) -> None:
    before = await scrape(client)
    host = await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    token = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()["collabToken"]
    ws = await open_socket(live_url, rid, token)
    await next_event(ws, "room-state")
    during = await scrape(client)
    assert during.value("syncode_ws_connections") - before.value("syncode_ws_connections") >= 1
    assert during.value("syncode_live_rooms") >= 1
    frames = "syncode_ws_frames_total"
    assert during.value(frames, direction="in", type="text") > before.value(
        frames, direction="in", type="text"
    )
    assert during.value(frames, direction="out") > before.value(frames, direction="out")
    ray = "syncode_ray_call_duration_seconds_count"
    assert during.value(ray, method="attach") > before.value(ray, method="attach")
    assert during.value(ray) - before.value(ray) >= 3  # create, attach, hello, state at least
    await ws.close()

    async def closed() -> bool:
        return (await scrape(client)).value("syncode_ws_connections") == before.value(
            "syncode_ws_connections"
        )

    await wait_until(closed, timeout_s=10)


@needs_sandbox
async def test_metrics_execution_jobs_and_duration_by_language(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, guest, room = await coding_room(client, services)
    before = await scrape(client)
    body = {"language": "python", "code": "print(input())\n", "stdin": "hi"}
    accepted = await post(client, guest, f"/api/rooms/{room['roomId']}/run", body)
    assert accepted.status_code == 202, accepted.text
    await settled(client, guest, f"/api/execution/{accepted.json()['jobId']}")
    after = await scrape(client)
    count = "syncode_execution_duration_seconds_count"
    labels = {"kind": "run", "language": "python", "status": "completed"}
    assert after.value(count, **labels) - before.value(count, **labels) == 1
    assert after.value("syncode_execution_duration_seconds_sum", **labels) > before.value(
        "syncode_execution_duration_seconds_sum", **labels
    )
    again = await scrape(client)
    assert again.value(count, **labels) == after.value(count, **labels)  # each job is observed once


async def test_metrics_ai_calls_and_reports_move(client: httpx.AsyncClient, services: Services) -> None:
    before = await scrape(client)
    candidate, rid, _ = await ai_room(client, services)
    hint = {"code": "print(1)", "language": "python", "hintLevel": "subtle"}
    accepted = await post(client, candidate, f"/api/rooms/{rid}/ai/hint", hint)
    assert accepted.status_code == 202, accepted.text
    path = f"/api/rooms/{rid}/ai/hint/{accepted.json()['jobId']}"

    async def finished() -> bool:
        status: str = (await client.get(path, headers=candidate.headers)).json()["status"]
        return status != "pending"

    await wait_until(finished, timeout_s=60)
    now = services.now()
    report = {"_id": f"{uuid.uuid4()}:{candidate.id}", "sessionId": str(uuid.uuid4()), "userId": candidate.id}
    await services.mongo.db["reports"].insert_one(
        report | {"status": "completed", "requestedAt": now - timedelta(seconds=2), "generatedAt": now}
    )
    after = await scrape(client)
    calls = "syncode_ai_calls_total"
    assert (
        after.value(calls, kind="hint", provider="offline")
        - before.value(calls, kind="hint", provider="offline")
        == 1
    )
    assert "syncode_ai_tokens" in after.families
    reports = "syncode_report_generation_seconds"
    assert after.value(f"{reports}_count") - before.value(f"{reports}_count") == 1
    assert after.value(f"{reports}_sum") - before.value(f"{reports}_sum") == pytest.approx(2, abs=0.01)


async def test_metrics_room_host_figures_come_from_the_hook() -> None:
    metrics = Metrics()
    calls = 0

    async def provider() -> list[RoomHostFigures]:
        nonlocal calls
        calls += 1
        return [
            RoomHostFigures(
                host="roomhost:db:0", rooms=3, rss_bytes=calls * 1000, document_bytes=5, sockets=2
            )
        ]

    metrics.add_room_figures(provider)
    for _ in range(2):
        await metrics.refresh(None, None)
    value = metrics.registry.get_sample_value("syncode_room_host_rss_bytes", {"host": "roomhost:db:0"})
    assert (calls, value) == (2, 2000)
