"""RoomActor: one per live room, hosted with many others in a room host process (actors/room_host.py).

Holds the engine Room, an ordered outbox and a writer. Every mutation is `engine.apply(room, cmd, now)`;
the resulting events are numbered in the outbox, and the new state plus the events are handed to the
writer, which persists them in order; a command returns once its state is durable. After a restart the
actor reloads its room from MongoDB before serving (every method awaits `_ready`). Presence: sockets
report connect/disconnect; a room nobody is connected to for `idle_finish_s` finishes itself (its host
calls `tick` once a second). The host shares one MongoDB client among its rooms and is told when a
finished or destroyed room may leave memory (`on_retire`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from actors import purge
from actors.chat import RoomChat
from actors.collab import RoomDocument
from actors.faults import Faults
from actors.outbox import Batch, Entry, Outbox
from actors.room_effects import session_effects
from actors.room_snapshots import Snapshots
from actors.writer import Writer
from engine.errors import Conflict, DomainError, ErrorCode, Forbidden, NotFound
from engine.room import commands as c
from engine.room.access import admission, can_edit
from engine.room.aggregate import apply
from engine.room.state import Room, RoomSettings, new_room
from engine.room.status import RoomStatus
from storage.chat import ChatRepository
from storage.client import Mongo, connect
from storage.documents import DocumentStore
from storage.rooms import RoomRepository, events_as_docs

log = logging.getLogger(__name__)
TICK_S = 1.0
RETIRE_AFTER_S = 5.0
MOVED_EPOCH = "moved"
"""The epoch a moving room answers its long polls with (differs from every incarnation's)."""
"""A finished room stays in memory this long so every feed reads its last events."""
RECENT_COMMANDS = 64
"""Command ids remembered (and stored with the state) to recognise a retried command."""


@dataclass(frozen=True)
class RoomRuntime:
    """What a room actor needs from the configuration (picklable, passed at spawn)."""

    mongo_uri: str
    database: str
    idle_finish_s: int = 600
    fault_injection: bool = False
    """Tests only: lets `arm_crash` make the actor process die right after a method has applied."""
    rooms_per_host: int = 50
    """How many rooms one room host process holds (1 = a process per room)."""
    spare_slots: int = 4
    """Free room slots kept ready on started hosts, so a creation never waits for a process start."""
    evict_after_s: float = 300.0
    """A live room with no socket and no call this long leaves memory (it comes back on the next call)."""


@dataclass(frozen=True)
class CreateSpec:
    code: str
    mode: Any
    host_id: str
    settings: RoomSettings
    problem_id: str | None
    language: str | None
    starter: dict[str, str] | None = None


@dataclass(frozen=True)
class Outcome:
    """What a command returns: the room after it, its events, and the outbox position."""

    room: Room
    events: list[Entry]
    seq: int
    epoch: str = ""


def _ms(moment: datetime) -> datetime:
    """MongoDB keeps milliseconds: the live state uses the same precision, so a reload is identical."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _now() -> datetime:
    return _ms(datetime.now(UTC))


class RoomActor:
    def __init__(
        self,
        room_id: str,
        runtime: RoomRuntime,
        mongo: Mongo | None = None,
        on_retire: Callable[[str], None] | None = None,
        last_presence: datetime | None = None,
        on_publish: Callable[[str, list[Entry]], None] | None = None,
    ) -> None:
        self._room_id = room_id
        self._runtime = runtime
        self._room: Room | None = None
        self._mongo: Mongo | None = mongo
        self._on_retire = on_retire
        self._on_publish = on_publish
        self._outbox = self._new_outbox(0)
        self._writer: Writer | None = None
        self._load_lock = asyncio.Lock()
        self._loaded = False
        self._connections: defaultdict[str, set[str]] = defaultdict(set)
        """Open sockets per user, by socket id (so a retried connect or disconnect counts once)."""
        self._last_presence = last_presence or _now()
        """When a socket last came or went (an evicted room brings its clock back, see RoomHost)."""
        self._retired = False
        self._epoch = str(uuid.uuid4())
        self._document: RoomDocument | None = None
        self._chat: RoomChat | None = None
        self._snapshots: Snapshots | None = None
        self._commands: dict[str, tuple[int, int]] = {}
        self._destroyed = False
        self._released = False
        self._purge: asyncio.Task[None] | None = None
        self._faults = Faults(runtime.fault_injection)

    async def ping(self) -> str:
        return self._room_id

    async def pid(self) -> int:
        """The actor's process id (operators and the crash-recovery tests use it)."""
        return os.getpid()

    async def _ready(self) -> None:
        if self._loaded:
            return
        async with self._load_lock:
            if self._loaded:
                return
            if self._mongo is None:
                self._mongo = connect(self._runtime.mongo_uri, self._runtime.database)
            repo = RoomRepository(self._mongo)
            loaded = await repo.load(self._room_id)
            seq = 0
            if loaded is None:
                await self._resume_if_tombstoned()
            if loaded is not None:
                self._room, seq = loaded
                self._commands = {
                    c["id"]: (c["from"], c["to"]) for c in await repo.recent_commands(self._room_id)
                }
            self._outbox = self._new_outbox(seq)
            self._writer = Writer(self._persist, durable_seq=seq)
            self._document = RoomDocument(self._room_id, DocumentStore(self._mongo), self._publish_volatile)
            await self._document.load()
            self._chat = RoomChat(self._room_id, ChatRepository(self._mongo), self._publish_volatile)
            self._snapshots = Snapshots(DocumentStore(self._mongo))
            self._loaded = True

    def _new_outbox(self, seq: int) -> Outbox:
        publish, room_id = self._on_publish, self._room_id
        return Outbox(last_seq=seq, listener=None if publish is None else lambda e: publish(room_id, e))

    async def _resume_if_tombstoned(self) -> None:
        """Restarted in the middle of a destroy (the tombstone is there): finish it, serve nothing."""
        assert self._mongo is not None  # noqa: S101 - set by _ready
        if self._purge is None and await RoomRepository(self._mongo).destroyed(self._room_id):
            self._destroyed = True
            self._purge = asyncio.get_running_loop().create_task(purge.purge(self._mongo, self._room_id))
            self._purge.add_done_callback(lambda _: self._retire_later())

    async def _persist(self, room: Room, entries: list[Entry]) -> None:
        assert self._mongo is not None  # noqa: S101 - set by _ready
        commands = [{"id": k, "from": first, "to": last} for k, (first, last) in self._commands.items()]
        await RoomRepository(self._mongo).save(
            room,
            entries[-1].seq if entries else self._outbox.last_seq,
            events_as_docs(entries, _now()),
            commands,
        )
        await session_effects(self._mongo, self._runtime, room, entries, _now())

    async def create(
        self, spec: CreateSpec, now: datetime | None = None, command_id: str | None = None
    ) -> Outcome:
        """Initialise this pooled actor as a new room (the host joins as the mode's host role).
        A retry of the same create (same `command_id`) returns the first outcome."""
        await self._ready()
        if self._destroyed:
            raise NotFound(ErrorCode.ROOM_NOT_FOUND, "Room not found")
        if self._room is not None and command_id is not None and command_id in self._commands:
            return await self._repeat(self._room, *self._commands[command_id])
        if self._room is not None:
            raise Conflict(ErrorCode.ROOM_ALREADY_JOINED, "Room already created")
        moment = _ms(now) if now else _now()
        room = new_room(
            self._room_id,
            spec.code,
            spec.mode,
            spec.host_id,
            spec.settings,
            moment,
            problem_id=spec.problem_id,
            language=spec.language,
        )
        self._last_presence = _now()  # the idle clock starts when the room exists, not when the actor did
        self._doc().seed(spec.starter or {})
        outcome = await self._commit(
            room, [("room-created", {"roomId": room.id, "hostId": room.host_id})], moment, command_id
        )
        self._faults.maybe_crash("create")
        return outcome

    async def execute(
        self, command: Any, now: datetime | None = None, command_id: str | None = None
    ) -> Outcome:
        """Apply one command (after letting time pass: swap expiry, max duration) and persist it.

        `command_id` makes a retry safe: a caller whose call failed after the command took effect (the
        actor crashed before answering) sends it again and gets the first outcome, not a second apply."""
        room = await self._require()
        if command_id is not None and command_id in self._commands:
            return await self._repeat(room, *self._commands[command_id])
        moment = _ms(now) if now else _now()
        if isinstance(command, c.Transition) and command.session_id is None:
            command = c.Transition(command.actor_id, command.target, str(uuid.uuid4()))
        ticked, tick_events = apply(room, c.Tick(), moment)
        updated, events = apply(ticked, command, moment)
        outcome = await self._commit(
            updated, [(e.type, e.payload()) for e in (*tick_events, *events)], moment, command_id
        )
        await self._after(outcome)
        return outcome

    async def _after(self, outcome: Outcome) -> None:
        """Document side effects of published events: awareness clean-up and code snapshots."""
        for entry in outcome.events:
            if entry.type in {"participant-left", "participant-removed"}:
                self._doc().forget(str(entry.data.get("userId")))
            elif entry.type == "phase-change":
                finished = entry.data.get("current") == RoomStatus.FINISHED.value
                await self._snapshot("session_end" if finished else "phase_change")
            elif entry.type == "editor-lock" and entry.data.get("locked"):
                await self._snapshot("submission")
        if outcome.room.status is RoomStatus.FINISHED:
            await self._doc().flush()
            self._retire_later()

    async def state(self) -> Outcome:
        room = await self._require()
        return Outcome(room=room, events=[], seq=self._outbox.last_seq, epoch=self._epoch)

    async def wait_events(
        self, after_seq: int, timeout_s: float, gateway_id: str | None = None, epoch: str | None = None
    ) -> Batch:
        """Long-poll the outbox. A gateway's own relayed frames are left out of what it is sent (it
        relayed them to its sockets already): a typing room does not wake its own gateway's feed. A
        caller that knew another incarnation (`epoch`) is answered at once, so it resyncs right away."""
        await self._ready()
        if epoch is not None and epoch != self._epoch:
            return self.ready(after_seq, gateway_id or "", epoch)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            await self._outbox.wait_after(after_seq, max(0.0, deadline - loop.time()))
            batch = self.ready(after_seq, gateway_id or "", None)
            if batch.entries or batch.resync or batch.epoch == MOVED_EPOCH or loop.time() >= deadline:
                return batch
            after_seq = batch.last_seq

    def ready(self, after_seq: int, gateway_id: str, epoch: str | None) -> Batch:
        """What a gateway's feed at `after_seq` reads now, without waiting (the host's many-room long
        poll, see actors/feed_waits.py): as `wait_events` answers, once something is there."""
        if epoch is not None and epoch != self._epoch:
            return replace(self._outbox.after(self._outbox.last_seq), epoch=self._epoch)
        if self._released:
            return Batch(entries=[], resync=False, last_seq=self._outbox.last_seq, epoch=MOVED_EPOCH)
        batch = self._outbox.after(after_seq)
        if batch.resync:
            return replace(batch, epoch=self._epoch)
        entries = [e for e in batch.entries if e.data.get("gateway") != gateway_id]
        return replace(batch, entries=entries, epoch=self._epoch)

    async def attach(
        self, user_id: str, socket_id: str, now: datetime | None = None, command_id: str | None = None
    ) -> Outcome:
        """A socket opened: admit it, count it and, in the same step, make an inactive participant
        active again (a reconnecting client cannot call the REST join first). Counting and rejoining
        happen with no await in between, so a disconnect of the user's previous socket can never leave
        the user inactive behind a working socket (its edits would be dropped). Refused with Forbidden
        (reason in the message) when the user may not hold a socket here."""
        room = await self._require()
        refusal = admission(room, user_id)
        if refusal is not None:
            raise Forbidden(ErrorCode.ROOM_NOT_PARTICIPANT, refusal)
        self._connections[user_id].add(socket_id)
        self._last_presence = _now()
        member = room.participant(user_id)
        if member is None or member.is_active:
            return Outcome(room=room, events=[], seq=self._outbox.last_seq, epoch=self._epoch)
        try:
            outcome = await self.execute(c.Join(user_id), now, command_id)
        except DomainError:
            self._connections[user_id].discard(socket_id)
            raise
        return replace(outcome, epoch=self._epoch)

    async def disconnected(self, user_id: str, socket_id: str, now: datetime | None = None) -> Outcome | None:
        """A socket closed; when it was the user's last, the participant becomes inactive."""
        room = await self._require()
        self._connections[user_id].discard(socket_id)
        self._last_presence = _now()
        if self._connections[user_id] or room.status is RoomStatus.FINISHED:
            return None
        return await self.execute(c.Disconnect(user_id), now)

    def connected_users(self) -> list[str]:
        return [u for u, sockets in self._connections.items() if sockets]

    async def presence(self) -> list[str]:
        return self.connected_users()

    async def finish(
        self, actor_id: str, reason: str, now: datetime | None = None, command_id: str | None = None
    ) -> Outcome:
        """The one finish path shared by idle-finish and admin force-close."""
        return await self.execute(c.Finish(actor_id, reason), now, command_id)

    async def destroy(self, now: datetime | None = None) -> None:
        """Hard-delete the room and what it produced; sockets are told the room closed; the actor then
        ends. From the first line on the actor refuses every command (nothing can write the room back),
        and a retry (also after a restart mid-destroy) waits for the same purge: safe to retry."""
        await self._ready()
        if not self._destroyed and self._room is None:
            await self._resume_if_tombstoned()
        if self._destroyed:
            if self._purge is not None:
                await asyncio.shield(self._purge)
            return
        room = await self._require()
        self._destroyed = True
        moment = _ms(now) if now else _now()
        self._outbox.append(
            [("room-closed", {"reason": "destroyed", "roomId": room.id})], int(moment.timestamp() * 1000)
        )
        self._purge = asyncio.get_running_loop().create_task(self._destroy_now(moment))
        await asyncio.shield(self._purge)
        self._faults.maybe_crash("destroy")

    async def _destroy_now(self, moment: datetime) -> None:
        assert self._writer is not None  # noqa: S101 - set by _ready
        assert self._mongo is not None  # noqa: S101 - set by _ready
        await self._writer.settled()
        await self._doc().close()
        await purge.mark_destroyed(self._mongo, self._room_id, moment)
        await purge.purge(self._mongo, self._room_id)
        self._retire_later()

    def _doc(self) -> RoomDocument:
        assert self._document is not None  # noqa: S101 - set by _ready
        return self._document

    def _publish_volatile(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        """Document frames go to the outbox for fan-out only (they are persisted by the document)."""
        self._outbox.append(items, int(time.time() * 1000))

    async def hello(self) -> list[bytes]:
        await self._require()
        return self._doc().hello()

    async def receive(self, user_id: str, frames: list[bytes]) -> list[bytes]:
        """Binary frames from one socket, in order (the gateway batches what arrived while the previous
        call ran). Writes from observers, from candidates while the editor is locked, and from anyone
        not active in the room are dropped; a malformed frame raises."""
        room = await self._require()
        return self._doc().receive(user_id, can_edit(room, user_id), frames)

    async def relayed(self, gateway_id: str, batches: list[tuple[str, list[bytes]]]) -> None:
        """Frames a gateway accepted (its write check decided) and relayed to its own sockets, as
        `(user, frames)`: applied to the authoritative document, persisted and published to the other
        gateways (see RoomDocument.apply_relayed). Safe to repeat: Yjs updates are idempotent."""
        await self._require()
        await self._faults.held("relayed")
        for user_id, frames in batches:
            self._doc().apply_relayed(user_id, frames, gateway_id)

    async def chat_history(self) -> dict[str, Any]:
        """The `chat-history` a joining socket gets."""
        await self._require()
        return await self._talk().history()

    async def chat_send(self, user_id: str, data: dict[str, Any], message_id: str) -> dict[str, Any] | None:
        """Post a message (active participants only); a retry with the same `message_id` posts once."""
        if not await self._may_chat(user_id):
            return None
        return await self._talk().send(user_id, data, message_id)

    async def chat_mark_read(self, user_id: str, up_to: object) -> None:
        if await self._may_chat(user_id):
            await self._talk().mark_read(user_id, up_to)

    async def chat_react(self, user_id: str, message_id: object, emoji: object) -> None:
        """Toggle a reaction (not idempotent: a repeat undoes it)."""
        if await self._may_chat(user_id):
            await self._talk().react(user_id, message_id, emoji)
        self._faults.maybe_crash("chat_react")

    async def _may_chat(self, user_id: str) -> bool:
        room = await self._require()
        member = room.participant(user_id)
        return bool(member and member.is_active and room.status is not RoomStatus.FINISHED)

    def _talk(self) -> RoomChat:
        assert self._chat is not None  # noqa: S101 - set by _ready
        return self._chat

    async def create_document(self, starter: dict[str, str], snapshot: bytes | None) -> bool:
        """Collab-plane create (idempotent): open an ended document again, then apply a given snapshot,
        else seed empty texts; True when the document changed (or was opened again)."""
        await self._require()
        reopened = await self._doc().reopen()
        changed = self._doc().adopt(snapshot) if snapshot else self._doc().seed(starter)
        return reopened or changed

    async def final_document(self) -> bytes:
        """Collab-plane destroy: see `end_document` (idempotent since the document really ends)."""
        state = await self.end_document()
        self._faults.maybe_crash("final_document")
        return state

    async def kick_socket(self, user_id: str, reason: str, code: int | None = None) -> bool:
        """Close the user's sockets (with `code`, default 4002) without removing them from the room."""
        await self._require()
        self._publish_volatile([("socket-kick", {"userId": user_id, "reason": reason, "code": code})])
        self._doc().forget(user_id)
        return bool(self._connections[user_id])

    async def record_snapshot(
        self,
        trigger: str,
        code: str,
        language: str,
        state: bytes | None = None,
        at: datetime | None = None,
        phase: str | None = None,
    ) -> dict[str, Any] | None:
        """Callback from an external collab plane: store its binary state (always: the room's latest)
        and its code snapshot for the room's session, at its time and phase (when a state is given)."""
        room = await self._require()
        moment = _ms(at) if at else _now()
        snapshot = await self._snaps().reported(room, trigger, code, language, state, moment, phase)
        self._faults.maybe_crash("record_snapshot")
        return snapshot

    async def publish_event(self, kind: str, data: dict[str, Any]) -> None:
        """An event produced outside the room (e.g. `execution-result`), for the room's sockets."""
        await self._require()
        self._publish_volatile([(kind, data)])

    async def seed_document(self, starter: dict[str, str]) -> None:
        await self._require()
        self._doc().seed(starter)

    async def document_state(self) -> bytes:
        await self._require()
        return self._doc().state()

    async def code(self) -> tuple[str | None, str]:
        room = await self._require()
        return room.language, self._doc().code(room.language)

    async def code_snapshot(self, trigger: str) -> dict[str, Any] | None:
        """Record the active language's code for the room's session (None before a session exists).
        Not idempotent: every call stores a snapshot."""
        snapshot = await self._snapshot(trigger)
        self._faults.maybe_crash("code_snapshot")
        return snapshot

    async def _snapshot(self, trigger: str) -> dict[str, Any] | None:
        room = await self._require()
        return await self._snaps().take(room, self._doc().code(room.language), trigger, _now())

    async def _periodic_snapshot(self) -> None:
        room = self._room
        if room is not None:
            await self._snaps().periodic(room, lambda: self._doc().code(room.language), _now())

    def _snaps(self) -> Snapshots:
        assert self._snapshots is not None  # noqa: S101 - set by _ready
        return self._snapshots

    async def _require(self) -> Room:
        await self._ready()
        if self._room is None or self._destroyed:
            raise NotFound(ErrorCode.ROOM_NOT_FOUND, "Room not found")
        return self._room

    async def arm_crash(self, method: str) -> bool:
        """Tests only (`fault_injection`): the next `method` kills this process right after it applied."""
        return self._faults.arm_crash(method)

    async def arm_hold(self, method: str, held: bool) -> bool:
        """Tests only (`fault_injection`): calls of `method` wait until the hold is lifted."""
        return self._faults.arm_hold(method, held)

    async def _commit(
        self,
        room: Room,
        events: list[tuple[str, dict[str, Any]]],
        now: datetime,
        command_id: str | None = None,
    ) -> Outcome:
        """Publish events in order, hand the state to the writer, return once durable."""
        assert self._writer is not None  # noqa: S101 - set by _ready
        self._room = room
        first = self._outbox.last_seq + 1
        entries = self._outbox.append(events, int(now.timestamp() * 1000))
        seq = self._outbox.last_seq
        if command_id is not None:
            self._commands[command_id] = (first, seq)
            while len(self._commands) > RECENT_COMMANDS:
                del self._commands[next(iter(self._commands))]
        self._writer.submit(seq, room, entries)
        await self._writer.durable(seq)
        return Outcome(room=room, events=entries, seq=seq)

    async def _repeat(self, room: Room, first: int, last: int) -> Outcome:
        """The outcome of an already applied command: its events from the outbox, or from the stored
        log when this actor has restarted since."""
        entries = [e for e in self._outbox.after(first - 1).entries if e.seq <= last]
        if len(entries) < last - first + 1:
            assert self._mongo is not None  # noqa: S101 - set by _ready
            stored = await RoomRepository(self._mongo).events(self._room_id, first - 1, last - first + 1)
            entries = [Entry(d["seq"], d["type"], d["data"], int(d["at"].timestamp() * 1000)) for d in stored]
        return Outcome(room=room, events=entries, seq=self._outbox.last_seq)

    async def tick(self) -> None:
        """Let time pass (the host calls this once a second): idle finish, timers, periodic snapshots."""
        if not self._retired:
            await self._tick()

    async def _tick(self) -> None:
        room = self._room
        if room is None or room.status is RoomStatus.FINISHED or self._destroyed:
            return
        now = _now()
        idle_s = (now - self._last_presence).total_seconds()
        if not self.connected_users() and idle_s >= self._runtime.idle_finish_s:
            await self.finish("system", "idle", now)
            return
        ticked, events = apply(room, c.Tick(), now)
        if events:
            await self._after(await self._commit(ticked, [(e.type, e.payload()) for e in events], now))
        await self._periodic_snapshot()

    def _retire_later(self) -> None:
        """A finished or destroyed room leaves memory after subscribers had time to read the last events."""
        if self._retired:
            return
        self._retired = True
        if self._on_retire is not None:
            asyncio.get_running_loop().call_later(RETIRE_AFTER_S, self._on_retire, self._room_id)

    # --- what the host asks to decide whether the room may leave memory ------------------------------
    def live(self) -> bool:
        """Loaded, stored and neither finished nor being destroyed."""
        return (
            self._room is not None
            and self._room.status is not RoomStatus.FINISHED
            and not self._destroyed
            and not self._retired
        )

    def finished(self) -> bool:
        return self._room is not None and self._room.status is RoomStatus.FINISHED

    def destroying(self) -> bool:
        """A destroy (or one resumed after a restart) is still purging."""
        return self._destroyed and self._purge is not None and not self._purge.done()

    async def load(self) -> None:
        """Load from MongoDB now (a host activating the room)."""
        await self._ready()

    def last_presence(self) -> datetime:
        return self._last_presence

    async def quiesce(self) -> None:
        """Before an eviction: everything accepted is durable (room state and document), and the
        background writers are stopped."""
        if self._writer is not None:
            await self._writer.close()
        if self._document is not None:
            await self._document.close()

    async def release(self) -> None:
        """The room is moving to another host: answer every long poll now (its feeds resync against
        the new host), then make everything durable and stop the background writers."""
        self._released = True
        self._outbox.wake()
        await self.quiesce()

    def figures(self) -> dict[str, Any]:
        """What operators see of this room (sockets, document size)."""
        return {
            "roomId": self._room_id,
            "sockets": sum(len(s) for s in self._connections.values()),
            "documentBytes": len(self._document.state()) if self._document is not None else 0,
            "status": self._room.status.value if self._room is not None else None,
        }

    async def end_document(self) -> bytes:
        """Collab-plane destroy, idempotent: the first call persists everything, stores the final state,
        records a `session_end` snapshot (when a session exists), closes every socket with ROOM_CLOSED and
        releases the document; later calls (also after a restart) return the same state and record
        nothing. The room itself lives on; a collab-plane create opens the document again."""
        await self._require()
        state, ended_now = await self._doc().end()
        if ended_now:
            await self._snapshot("session_end")
            reason, code = "Room closed", RoomDocument.CLOSED_CODE
            kicks = [
                ("socket-kick", {"userId": u, "reason": reason, "code": code}) for u in self.connected_users()
            ]
            if kicks:
                self._publish_volatile(kicks)
        return state
