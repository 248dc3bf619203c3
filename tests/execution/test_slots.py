"""The slot pool: one job per uid at a time in this process, and across processes on the machine."""

from __future__ import annotations

import asyncio
import socket

import pytest

from actors.slots import SlotPool

pytestmark = pytest.mark.anyio


async def _settle() -> None:
    """Let every ready task run until it blocks (acquisition is synchronous when a uid is free)."""
    for _ in range(20):
        await asyncio.sleep(0)  # bounded-poll: yield so ready tasks run


async def _take(pool: SlotPool, taken: list[int], release: asyncio.Event) -> None:
    async with pool.slot() as uid:
        taken.append(uid)
        await release.wait()


async def test_slot_pool_hands_each_uid_to_one_job_at_a_time() -> None:
    pool = SlotPool([71001, 71002])
    taken: list[int] = []
    release = asyncio.Event()
    async with asyncio.TaskGroup() as tasks:
        for _ in range(3):
            tasks.create_task(_take(pool, taken, release))
        await _settle()
        assert sorted(taken) == [71001, 71002]
        release.set()
    assert sorted(taken[:2]) == [71001, 71002]
    assert taken[2] in {71001, 71002}


async def test_slot_pool_skips_uids_another_process_holds() -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as other_process:
        other_process.bind("\0syncode-sandbox-slot-71003")
        pool = SlotPool([71003, 71004])
        async with pool.slot() as uid:
            assert uid == 71004


async def test_slot_pool_waits_for_a_uid_another_process_releases() -> None:
    pool = SlotPool([71005])
    holder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    holder.bind("\0syncode-sandbox-slot-71005")
    taken: list[int] = []
    release = asyncio.Event()
    release.set()
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(_take(pool, taken, release))
        await _settle()
        assert taken == []
        holder.close()
    assert taken == [71005]


async def test_slot_pool_releases_the_uid_when_the_job_fails() -> None:
    pool = SlotPool([71006])
    with pytest.raises(RuntimeError):
        async with pool.slot():
            raise RuntimeError("job failed")
    async with pool.slot() as uid:
        assert uid == 71006
