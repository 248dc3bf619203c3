"""The room's Yjs document inside its actor: y-protocols sync, awareness relay, batched persistence.

Edits are applied to the server document, published to the room's outbox as binary frames (the feeds
fan them out to every other socket), and persisted in batches: at most every FLUSH_S or FLUSH_MAX
updates, each batch merged into one stored update (up to MERGE_MAX_BYTES), compacted into a snapshot
every COMPACT_EVERY stored updates. The same batches append the edit log
kept for replay (every update with its time and author; see storage/edit_log.py for its bound and the
coarse entries past it). Awareness is relayed, throttled per user (AWARENESS_MIN_GAP_S) and cleaned up
when a user leaves.

Ending (collab-plane destroy): writes stop at once, everything is persisted, the final state is stored
as final and the in-memory document is released; until it is opened again, writes are dropped, a socket
that syncs is refused (NotFound) and the state and code are read from the final state.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from engine.collab.document import (
    EMPTY_UPDATE,
    apply_update,
    code_of,
    full_update,
    merge_updates,
    new_document,
    seed_starter,
)
from engine.collab.wire import (
    AwarenessEntry,
    FrameKind,
    encode,
    encode_awareness,
    parse_awareness,
    parse_frame,
    removal,
)
from engine.errors import ErrorCode, NotFound
from engine.replay.model import EditEntry
from storage.documents import DocumentStore
from storage.edit_log import COARSE_MS, LogTail

FLUSH_S = 0.5
"""A room's accepted updates are persisted at most this long after they arrived (merged: one stored
update per flush, so a typing room writes ~2 documents a second, not one per keystroke). An edit is
never only here: the clients that made or received it hold it and send it back on their resync."""
FLUSH_MAX = 64
COMPACT_EVERY = 500
AWARENESS_MIN_GAP_S = 0.05
MERGE_MAX_BYTES = 64 * 1024
"""Updates of one batch are merged up to this size: keystrokes become one frame, large pastes stay
separate frames (a merged frame never grows past what one client sent at once)."""
Publish = Callable[[list[tuple[str, dict[str, Any]]]], None]
Edit = tuple[int, str, bytes]
"""(epoch ms, author, update) of an accepted update not yet in the edit log."""


def wall_ms() -> int:
    return int(time.time() * 1000)


def _merged(edits: list[Edit], seq: int) -> EditEntry:
    authors = tuple(dict.fromkeys(author for _, author, _ in edits))
    return EditEntry(seq, edits[-1][0], authors, merge_updates([u for _, _, u in edits]))


def _tag(gateway: str | None) -> dict[str, Any]:
    return {} if gateway is None else {"gateway": gateway}


def _groups(updates: list[bytes], limit: int) -> list[list[bytes]]:
    """Consecutive runs of updates whose total size stays within `limit` (a larger update is alone)."""
    groups: list[list[bytes]] = []
    size = limit
    for update in updates:
        if size + len(update) > limit:
            groups.append([])
            size = 0
        groups[-1].append(update)
        size += len(update)
    return groups


class RoomDocument:
    CLOSED_CODE = 4003
    """The websocket close code for sockets of an ended document (the reference's ROOM_CLOSED)."""

    def __init__(
        self, room_id: str, store: DocumentStore, publish: Publish, now_ms: Callable[[], int] = wall_ms
    ) -> None:
        self._room_id = room_id
        self._store = store
        self._publish = publish
        self._now_ms = now_ms
        self._doc = new_document()
        self._edits: list[Edit] = []
        self._coarse: list[Edit] = []
        self._tail = LogTail(-1, 0, 0)
        self._open = True
        self._final: bytes | None = None
        self._seq = -1
        self._since_snapshot = 0
        self._pending: list[bytes] = []
        self._flusher: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._end_lock = asyncio.Lock()
        self._awareness: dict[str, dict[int, AwarenessEntry]] = {}
        self._last_awareness: dict[str, float] = {}

    async def load(self) -> None:
        snapshot, updates, last = await self._store.load(self._room_id)
        self._tail = await self._store.edits.tail(self._room_id)
        self._final = await self._store.final_state(self._room_id)
        self._open = self._final is None
        doc = new_document(snapshot if self._open else None)
        for update in updates:
            apply_update(doc, update)
        self._doc, self._seq, self._since_snapshot = doc, last, len(updates)

    @property
    def ended(self) -> bool:
        return not self._open

    def _refuse_if_ended(self) -> None:
        if not self._open:
            raise NotFound(ErrorCode.COLLAB_DOCUMENT_NOT_FOUND, "The document has ended")

    def seed(self, starter: dict[str, str]) -> bool:
        if not self._open:
            return False
        update = seed_starter(self._doc, starter)
        if update is not None:
            self._record(update, "server")
        return update is not None

    def adopt(self, snapshot: bytes) -> bool:
        """Merge a full document update from elsewhere; True when it added anything."""
        if not self._open:
            return False
        before = self._doc.get_state()
        apply_update(self._doc, snapshot)
        update = self._doc.get_update(before)
        if update == EMPTY_UPDATE:
            return False
        self._record(update, "server")
        return True

    def hello(self) -> list[bytes]:
        """What a new socket gets first: the server's step 1, then every known awareness state."""
        self._refuse_if_ended()
        frames = [encode(FrameKind.SYNC_STEP1, self._doc.get_state())]
        known = [entry for states in self._awareness.values() for entry in states.values()]
        if known:
            frames.append(encode(FrameKind.AWARENESS, encode_awareness(known)))
        return frames

    def receive(self, user_id: str, can_write: bool, frames: list[bytes]) -> list[bytes]:
        """Handle a socket's binary frames, in order; returns the replies for that socket only.

        The document updates of a batch go out (and are stored) as one merged update. A malformed frame
        raises after every frame before it has taken effect. An ended document refuses (NotFound)."""
        self._refuse_if_ended()
        replies: list[bytes] = []
        applied: list[bytes] = []
        try:
            for data in frames:
                frame = parse_frame(data)
                if frame.kind is FrameKind.SYNC_STEP1:
                    replies.append(encode(FrameKind.SYNC_STEP2, self._doc.get_update(frame.payload)))
                elif frame.kind is FrameKind.AWARENESS:
                    self._relay_awareness(user_id, frame.payload, data)
                elif can_write:
                    apply_update(self._doc, frame.payload)
                    applied.append(frame.payload)
        finally:
            for group in _groups(applied, MERGE_MAX_BYTES):
                self._record(merge_updates(group), user_id)
        return replies

    def apply_relayed(self, user_id: str, frames: list[bytes], gateway: str) -> None:
        """Frames a gateway accepted and already relayed to its own sockets (its write check is the
        decision: every update is applied here too, so peers and the server never diverge). Published
        with the gateway's id: the other gateways forward them to their sockets, that one is not sent
        them again (see RoomActor.wait_events). Frames still in flight when the document ended are dropped."""
        if not self._open:
            return
        updates: list[bytes] = []
        for data in frames:
            frame = parse_frame(data)
            if frame.kind is FrameKind.AWARENESS:
                self._relay_awareness(user_id, frame.payload, data, gateway, throttle=False)
            elif frame.writes:
                apply_update(self._doc, frame.payload)
                updates.append(frame.payload)
        for group in _groups(updates, MERGE_MAX_BYTES):
            self._record(merge_updates(group), user_id, gateway)

    def _relay_awareness(
        self, user_id: str, payload: bytes, frame: bytes, gateway: str | None = None, throttle: bool = True
    ) -> None:
        entries = parse_awareness(payload)
        now = time.monotonic()
        if throttle and now - self._last_awareness.get(user_id, 0.0) < AWARENESS_MIN_GAP_S:
            return
        self._last_awareness[user_id] = now
        known = self._awareness.setdefault(user_id, {})
        for entry in entries:
            if entry.state == "null":
                known.pop(entry.client_id, None)
            else:
                known[entry.client_id] = entry
        self._publish([("y-awareness", {"frame": frame, "origin": user_id, **_tag(gateway)})])

    def forget(self, user_id: str) -> None:
        """The user left or was removed: tell everyone their awareness states are gone."""
        known = self._awareness.pop(user_id, {})
        self._last_awareness.pop(user_id, None)
        if known:
            frame = encode(FrameKind.AWARENESS, removal(list(known.values())))
            self._publish([("y-awareness", {"frame": frame, "origin": user_id})])

    def code(self, language: str | None) -> str:
        if self._final is not None:
            return code_of(new_document(self._final), language)
        return code_of(self._doc, language)

    def state(self) -> bytes:
        return self._final if self._final is not None else full_update(self._doc)

    def _record(self, update: bytes, origin: str, gateway: str | None = None) -> None:
        frame = encode(FrameKind.SYNC_UPDATE, update)
        self._publish([("y-sync", {"frame": frame, "origin": origin, **_tag(gateway)})])
        self._pending.append(update)
        if update != EMPTY_UPDATE:  # a peer's empty sync step 2 changes nothing: not an edit
            self._edits.append((self._now_ms(), origin, update))
        if len(self._pending) >= FLUSH_MAX:
            self._start_flush(0.0)
        else:
            self._start_flush(FLUSH_S)

    def _start_flush(self, delay_s: float) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_after(delay_s))

    async def _flush_after(self, delay_s: float) -> None:
        if delay_s:
            await asyncio.sleep(delay_s)
        await self.flush()

    async def flush(self) -> None:
        """Persist pending updates in one batch (and compact now and then)."""
        async with self._lock:
            batch, self._pending = self._pending, []
            edits, self._edits = self._edits, []
            if not batch:
                return
            now = datetime.now(UTC)
            stored = [merge_updates(g) if len(g) > 1 else g[0] for g in _groups(batch, MERGE_MAX_BYTES)]
            await self._store.append(self._room_id, self._seq + 1, stored, now)
            await self._log(edits)
            self._seq += len(stored)
            self._since_snapshot += len(stored)
            if self._since_snapshot >= COMPACT_EVERY:
                await self._store.compact(self._room_id, self.state(), self._seq, now)
                self._since_snapshot = 0
        if self._pending:
            self._start_flush(0.0)

    def _log_entries(self, edits: list[Edit], force: bool) -> list[EditEntry]:
        """The edit-log entries for `edits`: one each while the log is within its bound, past it one
        merged entry per COARSE_MS window (the open window waits for more unless `force`)."""
        seq = self._tail.last_seq + 1
        if not self._tail.over_bound and not self._coarse:
            return [EditEntry(seq + i, at, (author,), update) for i, (at, author, update) in enumerate(edits)]
        entries: list[EditEntry] = []
        for edit in edits:
            if self._coarse and edit[0] - self._coarse[0][0] >= COARSE_MS:
                entries.append(_merged(self._coarse, seq + len(entries)))
                self._coarse = []
            self._coarse.append(edit)
        if force and self._coarse:
            entries.append(_merged(self._coarse, seq + len(entries)))
            self._coarse = []
        return entries

    async def _log(self, edits: list[Edit], force: bool = False) -> None:
        entries = self._log_entries(edits, force)
        if entries:
            await self._store.edits.append(self._room_id, entries)
            size = sum(len(e.update) for e in entries)
            self._tail = LogTail(
                entries[-1].seq, self._tail.entries + len(entries), self._tail.size_bytes + size
            )

    async def close(self) -> None:
        if self._flusher is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._flusher
        await self.flush()
        async with self._lock:
            await self._log([], force=True)

    async def end(self) -> tuple[bytes, bool]:
        """End the document: (final state, True) the first time, (the same state, False) after that."""
        async with self._end_lock:
            if self._final is not None:
                return self._final, False
            self._open = False  # from here on writes are dropped, so the state below is the last one
            await self.close()
            async with self._lock:
                state = full_update(self._doc)
                await self._store.end(self._room_id, state, self._seq, datetime.now(UTC))
                self._since_snapshot = 0
            self._final, self._doc = state, new_document()
        self._awareness.clear()
        self._last_awareness.clear()
        return state, True

    async def reopen(self) -> bool:
        """Open an ended document again from its final state (collab-plane create); True if it was ended."""
        if self._final is None:
            return False
        await self._store.reopen(self._room_id)
        self._doc, self._final, self._open = new_document(self._final), None, True
        return True
