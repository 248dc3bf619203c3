"""InterviewerActor: one per room that uses AI, named `interviewer:<roomId>`, detached and restartable.

Holds the interview state (`engine.interview.state`), the problem, a bounded job queue and the rate
windows. Requests (`request`) are admitted synchronously (rate windows, follow-up checks: no await
between reading and changing the state), stored pending in `ai_jobs`, and run one at a time by the
worker, which stores every turn in `ai_messages` and pushes it to the room's sockets as `ai-message`.
A listener long-polls the room's events (phase changes, `execution-result`, `static-analysis-result`,
edits) and plans proactive messages, bounded to `PROACTIVE_LIMIT` per user per window. After a restart
the actor reloads its state, its last turns and its open jobs (re-run: job results and turns are
written once by id), and resumes listening after the last event it handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from actors.interviewer_client import RoomEvents, RoomGone
from actors.llm.port import make_provider
from actors.llm.requests import Accepted, InterviewerRuntime, JobRequest
from actors.llm.worker import Work, Worker
from actors.outbox import Entry
from engine.errors import DomainError, ErrorCode, NotFound, RateLimited, Unavailable
from engine.interview import machine
from engine.interview.state import Interview, Turn, admit, release
from engine.room.state import Room
from storage.ai import AiJob, AiRepository
from storage.client import Mongo, connect

log = logging.getLogger(__name__)
QUEUE_MAX = 64
"""Jobs waiting per room; a request past it is refused (503), never buffered."""
WINDOW_S = 300
HINT_LIMIT, ANALYSIS_LIMIT, PROACTIVE_LIMIT = 3, 10, 6
TICK_S = 5.0
POLL_S = 10.0
TURNS_RELOADED = 40
RETIRE_AFTER_S = 5.0
ROOM_CHANGES = frozenset({"problem-change", "language-change", "session-started", "participant-joined"})


_LIMITS = {
    "hint": ("hint", HINT_LIMIT, ErrorCode.AI_HINT_RATE_LIMIT, "Too many hints; try again later"),
    "analysis": ("analysis", ANALYSIS_LIMIT, ErrorCode.AI_CODE_ANALYSIS_RATE_LIMIT, "Too many code analyses"),
    "review": ("analysis", ANALYSIS_LIMIT, ErrorCode.AI_CODE_ANALYSIS_RATE_LIMIT, "Too many code reviews"),
    "proactive": (
        "proactive",
        PROACTIVE_LIMIT,
        ErrorCode.AI_MESSAGE_RATE_LIMIT,
        "Too many proactive messages",
    ),
}


def _now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _limit_key(job: JobRequest) -> str | None:
    if job.kind == "hint":
        return None if job.payload.get("followUpToHintId") else "hint"
    if job.kind == "interview":
        return "proactive" if job.payload.get("trigger") == "proactive" else None
    return job.kind


class InterviewerActor:
    def __init__(self, room_id: str, runtime: InterviewerRuntime) -> None:
        self._room_id = room_id
        self._runtime = runtime
        self._state = Interview(room_id=room_id)
        self._cursor: int | None = None
        self._mongo: Mongo | None = None
        self._store: AiRepository | None = None
        self._worker: Worker | None = None
        self._queue: asyncio.Queue[Work] = asyncio.Queue(maxsize=QUEUE_MAX)
        self._accepted: dict[str, Accepted] = {}
        self._open_proactive: dict[str, str] = {}
        self._load_lock = asyncio.Lock()
        self._loaded = False
        self._tasks: list[asyncio.Task[None]] = []
        self._retired = False

    # --- lifecycle ------------------------------------------------------------------------------------
    async def ping(self) -> str:
        return self._room_id

    async def pid(self) -> int:
        """The actor's process id (the crash-recovery test kills it)."""
        return os.getpid()

    async def _ready(self) -> None:
        if self._loaded:
            return
        async with self._load_lock:
            if self._loaded:
                return
            self._mongo = connect(self._runtime.mongo_uri, self._runtime.database)
            self._store = AiRepository(self._mongo)
            await self._load(self._store)
            self._loaded = True
            self._start(self._work_loop(), self._listen_loop(), self._tick_loop())

    async def _load(self, store: AiRepository) -> None:
        assert self._mongo is not None  # noqa: S101 - set by _ready
        loaded = await store.load_state(self._room_id)
        if loaded is not None:
            self._state, self._cursor = loaded
        turns = await store.recent(self._room_id, TURNS_RELOADED)
        self._state = replace(
            self._state, turns=tuple(Turn(m.role, m.content, m.kind, m.created_at) for m in turns)
        )
        provider = make_provider(self._runtime.ai)
        self._worker = Worker(
            self._room_id, self._runtime, self._mongo, store, provider, await store.last_seq(self._room_id)
        )
        for job in await store.open_jobs(self._room_id):
            self._accepted[job.id] = Accepted(job.id, job.request.get("accepted", {}))
            self._queue.put_nowait(Work(job=_from_stored(job)))

    def _start(self, *loops: Awaitable[None]) -> None:
        for loop in loops:
            self._tasks.append(asyncio.get_running_loop().create_task(self._guard(loop)))

    async def _guard(self, loop: Awaitable[None]) -> None:
        try:
            await loop
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("interviewer loop ended", extra={"room_id": self._room_id})

    # --- requests -------------------------------------------------------------------------------------
    async def request(self, job: JobRequest) -> Accepted:
        """Admit a job (safe to retry: a job id is accepted once). Raises RateLimited past a window,
        NotFound for an unknown follow-up hint, Unavailable when the queue is full."""
        await self._ready()
        store = self._repo()
        stored = await store.get_job(job.job_id)
        if job.job_id in self._accepted or stored is not None:
            return self._accepted.get(job.job_id) or Accepted(
                job.job_id, stored.request.get("accepted", {}) if stored else {}
            )
        in_flight = self._in_flight(job)
        if in_flight is not None:
            return in_flight
        accepted = self._admit(job)
        try:
            self._queue.put_nowait(Work(job=job))
        except asyncio.QueueFull:
            self._state = release(self._state, f"{_limit_key(job)}:{job.user_id}", job.now)
            raise Unavailable(
                ErrorCode.AI_SERVICE_UNAVAILABLE, "The interviewer is busy; retry shortly"
            ) from None
        self._accepted[job.job_id] = accepted
        await store.create_job(_stored(self._room_id, job, accepted))
        await self._repo().save_state(self._state, self._cursor or 0, _now())
        return accepted

    def _in_flight(self, job: JobRequest) -> Accepted | None:
        """At most one client proactive trigger in flight per user: a second one gets the first's id."""
        if _limit_key(job) != "proactive":
            return None
        open_id = self._open_proactive.get(job.user_id)
        return self._accepted.get(open_id) if open_id else None

    def _admit(self, job: JobRequest) -> Accepted:
        """Synchronous: checks and state changes with no await in between."""
        extra: dict[str, Any] = {}
        if job.kind == "hint":
            extra = self._hint_extra(job)
        key = _limit_key(job)
        if key is not None:
            window, limit, code, message = _LIMITS[key]
            self._state, retry = admit(self._state, f"{window}:{job.user_id}", job.now, limit, WINDOW_S)
            if retry is not None:
                raise RateLimited(code, message, retry)
        if key == "proactive":
            self._open_proactive[job.user_id] = job.job_id
        return Accepted(job.job_id, extra)

    def _hint_extra(self, job: JobRequest) -> dict[str, Any]:
        follow = job.payload.get("followUpToHintId")
        if follow:
            if not any(h.hint_id == follow for h in self._state.user_hints(job.user_id)):
                raise NotFound(ErrorCode.VALIDATION_FAILED, "Hint not found")
            return {"hintId": follow, "phase": "follow_up"}
        return {"hintId": job.payload["hintId"], "phase": "initial"}

    def _repo(self) -> AiRepository:
        assert self._store is not None  # noqa: S101 - set by _ready
        return self._store

    async def status(self) -> dict[str, Any]:
        await self._ready()
        return {
            "roomId": self._room_id,
            "stage": self._state.stage.value,
            "queued": self._queue.qsize(),
            "provider": self._runtime.ai.provider,
            "cursor": self._cursor,
        }

    # --- the worker -----------------------------------------------------------------------------------
    async def _work_loop(self) -> None:
        while not self._retired:
            work = await self._queue.get()
            await self._run(work)

    async def _run(self, work: Work) -> None:
        assert self._worker is not None  # noqa: S101 - set by _ready
        try:
            async with asyncio.timeout(self._runtime.job_timeout_s):
                await self._worker.run(work, self._get_state, self._set_state)
        except (DomainError, TimeoutError) as exc:
            await self._worker.fail(work, exc)
        except Exception as exc:
            log.exception("ai job crashed", extra={"room_id": self._room_id})
            await self._worker.fail(work, Unavailable(ErrorCode.AI_SERVICE_UNAVAILABLE, type(exc).__name__))
        finally:
            if work.job is not None and self._open_proactive.get(work.job.user_id) == work.job.job_id:
                del self._open_proactive[work.job.user_id]
        await self._repo().save_state(self._state, self._cursor or 0, _now())

    def _get_state(self) -> Interview:
        return self._state

    def _set_state(self, state: Interview) -> None:
        self._state = state

    def _proactive_allowed(self, user_id: str) -> bool:
        """Event-driven messages share the user's proactive window (6 per 5 minutes)."""
        self._state, retry = admit(self._state, f"proactive:{user_id}", _now(), PROACTIVE_LIMIT, WINDOW_S)
        return retry is None

    def _plan(self, plan: machine.Plan | None, user_id: str | None) -> None:
        if plan is None or user_id is None or not self._proactive_allowed(user_id):
            return
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(Work(plan=plan, user_id=user_id))

    # --- listening to the room ------------------------------------------------------------------------
    async def _listen_loop(self) -> None:
        room = RoomEvents(self._runtime.mongo_uri, self._runtime.database, self._mongo)
        while not self._retired:
            try:
                await self._listen(room)
            except RoomGone:
                self._retire_later()
                return
            except Unavailable:
                await asyncio.sleep(1.0)  # the room is restarting: try again

    async def _listen(self, room: RoomEvents) -> None:
        if self._cursor is None:
            outcome = await room.state(self._room_id)
            self._catch_up(outcome.room)
            self._cursor = outcome.seq
        batch = await room.wait_events(self._room_id, self._cursor, POLL_S)
        if batch.resync:
            self._catch_up((await room.state(self._room_id)).room)
        elif any(e.type in ROOM_CHANGES for e in batch.entries):
            self._follow((await room.state(self._room_id)).room)
        for entry in batch.entries:
            await self._on_event(entry)
        self._cursor = batch.last_seq

    def _follow(self, room: Room) -> None:
        """Track the room's problem, session and candidate."""
        assert self._worker is not None  # noqa: S101 - set by _ready
        self._worker.sync(room)

    def _catch_up(self, room: Room) -> None:
        """After a start or a resync: take the room's phase without speaking (a missed phase change is
        not announced late)."""
        self._follow(room)
        self._state, _ = machine.on_phase(self._state, room.status.value, _now())
        if room.status.value == "finished":
            self._retire_later()

    async def _on_event(self, entry: Entry) -> None:
        assert self._worker is not None  # noqa: S101 - set by _ready
        handlers: dict[str, Callable[[Entry], Awaitable[None]]] = {
            "phase-change": self._on_phase,
            "execution-result": self._on_execution,
            "static-analysis-result": self._on_analysis,
        }
        if entry.type == "y-sync":
            self._state = machine.on_edit(self._state, _now())
        elif entry.type in handlers:
            try:
                await handlers[entry.type](entry)
            except Exception:
                log.exception("interviewer could not handle %s", entry.type)
        elif entry.type == "room-closed":
            self._retire_later()

    async def _on_phase(self, entry: Entry) -> None:
        status = str(entry.data.get("current") or entry.data.get("phase"))
        self._state, plan = machine.on_phase(self._state, status, _now())
        self._plan(plan, self._worker.candidate if self._worker else None)
        if status == "finished":
            self._retire_later()

    async def _on_execution(self, entry: Entry) -> None:
        assert self._worker is not None  # noqa: S101 - set by _ready
        facts = await self._worker.execution_facts(entry.data)
        if facts is None:
            return
        self._state, plan = machine.on_execution(self._state, facts, _now())
        self._plan(plan, str(entry.data.get("userId")))

    async def _on_analysis(self, entry: Entry) -> None:
        assert self._worker is not None  # noqa: S101 - set by _ready
        facts = await self._worker.analysis_facts(entry.data)
        if facts is None:
            return
        self._state, plan = machine.on_analysis(self._state, facts)
        self._plan(plan, str(entry.data.get("userId")))

    async def _tick_loop(self) -> None:
        while not self._retired:
            await asyncio.sleep(TICK_S)
            self._state, plan = machine.on_tick(self._state, _now(), self._runtime.silence_s)
            self._plan(plan, self._worker.candidate if self._worker else None)

    def _retire_later(self) -> None:
        if self._retired:
            return
        self._retired = True
        asyncio.get_running_loop().call_later(RETIRE_AFTER_S, _exit_actor, self._room_id)

    async def retire(self) -> None:
        """End this interviewer (its room is gone); its state stays in MongoDB."""
        self._retire_later()


def _stored(room_id: str, job: JobRequest, accepted: Accepted) -> AiJob:
    request = {
        **job.payload,
        "accepted": accepted.extra,
        "problemId": job.problem_id,
        "language": job.language,
    }
    return AiJob(
        id=job.job_id,
        kind=job.kind,
        room_id=room_id,
        user_id=job.user_id,
        session_id=job.session_id,
        status="pending",
        request=request,
        result=None,
        error=None,
        created_at=job.now,
        completed_at=None,
    )


def _from_stored(job: AiJob) -> JobRequest:
    return JobRequest(
        job_id=job.id,
        kind=job.kind,
        user_id=job.user_id,
        session_id=job.session_id,
        problem_id=job.request.get("problemId"),
        language=str(job.request.get("language") or "python"),
        now=job.created_at,
        payload=job.request,
    )


def _exit_actor(room_id: str) -> None:
    from actors import deploy

    deploy.kill_interviewer(room_id)
