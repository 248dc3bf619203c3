"""Outbox numbering, bounded retention with resync, long-poll wake-ups; the ordered batched writer."""

from __future__ import annotations

import asyncio

import pytest

from actors.outbox import Entry, Outbox
from actors.writer import Writer

pytestmark = pytest.mark.anyio


async def test_outbox_numbers_in_order_and_serves_after() -> None:
    box = Outbox(last_seq=10)
    added = box.append([("a", {"n": 1}), ("b", {"n": 2})], at_ms=5)
    assert [e.seq for e in added] == [11, 12]
    batch = box.after(11)
    assert [e.type for e in batch.entries] == ["b"]
    assert not batch.resync
    assert box.after(12).entries == []


async def test_outbox_drops_oldest_and_asks_for_resync() -> None:
    box = Outbox(capacity=3)
    box.append([(f"e{i}", {}) for i in range(5)], at_ms=0)
    assert box.after(0).resync
    assert [e.seq for e in box.after(2).entries] == [3, 4, 5]
    assert box.after(99).resync


async def test_outbox_long_poll_wakes_on_append_and_times_out() -> None:
    box = Outbox()
    waiter = asyncio.create_task(box.wait_after(0, timeout_s=30))
    box.append([("x", {})], at_ms=0)
    batch = await asyncio.wait_for(waiter, 5)
    assert [e.type for e in batch.entries] == ["x"]
    empty = await box.wait_after(1, timeout_s=0.01)
    assert empty.entries == []
    assert not empty.resync


async def test_writer_persists_in_order_batches_and_reports_durability() -> None:
    written: list[tuple[object, list[int]]] = []
    gate = asyncio.Event()

    async def persist(state: object, entries: list[Entry]) -> None:
        await gate.wait()
        written.append((state, [e.seq for e in entries]))

    writer = Writer(persist)
    box = Outbox()
    writer.submit(1, "s1", box.append([("a", {})], 0))
    writer.submit(2, "s2", box.append([("b", {})], 0))
    writer.submit(3, "s3", box.append([("c", {})], 0))
    gate.set()
    await asyncio.wait_for(writer.durable(3), 5)
    assert [seq for _, batch in written for seq in batch] == [1, 2, 3]
    assert written[-1][0] == "s3"
    await writer.close()


async def test_writer_retries_a_failed_write() -> None:
    attempts: list[int] = []

    async def flaky(state: object, entries: list[Entry]) -> None:
        attempts.append(len(entries))
        if len(attempts) == 1:
            raise ConnectionError("database blip")

    writer = Writer(flaky)
    writer.submit(1, "s", Outbox().append([("a", {})], 0))
    await asyncio.wait_for(writer.durable(1), 5)
    assert attempts == [1, 1]
    await writer.close()
