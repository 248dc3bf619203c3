"""A room's edit log, kept for replay (collection `edit_log`): every accepted Yjs update with its time
(epoch ms) and author(s), in order. A room has at most one session, so the room's log is its session's.

Stored as one document per flush of the room's writer (a bundle: `entries`, `n` of them, `size` bytes;
the entries of 100 typing rooms were ~1,000 single-entry documents a second, more than the embedded
database could take beside everything else). Documents written before bundles hold one entry each and
are read the same way.

Invariants: document ids are `<roomId>:<first seq, zero-padded>`, so a room's log is one ordered range of
the `_id` index (no other index needed) and a re-sent batch is a no-op (duplicate ids are skipped). Compacting
the live document never touches this log; only a room's destroy deletes it.

Bound (per room): LOG_MAX_ENTRIES entries or LOG_MAX_BYTES of updates, whichever comes first. Past the
bound the writer (actors/collab.py) switches to coarse entries: one merged entry per COARSE_MS window,
listing every author of the window, so the log keeps growing by at most ~6 entries a minute and a replay
past that point seeks in COARSE_MS steps instead of per keystroke. A 45-minute two-typist session is about
25k updates and well under 1 MB, far inside the bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bson import Binary
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError

from engine.replay.model import EditEntry
from storage.client import Document, Mongo

LOG_MAX_ENTRIES: Final = 60_000
LOG_MAX_BYTES: Final = 16 * 1024 * 1024
COARSE_MS: Final = 10_000
SEQ_DIGITS: Final = 10
DUPLICATE_KEY: Final = 11000


@dataclass(frozen=True)
class LogTail:
    """Where a room's log stands: its last seq (-1 when empty), its size, and whether it is past its bound."""

    last_seq: int
    entries: int
    size_bytes: int

    @property
    def over_bound(self) -> bool:
        return self.entries >= LOG_MAX_ENTRIES or self.size_bytes >= LOG_MAX_BYTES


def _id(room_id: str, seq: int) -> str:
    return f"{room_id}:{seq:0{SEQ_DIGITS}d}"


def _range(room_id: str) -> Document:
    return {"_id": {"$gte": f"{room_id}:", "$lt": f"{room_id};"}}


def _entry(doc: Document) -> EditEntry:
    return EditEntry(int(doc["seq"]), int(doc["at"]), tuple(doc.get("authors") or ()), bytes(doc["update"]))


def _entries(doc: Document) -> list[EditEntry]:
    """A stored document's entries: a bundle holds several (`entries`), an older document one."""
    if "entries" in doc:
        return [_entry(e) for e in doc["entries"]]
    return [_entry(doc)]


def _bundle(room_id: str, entries: list[EditEntry]) -> Document:
    """One document for the entries of one flush, keyed by its first seq (so the log stays one ordered
    `_id` range and a re-sent flush is still a duplicate)."""
    first, last = entries[0], entries[-1]
    return {
        "_id": _id(room_id, first.seq),
        "roomId": room_id,
        "seq": first.seq,
        "last": last.seq,
        "at": first.at_ms,
        "atLast": last.at_ms,
        "n": len(entries),
        "size": sum(len(e.update) for e in entries),
        "entries": [
            {"seq": e.seq, "at": e.at_ms, "authors": list(e.authors), "update": Binary(e.update)}
            for e in entries
        ],
    }


class EditLog:
    def __init__(self, mongo: Mongo) -> None:
        self._log = mongo.db["edit_log"]
        self._batched = mongo.batched("edit_log")

    async def append(self, room_id: str, entries: list[EditEntry]) -> None:
        """Store one flush's entries (consecutive seqs) as one document."""
        if not entries:
            return
        try:
            await self._batched.insert([_bundle(room_id, entries)])  # with every other room of this process
        except BulkWriteError as exc:  # a re-sent batch: the entries are already there
            if any(err.get("code") != DUPLICATE_KEY for err in exc.details.get("writeErrors", [])):
                raise

    async def tail(self, room_id: str) -> LogTail:
        last = await self._log.find_one(_range(room_id), {"seq": 1, "last": 1}, sort=[("_id", DESCENDING)])
        if last is None:
            return LogTail(-1, 0, 0)
        pipeline = [
            {"$match": _range(room_id)},
            {"$group": {"_id": None, "docs": {"$sum": 1}, "n": {"$sum": "$n"}, "b": {"$sum": "$size"}}},
        ]
        found = [d async for d in await self._log.aggregate(pipeline)]
        total = found[0] if found else {"docs": 0, "n": 0, "b": 0}
        bundles = await self._log.count_documents({**_range(room_id), "n": {"$exists": True}})
        entries = int(total["n"] or 0) + int(total["docs"]) - bundles  # an older document is one entry
        last_seq = last["last"] if "last" in last else last["seq"]
        return LogTail(int(last_seq), entries, int(total["b"]))

    async def read(self, room_id: str, up_to_ms: int | None = None) -> list[EditEntry]:
        """The room's entries in order (only those logged up to `up_to_ms` when given)."""
        query = _range(room_id)
        if up_to_ms is not None:
            query = {"$and": [query, {"at": {"$lte": up_to_ms}}]}
        cursor = self._log.find(query).sort("_id", ASCENDING)
        entries = [e async for d in cursor for e in _entries(d)]
        return entries if up_to_ms is None else [e for e in entries if e.at_ms <= up_to_ms]

    async def delete_room(self, room_id: str) -> None:
        await self._log.delete_many(_range(room_id))
