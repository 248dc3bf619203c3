"""Report generation survives its worker: the Ray task is held mid-generation (test-only hook), its
worker process is SIGKILLed, and after the lease runs out (the adjustable clock, not a wait) a sweep
queues it again and the report completes. A worker whose clock is behind the gateway's does not claim an
already expired lease (that made every read queue the report again). And every candidate gets a report,
also one who left before the finish without running anything."""

from __future__ import annotations

import os
import signal
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from actors.reports import HOLDS
from gateway.services import Services
from storage.reports import LEASE, ReportStore
from tests.reports import support
from tests.support import AdjustableClock, wait_until

pytestmark = pytest.mark.anyio


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_report_completes_after_its_worker_is_killed_mid_generation(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    played = await support.seated(client, services)
    hold = {"_id": f"report:{played.session_id}"}
    await services.mongo.db[HOLDS].insert_one(hold)
    await support.work(services, played)
    await support.finish(client, played)

    async def claimed() -> bool:
        return bool(((await support.row(services, played)).get("worker") or {}).get("pid"))

    await wait_until(claimed, timeout_s=30)
    first = await support.row(services, played)
    pid = first["worker"]["pid"]
    assert pid != os.getpid() and first["status"] == "pending"
    os.kill(pid, signal.SIGKILL)

    async def dead() -> bool:
        return not _alive(pid)

    await wait_until(dead, timeout_s=10)
    await services.mongo.db[HOLDS].delete_one(hold)
    path = f"/api/sessions/{played.session_id}/report"
    waiting = await client.get(path, headers=played.candidate.headers)
    assert waiting.json()["code"] == "SESSION_REPORT_NOT_READY"
    assert (await support.row(services, played))["requestedAt"] == first["requestedAt"]  # lease still runs
    clock.advance(LEASE.total_seconds() + 1)
    report = await support.report(client, played.candidate, played.session_id)
    done = await support.row(services, played)
    assert done["status"] == "completed" and done["requestedAt"] > first["requestedAt"]
    assert report["categoryScores"]["correctness"] == 95 and done["worker"] is None


async def test_a_claim_by_a_worker_behind_the_gateways_clock_keeps_the_queue_lease(
    services: Services,
) -> None:
    store, gateway_now = ReportStore(services.mongo), datetime.now(UTC) + timedelta(seconds=300)
    session_id, user_id = f"s-{uuid.uuid4().hex}", f"u-{uuid.uuid4().hex}"
    job = await store.queue(session_id, user_id, "r-1", gateway_now)
    assert job is not None
    assert await store.claim(job, 4242, datetime.now(UTC))  # the worker's clock: 300 s behind
    assert not [s for s in await store.stale(gateway_now + LEASE / 2) if s.session_id == session_id]
    assert [s for s in await store.stale(gateway_now + LEASE * 2) if s.session_id == session_id]


async def test_report_for_a_candidate_who_left_before_the_finish(
    client: httpx.AsyncClient, services: Services
) -> None:
    played = await support.seated(client, services)
    left = await client.post(f"/api/rooms/{played.room_id}/leave", headers=played.candidate.headers)
    assert left.status_code == 200, left.text
    await support.finish(client, played)
    report = await support.report(client, played.candidate, played.session_id)
    assert report["categoryScores"]["correctness"] == 0
    assert "Nothing was submitted for judging." in report["dimensions"]["correctness"]["feedback"]
    refused = await client.get(
        f"/api/sessions/{played.session_id}/report", headers=played.interviewer.headers
    )
    assert refused.json()["code"] == "SESSION_REPORT_UNAVAILABLE"
