"""Training-report generation: queueing one report per candidate when a session finishes, the Ray task
that builds it (rubric scores; prose offline or from the model), and the sweep that re-queues reports
whose worker died.

Invariants: every candidate seated in the session gets a report (also one who left before the finish
or wrote nothing: the rubric scores what there is); the row is `pending` with a lease before the task is
queued, the task claims it (its pid and a fresh lease) and always leaves it `completed` or `failed`
unless a newer request superseded it (its result is then dropped by the store's compare-and-set); a
`pending` row whose lease ran out lost its worker and is queued again by `sweep` (gateway start, every
`SWEEP_INTERVAL_S`, and a read of a pending report); everything after the stored result (score,
weaknesses, `report-ready`) is idempotent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from actors.llm.port import AiRuntime
from engine.scoring import prose
from engine.scoring.report import build_report
from engine.scoring.weakness import signals
from storage.client import Mongo, connect
from storage.reports import PageFacts, PendingReport, ReportStore, WeaknessStore
from storage.sessions import SessionRepository

if TYPE_CHECKING:
    from actors.room import RoomRuntime
    from engine.room.state import Room

log = logging.getLogger(__name__)
FINAL_SNAPSHOT_WAIT_S: Final = 3.0
"""How long a task waits for the room's `session_end` snapshot (taken right after the finish)."""
POLL_S: Final = 0.05
SWEEP_INTERVAL_S: Final = 30.0
"""How often a gateway looks for reports whose lease ran out (a killed worker)."""
HOLDS: Final = "fault_holds"
"""Tests only (`fault_injection`): a document `report:<sessionId>` here holds that session's generation
after the claim, until it is deleted (at most `HOLD_MAX_S`)."""
HOLD_MAX_S: Final = 60.0
AI_KEY: Final = "syncode:report-ai:"
"""Ray's cluster key-value store, per database: the AI settings the gateway published (the room actor
that queues reports is spawned without them)."""


async def _candidates(mongo: Mongo, session_id: str) -> list[tuple[str, str]]:
    """(userId, roomId) of every candidate seated in the finished session (reference §9.7.1)."""
    session = await SessionRepository(mongo).get(session_id)
    if session is None or session.get("finishedAt") is None:
        return []
    return [
        (str(seat["userId"]), str(session["roomId"]))
        for seat in session.get("participants") or ()
        if seat.get("role") == "candidate"
    ]


async def queue_reports(mongo: Mongo, runtime: RoomRuntime, room: Room, now: datetime) -> None:
    """Called where the room's session is finished: pending rows, then one Ray task each. Best effort:
    a failure here is logged (the sweep picks up pending rows)."""
    if room.session_id is None:
        return
    try:
        store = ReportStore(mongo)
        for user_id, room_id in await _candidates(mongo, room.session_id):
            pending = await store.queue(room.session_id, user_id, room_id, now)
            if pending is not None:
                submit(pending, runtime)
    except Exception:
        log.exception("could not queue training reports", extra={"session_id": room.session_id})


def submit(pending: PendingReport, runtime: RoomRuntime) -> None:
    from actors import deploy

    deploy.submit_report(pending.job(), runtime)


async def sweep(mongo: Mongo, runtime: RoomRuntime, now: datetime) -> int:
    """Queue again every `pending` report whose lease ran out before `now`; how many."""
    stale = await ReportStore(mongo).stale(now)
    for pending in stale:
        submit(pending, runtime)
    return len(stale)


async def sweep_forever(
    mongo: Mongo, runtime: RoomRuntime, clock: Callable[[], datetime], interval_s: float = SWEEP_INTERVAL_S
) -> None:
    """The gateway's sweeper (owned and cancelled by its lifespan): at start, then every `interval_s`."""
    while True:
        try:
            found = await sweep(mongo, runtime, clock())
            if found:
                log.warning("re-queued %d training reports whose worker died", found)
        except Exception:
            log.exception("training-report sweep failed")
        await asyncio.sleep(interval_s)


def publish_ai(database: str, ai: AiRuntime) -> None:
    """Gateway start: make the AI settings readable by report tasks of `database` (Ray connected)."""
    from ray.experimental import internal_kv

    internal_kv._internal_kv_put(AI_KEY + database, json.dumps(asdict(ai)).encode(), overwrite=True)


def ai_settings(runtime: Any) -> AiRuntime | None:
    """The AI settings a task uses: its runtime's own, else those published for its database."""
    own = getattr(runtime, "ai", None)
    if isinstance(own, AiRuntime):
        return own if own.api_key else None
    from ray.experimental import internal_kv

    if not internal_kv._internal_kv_initialized():  # type: ignore[no-untyped-call]
        return None
    raw = internal_kv._internal_kv_get(AI_KEY + runtime.database)
    ai = AiRuntime(**json.loads(raw)) if raw else None
    return ai if ai is not None and ai.api_key else None


def generate_report_job(job: dict[str, Any], runtime: RoomRuntime) -> bool:
    """The Ray task body (synchronous entry point): whether this run stored the report."""
    return asyncio.run(_generate(job, runtime, ai_settings(runtime)))


async def _await_absent(mongo: Mongo, collection: str, query: dict[str, Any], wait_s: float) -> None:
    deadline = asyncio.get_running_loop().time() + wait_s
    while await mongo.db[collection].count_documents(query, limit=1):
        if asyncio.get_running_loop().time() >= deadline:
            return
        await asyncio.sleep(POLL_S)  # bounded-poll


async def _await_final_snapshot(mongo: Mongo, session_id: str) -> None:
    """Bounded wait for the `session_end` snapshot; without it the latest code is used."""
    deadline = asyncio.get_running_loop().time() + FINAL_SNAPSHOT_WAIT_S
    query = {"sessionId": session_id, "trigger": "session_end"}
    while await mongo.db["code_snapshots"].count_documents(query, limit=1) == 0:
        if asyncio.get_running_loop().time() >= deadline:
            return
        await asyncio.sleep(POLL_S)  # bounded-poll


async def _generate(job: dict[str, Any], runtime: RoomRuntime, ai: AiRuntime | None) -> bool:
    mongo = connect(runtime.mongo_uri, runtime.database)
    pending = PendingReport(
        job["sessionId"], job["userId"], job["roomId"], datetime.fromisoformat(job["requestedAt"])
    )
    store = ReportStore(mongo)
    try:
        if not await store.claim(pending, os.getpid(), datetime.now(UTC)):
            return False  # superseded (a sweep re-queued it) or already done
        if getattr(runtime, "fault_injection", False):
            await _await_absent(mongo, HOLDS, {"_id": f"report:{pending.session_id}"}, HOLD_MAX_S)
        await _await_final_snapshot(mongo, pending.session_id)
        stored = await _build_and_store(mongo, store, pending, ai)
    except Exception as exc:
        log.exception("training report failed", extra={"session_id": pending.session_id})
        await store.fail(pending, f"{type(exc).__name__}: {exc}")
        stored = False
    finally:
        await mongo.close()
    if stored:
        await _announce(pending)
    return stored


async def compose(
    store: ReportStore, session_id: str, user_id: str, ai: AiRuntime | None, now: datetime
) -> tuple[dict[str, Any], PageFacts] | None:
    """The report of one candidate (None when the session is not finished): rubric scores, prose from
    the model when `ai` has a key (the offline prose when it fails), and what its page shows."""
    session = await store.load_input(session_id, user_id)
    if session is None:
        return None
    report = build_report(session, now)
    if ai is not None and ai.api_key:
        from actors.llm import prose as model_prose

        try:
            report = prose.with_prose(report, await model_prose.write(ai, report, session.final_code))
        except prose.ProseError as exc:
            log.warning("report prose from the model failed, offline prose kept: %s", exc)
            report = prose.offline(report, model_configured=True)
    return report, PageFacts(session.final_code, session.problem_title)


async def _build_and_store(
    mongo: Mongo, store: ReportStore, pending: PendingReport, ai: AiRuntime | None
) -> bool:
    now = datetime.now(UTC)
    built = await compose(store, pending.session_id, pending.user_id, ai, now)
    if built is None:
        return await store.fail(pending, "session not finished")
    report, page = built
    # What the report feeds is written first (idempotent: the rubric gives the same scores on a rerun),
    # so whoever sees the report `completed` also sees its score and weaknesses.
    await SessionRepository(mongo).set_score(pending.session_id, pending.user_id, report["overallScore"])
    history = [
        d.get("report", {}).get("categoryScores") or {}
        for d in await store.history(pending.user_id, pending.session_id)
    ]
    found = signals(report, history)
    await WeaknessStore(mongo).record(pending.user_id, pending.session_id, page.problem, found, now)
    return await store.complete(pending, report, now, page)  # False: superseded by a newer request


async def _announce(pending: PendingReport) -> None:
    from actors import deploy

    event = {"sessionId": pending.session_id, "userId": pending.user_id, "status": "completed"}
    await deploy.announce(pending.room_id, "report-ready", event)
