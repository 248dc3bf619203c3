"""Where rooms live: the placement policy and the lookup every caller of a room goes through.

Hosts are named `roomhost:<database>:<n>` (n = 0, 1, …) and found by name in Ray. A room is placed once,
before it is created: on the least-loaded host that still has a free slot (the host itself refuses a
reservation past its capacity, so gateways placing at the same moment never overfill it); when every
host is full a host with the next number is started (`get_if_exists`, so two gateways starting "the
next host" start one). The choice is written to MongoDB (`storage/placements.py`) before the room is
created, so any gateway or worker finds it; lookups are cached per process. A warm reserve of free
slots (`spare_slots`) is kept by starting the next host in the background before the last one fills,
so a room creation never waits for a process to start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from actors import deploy
from actors.gone import RoomActorGone
from actors.room import RoomRuntime
from actors.room_host import HostConfig
from storage.client import Mongo, connect
from storage.placements import PlacementRepository

log = logging.getLogger(__name__)
CACHE_MAX = 100_000
LOAD_TIMEOUT_S = 10.0
START_TIMEOUT_S = 120.0


class HostDirectory:
    def __init__(self, runtime: RoomRuntime, mongo: Mongo | None = None) -> None:
        self._runtime = runtime
        self._mongo = mongo
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._handles: dict[str, Any] = {}
        self._spawned: dict[str, float] = {}  # host name -> when this process started it (monotonic)
        self._spare: asyncio.Task[None] | None = None

    # --- lookup -----------------------------------------------------------------------------------------
    async def host_of(self, room_id: str) -> str | None:
        name = self._cache.get(room_id)
        if name is not None:
            return name
        name = await self._placements().host_of(room_id)
        if name is not None:
            self._remember(room_id, name)
        return name

    async def handle_of(self, room_id: str) -> tuple[str, Any] | None:
        """The room's host: its name and Ray handle; None when the room is not placed. A placed room
        whose host is gone (killed for good, its cluster lost) gets the host started again by name."""
        name = await self.host_of(room_id)
        if name is None:
            return None
        handle = await self.handle(name)
        if handle is None:
            handle = self._handles[name] = self._spawn(name)
        return name, handle

    async def handle(self, name: str) -> Any | None:
        """A host's Ray handle, cached (a named actor's handle stays valid across its restarts): looking
        a name up is a GCS round trip, kept off the hot path and off the event loop."""
        handle = self._handles.get(name)
        if handle is None:
            handle = await asyncio.to_thread(deploy.get_actor, name)
            if handle is not None:
                self._handles[name] = handle
        return handle

    def forget_host(self, name: str) -> None:
        """The host failed a call: drop its cached handle (the next lookup asks Ray again)."""
        self._handles.pop(name, None)

    def cached_host(self, room_id: str) -> str | None:
        """The room's host if this process already knows it (no I/O)."""
        return self._cache.get(room_id)

    def forget(self, room_id: str) -> None:
        self._cache.pop(room_id, None)

    def _remember(self, room_id: str, name: str) -> None:
        self._cache[room_id] = name
        self._cache.move_to_end(room_id)
        while len(self._cache) > CACHE_MAX:
            self._cache.popitem(last=False)

    # --- placement ----------------------------------------------------------------------------------------
    async def place(self, room_id: str) -> str:
        """Choose the room's host, reserve a slot there and record the placement."""
        for _ in range(3):
            loads = await self.loads()
            candidates = sorted(
                (h for h in loads if h["free"] > 0), key=lambda h: (h["used"], _index(h["host"]))
            )
            for load in candidates:
                handle = deploy.get_actor(load["host"])
                if handle is not None and await _answer(handle.reserve.remote(room_id), LOAD_TIMEOUT_S):
                    return await self._record(room_id, load["host"], loads)
            name = deploy.host_name(self._runtime.database, _next_index(self._runtime.database))
            handle = self._spawn(name)
            if await _answer(handle.reserve.remote(room_id), START_TIMEOUT_S):
                return await self._record(room_id, name, loads)
        raise RuntimeError("no room host accepted the room")

    async def _record(self, room_id: str, name: str, loads: list[dict[str, Any]]) -> str:
        await self._placements().place(room_id, name, datetime.now(UTC))
        self._remember(room_id, name)
        free = sum(h["free"] for h in loads) - 1
        if free < self._runtime.spare_slots:
            self.ensure_spare()
        return name

    def ensure_spare(self) -> None:
        """Start the next host in the background unless one is already starting."""
        if self._spare is None or self._spare.done():
            self._spare = asyncio.get_running_loop().create_task(self._start_spare())

    async def _start_spare(self) -> None:
        try:
            loads = await self.loads()
            if sum(h["free"] for h in loads) >= self._runtime.spare_slots:
                return
            name = deploy.host_name(self._runtime.database, _next_index(self._runtime.database))
            await _answer(self._spawn(name).ping.remote(), START_TIMEOUT_S)
        except Exception:
            log.warning("could not start a spare room host", exc_info=True)

    async def loads(self) -> list[dict[str, Any]]:
        """Every host of this database with its load (hosts that do not answer are left out)."""
        loads = []
        for _, reply in await self._answers():
            if isinstance(reply, dict):
                used = int(reply["rooms"]) + int(reply["dormant"]) + int(reply["reserved"])
                loads.append({**reply, "used": used, "free": max(0, int(reply["capacity"]) - used)})
        return loads

    async def _answers(self) -> list[tuple[str, Any]]:
        """Every host of this database by name, with its load reply (None when it did not answer)."""
        names = await asyncio.to_thread(deploy.room_hosts, self._runtime.database)
        return list(zip(names, await asyncio.gather(*(self._load(n) for n in names)), strict=True))

    async def _load(self, name: str) -> Any:
        """One host's load; a cached handle that fails is looked up again and, when the name now
        belongs to another actor (ended, then started again by any gateway), asked once more."""
        cached = await self.handle(name)
        if cached is None:
            return None
        reply = await _answer(cached.load.remote(), LOAD_TIMEOUT_S)
        if reply is not None:
            return reply
        self.forget_host(name)
        fresh = await self.handle(name)
        if fresh is None or fresh == cached:  # handles compare by actor id
            return None
        return await _answer(fresh.load.remote(), LOAD_TIMEOUT_S)

    # --- moving rooms (operators, drains) ---------------------------------------------------------------
    async def move(self, room_id: str, target: str | None = None, avoid_node: str | None = None) -> str:
        """Move a placed room to `target` (or the least-loaded other host, off `avoid_node`): reserve a
        slot there, release the room from its host (durable first; calls there are answered RoomMoved
        from then on, and every door resends them), then record the new placement. Its sockets resync
        against the new host, which loads the room from MongoDB on its first call."""
        self.forget(room_id)
        current = await self.host_of(room_id)
        if current is None:
            raise RoomActorGone(room_id)
        if target == current:
            return current  # already there: nothing moves
        name, _ = await self._target(room_id, current, target, avoid_node)
        old = deploy.get_actor(current)
        if old is not None:
            await _answer(old.release.remote(room_id), START_TIMEOUT_S)
        await self._placements().place(room_id, name, datetime.now(UTC))
        self._remember(room_id, name)
        return name

    async def _target(
        self, room_id: str, current: str, target: str | None, avoid_node: str | None
    ) -> tuple[str, Any]:
        if target is not None:
            handle = deploy.get_actor(target)
            if handle is not None and await _answer(handle.reserve.remote(room_id), LOAD_TIMEOUT_S):
                return target, handle
            raise RuntimeError(f"host {target} cannot take the room")
        loads = [
            h
            for h in await self.loads()
            if h["host"] != current and h["free"] > 0 and h["node"] != avoid_node
        ]
        for load in sorted(loads, key=lambda h: (h["used"], _index(h["host"]))):
            handle = deploy.get_actor(load["host"])
            if handle is not None and await _answer(handle.reserve.remote(room_id), LOAD_TIMEOUT_S):
                return load["host"], handle
        nodes = [n for n in deploy.alive_nodes() if n != avoid_node]
        name = deploy.host_name(self._runtime.database, _next_index(self._runtime.database))
        handle = self._spawn(name, node_id=nodes[0] if avoid_node and nodes else None)
        if await _answer(handle.reserve.remote(room_id), START_TIMEOUT_S):
            return name, handle
        raise RuntimeError("no room host can take the room")

    async def drain_node(self, node_id: str) -> list[tuple[str, str]]:
        """Move every room off the hosts running on `node_id` (before the node is removed), then end
        those hosts. Returns (room id, new host) per room moved."""
        moved: list[tuple[str, str]] = []
        for load in [h for h in await self.loads() if h["node"] == node_id]:
            for room_id in await self._placements().rooms_of(load["host"]):
                moved.append((room_id, await self.move(room_id, avoid_node=node_id)))  # noqa: PERF401 - one at a time
            deploy.kill_actor(load["host"])
        return moved

    async def probe(self) -> dict[str, Any]:
        """Health: which hosts answer, which this process started less than START_TIMEOUT_S ago and
        are still starting (a new worker on a loaded node can take a while), and which do not answer
        (no host started yet is fine: the first room starts one)."""
        answers = await self._answers()
        now, answering, starting, silent = time.monotonic(), 0, [], []
        for name, reply in answers:
            if isinstance(reply, dict):
                answering += 1
            elif now - self._spawned.get(name, -START_TIMEOUT_S) < START_TIMEOUT_S:
                starting.append(name)
            else:
                silent.append(name)
        return {"hostsAnswering": answering, "hostsStarting": starting, "hostsNotAnswering": silent}

    def _spawn(self, name: str, node_id: str | None = None) -> Any:
        self._spawned[name] = time.monotonic()
        return deploy.spawn_host(self._config(name), node_id=node_id)

    async def status(self) -> dict[str, Any]:
        loads = await self.loads()
        return {
            "hosts": loads,
            "roomsPerHost": self._runtime.rooms_per_host,
            "spareSlots": self._runtime.spare_slots,
            "free": sum(h["free"] for h in loads),
        }

    async def stats(self) -> list[dict[str, Any]]:
        """Every host's own figures (memory, rooms, sockets, document sizes)."""
        names = deploy.room_hosts(self._runtime.database)
        handles = [h for h in (deploy.get_actor(n) for n in names) if h is not None]
        replies = await asyncio.gather(*(_answer(h.stats.remote(), LOAD_TIMEOUT_S) for h in handles))
        return [r for r in replies if isinstance(r, dict)]

    def _config(self, name: str) -> HostConfig:
        return HostConfig(
            name=name,
            runtime=self._runtime,
            capacity=self._runtime.rooms_per_host,
            evict_after_s=self._runtime.evict_after_s,
        )

    def _placements(self) -> PlacementRepository:
        if self._mongo is None:
            self._mongo = connect(self._runtime.mongo_uri, self._runtime.database)
        return PlacementRepository(self._mongo)


def _index(name: str) -> int:
    return int(name.rsplit(":", 1)[1])


def _next_index(database: str) -> int:
    """One past the highest host number in use (answering or not: a restarting host keeps its name)."""
    return max((_index(n) for n in deploy.room_hosts(database)), default=-1) + 1


async def _answer(reply: Any, timeout_s: float) -> Any:
    """A host's reply, or None when it failed or did not answer in time."""
    try:
        return await asyncio.wait_for(reply, timeout_s)
    except Exception:  # noqa: BLE001 - a host that does not answer is not a candidate
        return None
