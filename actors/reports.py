"""Training-report generation: queueing one report per candidate when a session finishes, the Ray task
that builds it offline (rubric + prose from `engine.scoring`), and the sweep that re-queues crashed ones.

Invariants: a candidate gets a report only when they ran or submitted code in the session (otherwise
there is nothing to judge); the row is `pending` before the task is queued and the task always leaves it
`completed` or `failed` unless a newer request superseded it (its result is then dropped by the store's
compare-and-set); everything after the stored result (score, weaknesses, `report-ready`) is idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from engine.scoring.report import build_report
from engine.scoring.weakness import signals
from storage.client import Mongo, connect
from storage.reports import PendingReport, ReportStore, WeaknessStore
from storage.sessions import SessionRepository

if TYPE_CHECKING:
    from actors.room import RoomRuntime
    from engine.room.state import Room

log = logging.getLogger(__name__)
STALE_AFTER: Final = timedelta(seconds=120)
"""A `pending` row older than this lost its task (worker crash) and is queued again."""
FINAL_SNAPSHOT_WAIT_S: Final = 3.0
"""How long a task waits for the room's `session_end` snapshot (taken right after the finish)."""
POLL_S: Final = 0.05


async def _candidates(mongo: Mongo, session_id: str) -> list[tuple[str, str]]:
    """(userId, roomId) of the session's candidates who ran or submitted code in it."""
    session = await SessionRepository(mongo).get(session_id)
    if session is None or session.get("finishedAt") is None:
        return []
    window = {"$gte": session["startedAt"], "$lte": session["finishedAt"]}
    found = []
    for seat in session.get("participants") or ():
        if seat.get("role") != "candidate":
            continue
        query = {"roomId": session["roomId"], "userId": seat["userId"], "createdAt": window}
        active = [await mongo.db[c].count_documents(query, limit=1) for c in ("runs", "submissions")]
        if any(active):
            found.append((seat["userId"], session["roomId"]))
    return found


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
    """Queue again every report left `pending` longer than `STALE_AFTER`; how many."""
    stale = await ReportStore(mongo).stale(now - STALE_AFTER, now)
    for pending in stale:
        submit(pending, runtime)
    return len(stale)


def generate_report_job(job: dict[str, Any], runtime: RoomRuntime) -> bool:
    """The Ray task body (synchronous entry point): whether this run stored the report."""
    return asyncio.run(_generate(job, runtime))


async def _await_final_snapshot(mongo: Mongo, session_id: str) -> None:
    """Bounded wait for the `session_end` snapshot; without it the latest code is used."""
    deadline = asyncio.get_running_loop().time() + FINAL_SNAPSHOT_WAIT_S
    query = {"sessionId": session_id, "trigger": "session_end"}
    while await mongo.db["code_snapshots"].count_documents(query, limit=1) == 0:
        if asyncio.get_running_loop().time() >= deadline:
            return
        await asyncio.sleep(POLL_S)


async def _generate(job: dict[str, Any], runtime: RoomRuntime) -> bool:
    mongo = connect(runtime.mongo_uri, runtime.database)
    pending = PendingReport(
        job["sessionId"], job["userId"], job["roomId"], datetime.fromisoformat(job["requestedAt"])
    )
    store = ReportStore(mongo)
    try:
        await _await_final_snapshot(mongo, pending.session_id)
        stored = await _build_and_store(mongo, store, pending)
    except Exception as exc:
        log.exception("training report failed", extra={"session_id": pending.session_id})
        await store.fail(pending, f"{type(exc).__name__}: {exc}")
        stored = False
    finally:
        await mongo.close()
    if stored:
        await _announce(pending)
    return stored


async def _build_and_store(mongo: Mongo, store: ReportStore, pending: PendingReport) -> bool:
    session = await store.load_input(pending.session_id, pending.user_id)
    if session is None:
        return await store.fail(pending, "session not finished")
    now = datetime.now(UTC)
    report = build_report(session, now)
    # What the report feeds is written first (idempotent: the rubric gives the same scores on a rerun),
    # so whoever sees the report `completed` also sees its score and weaknesses.
    await SessionRepository(mongo).set_score(pending.session_id, pending.user_id, report["overallScore"])
    history = [
        d.get("report", {}).get("categoryScores") or {}
        for d in await store.history(pending.user_id, pending.session_id)
    ]
    found = signals(report, history)
    await WeaknessStore(mongo).record(pending.user_id, pending.session_id, session.problem_title, found, now)
    return await store.complete(pending, report, now)  # False: superseded, a newer request owns the row


async def _announce(pending: PendingReport) -> None:
    from actors import deploy

    event = {"sessionId": pending.session_id, "userId": pending.user_id, "status": "completed"}
    await deploy.announce(pending.room_id, "report-ready", event)
