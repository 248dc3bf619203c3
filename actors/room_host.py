"""RoomHost: one Ray actor process that hosts many rooms (`roomhost:<database>:<n>`).

Each room is still its own RoomActor — its own state, outbox, writer and Yjs document, found by room id —
but up to `capacity` of them share this process, its event loop, one MongoDB client and one ticker.
A room is activated on its first call (loaded from MongoDB, as a restarted actor always was), leaves
memory when it finished or was destroyed (`RETIRE_AFTER_S` later), and an idle one (no socket, no call
for `evict_after_s`) is evicted: made durable and dropped, with its idle-finish deadline kept here so
it still finishes on time. After this process restarts (Ray restarts the detached actor, on another
node if this one died), the live rooms placed here are activated again in the background.

Room methods are reached only through `call` with a name from ROOM_METHODS (the typed door,
actors/clients.py RoomClient, is the only caller); `relayed_many` carries one gateway flush for all of
this host's rooms.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import resource
import time
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import ray

from actors.feed_waits import Cursor, FeedReply, FeedWaits, merge, urgent
from actors.gone import RoomActorGone, RoomMoved
from actors.room import TICK_S, CreateSpec, Outcome, RoomActor, RoomRuntime
from storage.client import Mongo, connect
from storage.placements import PlacementRepository

log = logging.getLogger(__name__)
T = TypeVar("T")
ROOM_METHODS = frozenset(
    {
        "state",
        "execute",
        "finish",
        "destroy",
        "presence",
        "attach",
        "disconnected",
        "hello",
        "receive",
        "relayed",
        "wait_events",
        "kick_socket",
        "chat_history",
        "chat_send",
        "chat_mark_read",
        "chat_react",
        "code",
        "document_state",
        "seed_document",
        "create_document",
        "code_snapshot",
        "record_snapshot",
        "final_document",
        "publish_event",
    }
)
"""The RoomActor operations a caller may reach (everything else on the object is internal)."""
RELAY_ROOM_TIMEOUT_S = 5.0
"""A room slower than this to take a flush's frames is reported back (its sockets resync) so that it
never holds up the flush of its neighbours."""
RESERVATION_S = 60.0
"""A placed room that is not created within this long gives its slot back."""
RETIRED_REMEMBERED = 4096
RESTORE_CONCURRENCY = 8


@dataclass(frozen=True)
class HostConfig:
    name: str
    runtime: RoomRuntime
    capacity: int
    evict_after_s: float = 300.0
    ticking: bool = True
    """False only in tests that drive `tick_once` themselves."""


@dataclass
class _Dormant:
    """An evicted live room: when it has to wake up to finish for idleness, and its presence clock."""

    wake_at: datetime
    last_presence: datetime


class RoomHost:
    def __init__(self, config: HostConfig) -> None:
        self._config = config
        self._rooms: dict[str, RoomActor] = {}
        self._activating: dict[str, asyncio.Task[RoomActor]] = {}
        self._reserved: dict[str, float] = {}
        self._retired: OrderedDict[str, None] = OrderedDict()
        self._dormant: dict[str, _Dormant] = {}
        self._moved: OrderedDict[str, None] = OrderedDict()
        self._touched: dict[str, float] = {}
        self._in_flight: dict[str, int] = {}
        self._mongo: Mongo | None = None
        self._arms: dict[str, list[tuple[str, str, bool]]] = {}
        self._ticker: asyncio.Task[None] | None = None
        self._feeds = FeedWaits()
        self._restore: asyncio.Task[None] | None = None
        self._started_at = time.time()
        gc.freeze()  # the imported modules live as long as the process (a full collection walked them
        # all: ~100 ms pauses of a host holding typing rooms)

    # --- the host itself -----------------------------------------------------------------------------
    async def ping(self) -> str:
        self._start()
        return self._config.name

    async def pid(self, room_id: str | None = None) -> int:
        """This process's id (asked through any of its rooms: `room_id` only routes the call)."""
        del room_id
        return os.getpid()

    async def load(self) -> dict[str, Any]:
        """How full this host is (the placement policy reads it)."""
        self._start()
        self._expire_reservations()
        return {
            "host": self._config.name,
            "node": _node_id(),
            "rooms": len(self._rooms),
            "dormant": len(self._dormant),
            "reserved": len(self._reserved),
            "capacity": self._config.capacity,
            "pid": os.getpid(),
            "feedPolls": self._feeds.open(),
        }

    async def reserve(self, room_id: str) -> bool:
        """Hold a slot for a room about to be created here; False when this host is full. Live rooms
        (in memory or dormant) and reservations count against the capacity."""
        self._start()
        self._expire_reservations()
        self._moved.pop(room_id, None)  # a room moving (back) here
        if room_id in self._rooms or room_id in self._reserved:
            return True
        if len(self._rooms) + len(self._dormant) + len(self._reserved) >= self._config.capacity:
            return False
        self._reserved[room_id] = time.monotonic() + RESERVATION_S
        return True

    async def stats(self) -> dict[str, Any]:
        """Operators' figures: this process's memory and every room in memory."""
        self._start()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            **(await self.load()),
            "maxRssBytes": usage.ru_maxrss * 1024,
            "rssBytes": _rss_bytes(),
            "startedAt": self._started_at,
            "roomFigures": [room.figures() for room in self._rooms.values()],
        }

    async def release(self, room_id: str) -> bool:
        """The room moves to another host: it leaves this one (made durable first) and every later call
        here is answered RoomMoved, so callers look its placement up again. True when it was here."""
        self._moved[room_id] = None
        while len(self._moved) > RETIRED_REMEMBERED:
            self._moved.popitem(last=False)
        self._dormant.pop(room_id, None)
        self._reserved.pop(room_id, None)
        room = self._rooms.pop(room_id, None)
        self._touched.pop(room_id, None)
        if room is None:
            return False
        await room.release()
        return True

    async def hosted(self, room_id: str) -> bool:
        """Whether the room is in this host's memory right now."""
        return room_id in self._rooms

    # --- rooms ------------------------------------------------------------------------------------------
    async def create(self, room_id: str, spec: CreateSpec, now: datetime, command_id: str) -> Outcome:
        """Create a placed room here (a retry with the same `command_id` returns the first outcome)."""
        self._start()
        room = self._rooms.get(room_id) or await self._activate(room_id, creating=True)
        self._reserved.pop(room_id, None)
        return await self._tracked(room_id, room.create(spec, now, command_id))

    async def call(self, room_id: str, method: str, *args: Any) -> Any:
        """One operation of one room, activating it first if needed; RoomActorGone when the room is not
        live (never created, finished and retired, destroyed)."""
        if method not in ROOM_METHODS:
            raise ValueError(f"unknown room operation {method!r}")
        self._start()
        room = self._rooms.get(room_id) or await self._activate(room_id, creating=False)
        return await self._tracked(room_id, getattr(room, method)(*args))

    async def announce(self, room_id: str, kind: str, event: dict[str, Any]) -> bool:
        """An event produced outside the room, for its sockets; True when this host holds the room (a
        room out of memory has no sockets: nothing to tell, nothing activated)."""
        room = self._rooms.get(room_id)
        if room is None:
            return False
        with contextlib.suppress(Exception):  # destroyed meanwhile: nobody to tell
            await room.publish_event(kind, event)
        return True

    async def relayed_many(
        self, gateway_id: str, batches: dict[str, list[tuple[str, list[bytes]]]]
    ) -> list[str]:
        """One gateway flush for this host's rooms: each room applies its frames (see
        RoomActor.relayed). Returns the rooms that could not take them (gone or failing), whose sockets
        the gateway resyncs; the other rooms are unaffected."""
        loop = asyncio.get_running_loop()
        work = {
            room_id: loop.create_task(self.call(room_id, "relayed", gateway_id, items))
            for room_id, items in batches.items()
        }
        _, slow = await asyncio.wait(work.values(), timeout=RELAY_ROOM_TIMEOUT_S)
        failed = []
        for room_id, task in work.items():
            if task in slow:  # still applying (Yjs updates are idempotent): the gateway resyncs it
                task.add_done_callback(_consume)
                failed.append(room_id)
            elif task.exception() is not None:
                failed.append(room_id)
        for room_id in failed:
            log.warning("relayed frames not applied in time", extra={"room_id": room_id})
        return failed

    async def wait_many(self, gateway_id: str, cursors: dict[str, Cursor], timeout_s: float) -> FeedReply:
        """One gateway's long poll of every room it follows here (see actors/feed_waits.py): answered
        when any of them has something for it, or after `timeout_s`, or when a newer poll of the same
        gateway arrives; every room's newer position comes with it."""
        self._start()
        reply = FeedReply()
        waiter = self._feeds.enter(gateway_id, frozenset(cursors))
        try:
            rooms = await self._following(cursors, reply)
            at = dict(cursors)
            deadline = asyncio.get_running_loop().time() + timeout_s
            woken: set[str] | None = set(rooms)
            while woken is not None:
                if self._read(rooms, at, gateway_id, woken, reply) or reply.gone or reply.moved:
                    break
                woken = await self._feeds.next_dirty(waiter, deadline - asyncio.get_running_loop().time())
            self._read(rooms, at, gateway_id, set(rooms) - set(reply.batches), reply)
            return reply
        finally:
            self._feeds.leave(waiter)

    async def _following(self, cursors: dict[str, Cursor], reply: FeedReply) -> dict[str, RoomActor]:
        """The polled rooms, activated where needed; the others are noted gone or moved in `reply`."""
        rooms = {r: self._rooms[r] for r in cursors if r in self._rooms}
        missing = [r for r in cursors if r not in rooms]
        found = await asyncio.gather(
            *(self._activate(r, creating=False) for r in missing), return_exceptions=True
        )
        for room_id, room in zip(missing, found, strict=True):
            if isinstance(room, RoomActor):
                rooms[room_id] = room
            elif isinstance(room, RoomMoved):
                reply.moved.append(room_id)
            else:  # not live here, or it failed to load: that feed alone checks storage and resyncs
                if not isinstance(room, RoomActorGone):
                    log.warning("room not activated for a feed poll: %s", room, extra={"room_id": room_id})
                reply.gone.append(room_id)
        now = time.monotonic()
        for room_id in rooms:
            self._touched[room_id] = now
        return rooms

    @staticmethod
    def _read(
        rooms: dict[str, RoomActor], at: dict[str, Cursor], gateway_id: str, which: set[str], reply: FeedReply
    ) -> bool:
        """Read `which` rooms into `reply` from their positions in `at` (advanced); True when one of
        them has something the gateway must have now."""
        pressing = False
        for room_id in which:
            room = rooms.get(room_id)
            if room is None:
                continue
            seq, epoch = at[room_id]
            batch = room.ready(seq, gateway_id, epoch)
            if batch.last_seq == seq and not urgent(batch, (seq, epoch)):
                continue
            pressing = pressing or urgent(batch, (seq, epoch))
            merge(reply, room_id, batch)
            at[room_id] = (batch.last_seq, batch.epoch)
        return pressing

    # --- tests only (fault injection) ---------------------------------------------------------------------
    async def arm_crash(self, room_id: str, method: str) -> bool:
        """This process dies right after the room's next `method` has applied (see RoomActor.arm_crash);
        armed before the room is in memory (e.g. before its `create`), it is armed when it arrives."""
        return await self._arm(room_id, ("crash", method, True))

    async def arm_hold(self, room_id: str, method: str, held: bool) -> bool:
        """The room's calls of `method` wait until the hold is lifted (see RoomActor.arm_hold)."""
        return await self._arm(room_id, ("hold", method, held))

    async def _arm(self, room_id: str, arm: tuple[str, str, bool]) -> bool:
        if not self._config.runtime.fault_injection:
            return False
        room = self._rooms.get(room_id)
        if room is None:
            self._arms.setdefault(room_id, []).append(arm)
            return True
        return await _apply_arm(room, arm)

    async def _tracked(self, room_id: str, work: Awaitable[T]) -> T:
        self._touched[room_id] = time.monotonic()
        self._in_flight[room_id] = self._in_flight.get(room_id, 0) + 1
        try:
            return await work
        finally:
            self._in_flight[room_id] -= 1
            self._touched[room_id] = time.monotonic()

    async def _activate(self, room_id: str, *, creating: bool) -> RoomActor:
        if room_id in self._moved:
            raise RoomMoved(room_id)
        if room_id in self._retired and not creating:
            raise RoomActorGone(room_id)
        task = self._activating.get(room_id)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(room_id))
            self._activating[room_id] = task
            task.add_done_callback(lambda _: self._activating.pop(room_id, None))
        room = await asyncio.shield(task)
        known = self._rooms.get(room_id)
        if known is not None:  # another caller of the same load kept it already
            return known
        if creating or room.live() or room.destroying():
            self._rooms[room_id] = room
            self._touched[room_id] = time.monotonic()
            return room
        if room.finished():
            self._retire(room_id)
        raise RoomActorGone(room_id)

    async def _load(self, room_id: str) -> RoomActor:
        dormant = self._dormant.pop(room_id, None)
        room = RoomActor(
            room_id,
            self._config.runtime,
            mongo=self._db(),
            on_retire=self._retire,
            last_presence=dormant.last_presence if dormant else None,
            on_publish=self._feeds.published,
        )
        for arm in self._arms.pop(room_id, []):
            await _apply_arm(room, arm)
        await room.load()
        return room

    def _retire(self, room_id: str) -> None:
        """A finished or destroyed room leaves memory (RoomActor calls this RETIRE_AFTER_S after), and
        its placement goes: no gateway is sent here for it again (a destroyed room's purge deletes the
        record too)."""
        self._rooms.pop(room_id, None)
        self._touched.pop(room_id, None)
        self._in_flight.pop(room_id, None)
        self._retired[room_id] = None
        while len(self._retired) > RETIRED_REMEMBERED:
            self._retired.popitem(last=False)
        placements = PlacementRepository(self._db())
        task = asyncio.get_running_loop().create_task(placements.release(room_id, self._config.name))
        task.add_done_callback(_log_failure)

    def _db(self) -> Mongo:
        if self._mongo is None:
            runtime = self._config.runtime
            self._mongo = connect(runtime.mongo_uri, runtime.database)
        return self._mongo

    def _expire_reservations(self) -> None:
        now = time.monotonic()
        for room_id in [r for r, deadline in self._reserved.items() if deadline < now]:
            del self._reserved[room_id]

    # --- time: one ticker for every room of the host --------------------------------------------------
    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        if self._restore is None:
            self._restore = loop.create_task(self._restore_placed())
        if self._config.ticking and (self._ticker is None or self._ticker.done()):
            self._ticker = loop.create_task(self._tick_loop())

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            with contextlib.suppress(Exception):
                await self.tick_once()

    async def tick_once(self) -> None:
        """Tick every room in memory, evict the idle ones, wake the dormant ones that are due."""
        for room_id, room in list(self._rooms.items()):
            with contextlib.suppress(Exception):
                await room.tick()
            if self._evictable(room_id, room):
                await self._evict(room_id, room)
        now = datetime.now(UTC)
        for room_id in [r for r, d in self._dormant.items() if d.wake_at <= now]:
            with contextlib.suppress(Exception):
                room = await self._activate(room_id, creating=False)
                await room.tick()

    def _evictable(self, room_id: str, room: RoomActor) -> bool:
        if not room.live() or room.connected_users() or self._in_flight.get(room_id, 0):
            return False
        idle_for = time.monotonic() - self._touched.get(room_id, time.monotonic())
        return idle_for >= self._config.evict_after_s

    async def _evict(self, room_id: str, room: RoomActor) -> None:
        await room.quiesce()
        if self._in_flight.get(room_id, 0) or room.connected_users():
            return  # touched while it was being made durable: it stays
        presence = room.last_presence()
        wake_at = presence + timedelta(seconds=self._config.runtime.idle_finish_s)
        self._rooms.pop(room_id, None)
        self._touched.pop(room_id, None)
        self._dormant[room_id] = _Dormant(wake_at=wake_at, last_presence=presence)
        log.info("room evicted", extra={"room_id": room_id})

    async def _restore_placed(self) -> None:
        """After a (re)start: activate the live rooms placed on this host, a few at a time."""
        try:
            room_ids = await PlacementRepository(self._db()).rooms_of(self._config.name)
        except Exception:  # noqa: BLE001 - the rooms still come back on their next call
            log.warning("could not list the rooms placed on %s", self._config.name)
            return
        gate = asyncio.Semaphore(RESTORE_CONCURRENCY)

        async def restore(room_id: str) -> None:
            async with gate:
                with contextlib.suppress(Exception):
                    await self._activate(room_id, creating=False)

        await asyncio.gather(*(restore(r) for r in room_ids if r not in self._rooms))


async def _apply_arm(room: RoomActor, arm: tuple[str, str, bool]) -> bool:
    kind, method, held = arm
    return await (room.arm_crash(method) if kind == "crash" else room.arm_hold(method, held))


def _node_id() -> str | None:
    """The Ray node this process runs on (None outside Ray, e.g. a host as a plain object in tests)."""
    if not ray.is_initialized():
        return None
    node_id: str = ray.get_runtime_context().get_node_id()
    return node_id


def _consume(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("placement release failed: %s", task.exception())


def _rss_bytes() -> int:
    """Resident memory of this process now (Linux /proc), 0 where unavailable."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")
