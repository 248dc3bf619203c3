"""MatchmakerActor: the one named matchmaking actor (`matchmaker:<database>`), holding the queue, the
open proposals and the recent matches (engine.matchmaking.Matchmaker) for every gateway.

Thin shell: each call does its lookups first (skill, solved problems, open rooms, the catalogue), then
one synchronous engine step, then persists exactly what changed before it answers, so an acknowledged
change survives a crash; a restarted actor reloads everything from MongoDB before serving. A cycle runs
on every enqueue and on a ticker task the actor owns. Room work is never done here: a confirmed match is
handed, under a lease, to the calling gateway (`Reply.work`), which makes the room through the same path
as `POST /api/rooms` and reports back with `settle` (see docs/DECISIONS.md, "Matchmaking").
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from engine.matchmaking import Catalogue, Matchmaker, Preferences, Skill, Status, Ticket, Work, fold
from storage.client import Mongo, connect
from storage.matchmaking import MatchStore, SkillStore

log = logging.getLogger(__name__)
TICK_S = 1.0
CATALOGUE_TTL_S = 10.0
"""Ticks reuse the published catalogue this long; an enqueue always reads it afresh."""


@dataclass(frozen=True)
class MatchmakerRuntime:
    """What the actor needs from the configuration (picklable, passed at creation)."""

    mongo_uri: str
    database: str
    tick_s: float = TICK_S
    seed: int | None = None
    """A fixed seed makes problem choice among given ids reproducible (tests); None: system randomness."""


@dataclass(frozen=True)
class Reply:
    """The caller's status after the call, and room work it must now perform (with `settle`), if any."""

    status: Status
    work: Work | None = None


class MatchmakerActor:
    def __init__(self, runtime: MatchmakerRuntime) -> None:
        self._runtime = runtime
        self._mm = Matchmaker()
        self._mongo: Mongo | None = None
        self._store: MatchStore | None = None
        self._skills: SkillStore | None = None
        self._loaded = False
        self._load_lock = asyncio.Lock()
        self._write_lock = asyncio.Lock()
        seeded = random.Random(runtime.seed) if runtime.seed is not None else None  # noqa: S311 - not a secret
        self._rng = seeded or random.SystemRandom()
        self._catalogue = Catalogue()
        self._catalogue_at = -CATALOGUE_TTL_S
        self._ticker: asyncio.Task[None] | None = None

    # --- lifecycle --------------------------------------------------------------------------------
    async def ping(self) -> str:
        await self._ready()
        return "matchmaker"

    async def pid(self) -> int:
        return os.getpid()

    async def _ready(self) -> None:
        if self._loaded:
            return
        async with self._load_lock:
            if self._loaded:
                return
            self._mongo = connect(self._runtime.mongo_uri, self._runtime.database)
            self._store, self._skills = MatchStore(self._mongo), SkillStore(self._mongo)
            tickets, proposals, results = await self._store.load()
            self._mm.load(tickets, proposals, results)
            await self._persist()
            self._loaded = True
            log.info("matchmaker loaded", extra={"tickets": len(tickets), "proposals": len(proposals)})
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._tick_loop())

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self._runtime.tick_s)
            try:
                await self._cycle(datetime.now(UTC))
            except Exception:
                log.exception("matchmaking tick failed")

    async def _persist(self) -> None:
        """Write what the last engine step changed; the lock keeps batches in the order they were made."""
        changes = self._mm.drain()
        if not changes:
            return
        async with self._write_lock:
            assert self._store is not None  # noqa: S101 - set by _ready
            await self._store.apply(changes)

    async def _refresh_catalogue(self, force: bool = False) -> Catalogue:
        if force or time.monotonic() - self._catalogue_at >= CATALOGUE_TTL_S:
            assert self._store is not None  # noqa: S101 - set by _ready
            self._catalogue = await self._store.catalogue()
            self._catalogue_at = time.monotonic()
        return self._catalogue

    async def _cycle(self, now: datetime) -> None:
        await self._ready()
        assert self._store is not None  # noqa: S101 - set by _ready
        catalogue = await self._refresh_catalogue()
        rooms = await self._store.open_rooms(catalogue)
        self._mm.cycle(now, rooms, catalogue, self._rng, _new_id)
        await self._persist()

    async def _current_skill(self, user_id: str) -> Skill:
        """The stored rating brought up to date with the user's sessions finished since."""
        assert self._skills is not None  # noqa: S101 - set by _ready
        stored = await self._skills.get(user_id)
        evidence = await self._skills.evidence(user_id, stored.rated_through)
        if not evidence:
            return stored.skill
        skill = fold(stored.skill, evidence)
        await self._skills.save(user_id, skill, max(e.finished_at for e in evidence), len(evidence))
        return skill

    def _reply(self, user_id: str, now: datetime, token: str | None) -> Reply:
        work = self._mm.lease(user_id, token, now) if token else None
        return Reply(status=self._mm.status(user_id, now), work=work)

    # --- operations ---------------------------------------------------------------------------------
    async def enqueue(
        self,
        user_id: str,
        preferences: Preferences,
        require_confirmation: bool,
        now: datetime,
        ticket_id: str,
        token: str,
    ) -> Reply:
        """A new ticket, then a cycle. A retry with the same `ticket_id` answers the current status."""
        await self._ready()
        if self._mm.knows_ticket(user_id, ticket_id):
            return self._reply(user_id, now, token)
        skill = await self._current_skill(user_id)
        assert self._store is not None  # noqa: S101 - set by _ready
        solved = await self._store.solved(user_id)
        catalogue = await self._refresh_catalogue(force=True)  # a problem published a moment ago counts
        rooms = await self._store.open_rooms(catalogue)
        self._mm.enqueue(
            ticket_id,
            user_id,
            preferences,
            now,
            skill=skill,
            solved=solved,
            require_confirmation=require_confirmation,
        )
        self._mm.cycle(now, rooms, catalogue, self._rng, _new_id)
        reply = self._reply(user_id, now, token)
        await self._persist()
        return reply

    async def status(self, user_id: str, now: datetime, token: str | None = None) -> Reply:
        """A poll: keeps the ticket alive, expires what of the user's is due (the ticker expires the
        rest), and hands out room work when `token`."""
        await self._ready()
        self._mm.expire_user(user_id, now)
        reply = self._reply(user_id, now, token)
        await self._persist()
        return reply

    async def cancel(self, user_id: str, now: datetime) -> Reply:
        await self._ready()
        self._mm.cancel(user_id, now)
        await self._persist()
        return self._reply(user_id, now, None)

    async def accept(self, user_id: str, match_id: str, now: datetime, token: str) -> Reply:
        await self._ready()
        self._mm.accept(user_id, match_id, now)
        reply = self._reply(user_id, now, token)
        await self._persist()
        return reply

    async def decline(self, user_id: str, match_id: str, now: datetime) -> Reply:
        await self._ready()
        self._mm.decline(user_id, match_id, now)
        await self._persist()
        return self._reply(user_id, now, None)

    async def withdraw(self, user_id: str, now: datetime) -> Ticket:
        await self._ready()
        self._mm.expire_user(user_id, now)
        ticket = self._mm.withdraw(user_id)
        await self._persist()
        return ticket

    async def settle(
        self, match_id: str, token: str, room_id: str | None, now: datetime, drop: Sequence[str] = ()
    ) -> bool:
        await self._ready()
        kept = self._mm.settle(match_id, token, room_id, now, drop)
        await self._persist()
        return kept

    async def counts(self) -> dict[str, int]:
        """Operators and tests: how many tickets wait and how many proposals are open."""
        await self._ready()
        return {"waiting": len(self._mm.pool), "proposals": len(self._mm.proposals())}


def _new_id() -> str:
    return str(uuid.uuid4())
