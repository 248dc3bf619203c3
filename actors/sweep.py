"""The orphan sweep: detached room and interviewer actors whose room is finished or gone are ended.

An actor normally ends itself (a room retires a few seconds after finishing); the sweep catches the ones
that did not (a crash between finishing and retiring, a purge that died, a database restored to an
earlier state). Rules, checked in `orphans`:

- only `room:<id>` and `interviewer:<id>` actors in SynCode's namespace are considered;
- room ids in `spared` are left alone (e.g. pre-started actors whose room does not exist yet);
- an actor is a suspect when its room is finished, or missing from this database *and* the actor says
  it serves this database (one Ray cluster may serve several databases, e.g. test runs);
- a suspect is ended only when it was a suspect on the previous sweep too, so an actor started for a room
  whose document is being written, or one finishing right now, always gets one interval's grace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from actors import cluster, deploy
from engine.room.status import RoomStatus

log = logging.getLogger(__name__)
SWEPT_KINDS = ("room", deploy.INTERVIEWER)
"""Per-room actors: interviewers, and `room:<id>` actors left by a version before room hosts (rooms in
a host are retired by the host itself)."""
ASK_TIMEOUT_S = 5.0


class RoomStatuses(Protocol):
    async def room_statuses(self, room_ids: Iterable[str]) -> dict[str, str]: ...


@dataclass(frozen=True)
class SweepOutcome:
    ended: tuple[str, ...]
    """Actor names ended by this sweep."""
    suspects: frozenset[str]
    """Actor names whose room was finished or gone: ended by the next sweep if they still are."""


def parse_name(name: str) -> tuple[str, str] | None:
    """`room:<id>` → ("room", id); None for every other actor (room hosts, the matchmaker)."""
    kind, _, resource = name.partition(":")
    return (kind, resource) if kind in SWEPT_KINDS and resource else None


def orphans(
    names: Iterable[str], statuses: dict[str, str], foreign: Collection[str], spared: Collection[str]
) -> frozenset[str]:
    """Names whose room is finished, or missing and not another database's (`foreign`), minus `spared`
    room ids. Pure."""
    found = set()
    for name in names:
        parsed = parse_name(name)
        if parsed is None or parsed[1] in spared or name in foreign:
            continue
        status = statuses.get(parsed[1])
        if status is None or status == RoomStatus.FINISHED.value:
            found.add(name)
    return frozenset(found)


def _database_of(actor: Any) -> str | None:
    runtime = getattr(actor, "_runtime", None)
    database = getattr(runtime, "database", None)
    return database if isinstance(database, str) else None


async def _serves(name: str, database: str) -> bool:
    """Whether the actor says it serves `database`; an actor that does not answer is left alone."""
    handle = await asyncio.to_thread(cluster.get_actor, name)
    if handle is None:
        return False
    try:
        answer = await asyncio.wait_for(handle.__ray_call__.remote(_database_of), ASK_TIMEOUT_S)
    except Exception:  # dead, restarting or slow: not ours to end this time
        log.warning("orphan sweep: %s did not say its database", name, exc_info=True)
        return False
    return bool(answer == database)


async def sweep_orphans(
    names: list[str],
    rooms: RoomStatuses,
    database: str,
    spared: Collection[str] = (),
    suspects: frozenset[str] = frozenset(),
    end: Callable[[str], None] = cluster.end_actor,
) -> SweepOutcome:
    """One sweep over `names` (from `cluster.named_actors()`): end the orphans already suspected last
    time, return the new suspects."""
    parsed = {name: found[1] for name in names if (found := parse_name(name)) is not None}
    candidates = list(parsed)
    statuses = await rooms.room_statuses(set(parsed.values()))
    missing = [name for name, room_id in parsed.items() if room_id not in statuses]
    answers = await asyncio.gather(*(_serves(n, database) for n in missing))
    foreign = {n for n, ours in zip(missing, answers, strict=True) if not ours}
    now = orphans(candidates, statuses, foreign, spared)
    ended = tuple(sorted(now & suspects))
    for name in ended:
        await asyncio.to_thread(end, name)
        log.info("orphan sweep ended %s", name)
    return SweepOutcome(ended=ended, suspects=now - suspects)


@dataclass
class OrphanSweeper:
    """Runs the sweep every `interval_s` (owned by the gateway's lifespan, which cancels `run`)."""

    rooms: RoomStatuses
    database: str
    interval_s: float
    spared: Callable[[], Awaitable[Collection[str]]] | None = None
    suspects: frozenset[str] = frozenset()

    async def once(self) -> SweepOutcome:
        names = await asyncio.to_thread(cluster.named_actors)
        spared = await self.spared() if self.spared is not None else ()
        outcome = await sweep_orphans(names, self.rooms, self.database, spared, self.suspects)
        self.suspects = outcome.suspects
        return outcome

    async def run(self) -> None:
        while True:
            try:
                await self.once()
            except Exception:  # the next sweep tries again
                log.warning("orphan sweep failed", exc_info=True)
            await asyncio.sleep(self.interval_s)


def start(rooms: RoomStatuses, database: str, interval_s: float) -> asyncio.Task[None] | None:
    """The gateway's periodic sweep (the first one at start-up), or None when `interval_s` is 0. The
    caller owns the task and cancels it on shutdown."""
    if interval_s <= 0:
        return None
    return asyncio.get_running_loop().create_task(OrphanSweeper(rooms, database, interval_s).run())
