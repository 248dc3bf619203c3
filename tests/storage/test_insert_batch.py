"""storage/insert_batch.py on the real database: concurrent callers share one insert_many, each gets only
its own write errors, and what arrives while an insert is on its way goes in the next one."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pymongo.errors import BulkWriteError

from gateway.services import Services
from storage.insert_batch import InsertBatcher

pytestmark = pytest.mark.anyio


class CountingCollection:
    """The real collection, counting the insert_many calls that reach it."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls, self.writing = inner, 0, asyncio.Event()

    async def insert_many(self, docs: list[dict[str, Any]], ordered: bool) -> Any:
        self.calls += 1
        self.writing.set()
        return await self.inner.insert_many(docs, ordered=ordered)


def _docs(tag: str, n: int) -> list[dict[str, Any]]:
    return [{"_id": f"{tag}:{i}", "tag": tag} for i in range(n)]


async def test_concurrent_callers_share_one_insert(services: Services) -> None:
    collection = services.mongo.db[f"batch_{uuid.uuid4().hex[:8]}"]
    counted = CountingCollection(collection)
    batcher = InsertBatcher(counted, window_s=0.05)  # type: ignore[arg-type]
    await asyncio.gather(*(batcher.insert(_docs(f"room{r}", 3)) for r in range(5)))
    assert counted.calls == 1
    assert await collection.count_documents({}) == 15
    await asyncio.gather(batcher.insert(_docs("later", 2)), batcher.insert([]))
    assert counted.calls == 2 and await collection.count_documents({"tag": "later"}) == 2


async def test_a_callers_refused_documents_fail_only_that_caller(services: Services) -> None:
    collection = services.mongo.db[f"batch_{uuid.uuid4().hex[:8]}"]
    await collection.insert_one({"_id": "b:1", "tag": "b"})
    batcher = InsertBatcher(collection)
    a, b, c = await asyncio.gather(
        batcher.insert(_docs("a", 2)),
        batcher.insert(_docs("b", 3)),
        batcher.insert(_docs("c", 2)),
        return_exceptions=True,
    )
    assert a is None and c is None
    assert isinstance(b, BulkWriteError)
    assert [(e["index"], e["code"]) for e in b.details["writeErrors"]] == [(1, 11000)]
    assert await collection.count_documents({}) == 7


async def test_inserts_arriving_during_a_write_go_in_the_next_one(services: Services) -> None:
    collection = services.mongo.db[f"batch_{uuid.uuid4().hex[:8]}"]
    counted = CountingCollection(collection)
    batcher = InsertBatcher(counted, window_s=0.0)  # type: ignore[arg-type]
    first = asyncio.create_task(batcher.insert(_docs("first", 1)))
    await counted.writing.wait()  # the first write is on its way
    await asyncio.gather(*(batcher.insert(_docs(f"next{r}", 1)) for r in range(4)), first)
    assert counted.calls == 2
    assert await collection.count_documents({}) == 5
