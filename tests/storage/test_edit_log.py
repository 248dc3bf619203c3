"""storage/edit_log.py on the real database: one flush's entries are one stored document (a bundle),
read back entry by entry, cut at a time inside a bundle, counted in the tail, a re-sent flush is a
no-op, and documents of the older one-entry format still read and count."""

from __future__ import annotations

import uuid

import pytest
from bson import Binary

from engine.replay.model import EditEntry
from gateway.services import Services
from storage.edit_log import EditLog, _id

pytestmark = pytest.mark.anyio


def _e(seq: int, at: int) -> EditEntry:
    return EditEntry(seq, at, ("u1",), bytes([seq % 256]) * 3)


async def test_a_flush_is_one_document_read_entry_by_entry(services: Services) -> None:
    log, room = EditLog(services.mongo), str(uuid.uuid4())
    await log.append(room, [_e(0, 1_000), _e(1, 1_100), _e(2, 1_200)])
    await log.append(room, [_e(0, 1_000), _e(1, 1_100), _e(2, 1_200)])  # re-sent: nothing changes
    await log.append(room, [_e(3, 2_000)])
    assert await services.mongo.db["edit_log"].count_documents({"roomId": room}) == 2
    assert [e.seq for e in await log.read(room)] == [0, 1, 2, 3]
    assert [e.seq for e in await log.read(room, up_to_ms=1_100)] == [0, 1]
    tail = await log.tail(room)
    assert (tail.last_seq, tail.entries, tail.size_bytes) == (3, 4, 12)


async def test_older_one_entry_documents_still_read_and_count(services: Services) -> None:
    log, room = EditLog(services.mongo), str(uuid.uuid4())
    old = [
        {"_id": _id(room, s), "roomId": room, "seq": s, "at": 500 + s, "authors": ["u0"], "size": 3,
         "update": Binary(bytes([s]) * 3)}
        for s in range(2)
    ]  # fmt: skip
    await services.mongo.db["edit_log"].insert_many(old)
    await log.append(room, [_e(2, 900), _e(3, 950)])
    assert [(e.seq, e.authors) for e in await log.read(room)] == [
        (0, ("u0",)),
        (1, ("u0",)),
        (2, ("u1",)),
        (3, ("u1",)),
    ]
    tail = await log.tail(room)
    assert (tail.last_seq, tail.entries, tail.size_bytes) == (3, 4, 12)
