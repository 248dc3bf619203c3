"""The orphan sweep against real Ray and SecantusDB: interviewer actors whose room is finished or gone
are ended on the second sweep that finds them so; a live room's and another database's are kept."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest

from actors import cluster, deploy
from actors.sweep import orphans, parse_name, start, sweep_orphans
from gateway.ai_service import interviewer_runtime
from gateway.services import Services
from storage.ops import OpsReader
from tests.support import wait_until

pytestmark = pytest.mark.anyio


def test_orphans_rules() -> None:
    names = [
        "room:a",
        "interviewer:b",
        "interviewer:c",
        "room:d",
        "roomhost:db:0",
        "matchmaker:db",
        "pool:room",
    ]
    statuses = {"a": "finished", "b": "coding", "d": "waiting"}
    assert orphans(names, statuses, foreign=set(), spared=()) == {"room:a", "interviewer:c"}
    assert orphans(names, statuses, foreign={"interviewer:c"}, spared={"a"}) == frozenset()
    assert [parse_name(n) for n in ("room:x", "roomhost:db:0", "interviewer:")] == [("room", "x"), None, None]


async def test_sweep_ends_orphaned_interviewers_on_the_second_sweep(services: Services) -> None:
    ids = {key: str(uuid.uuid4()) for key in ("finished", "live", "gone", "foreign")}
    await services.mongo.db["rooms"].insert_many(
        [{"_id": ids["finished"], "status": "finished"}, {"_id": ids["live"], "status": "coding"}]
    )
    runtime = interviewer_runtime(services.config)
    other = dataclasses.replace(runtime, database=f"other_{uuid.uuid4().hex[:6]}")
    handles = [
        await asyncio.to_thread(deploy.spawn_interviewer, room_id, other if key == "foreign" else runtime)
        for key, room_id in ids.items()
    ]
    await asyncio.wait_for(asyncio.gather(*(h.ping.remote() for h in handles)), 60)  # all started
    ours = {f"interviewer:{room_id}": key for key, room_id in ids.items()}

    async def listed() -> list[str]:
        return [n for n in await asyncio.to_thread(cluster.named_actors) if n in ours]

    async def all_listed() -> bool:
        return len(await listed()) == len(ours)

    await wait_until(all_listed, timeout_s=30)
    rooms, database = OpsReader(services.mongo), services.config.settings.mongodb_database
    try:
        first = await sweep_orphans(await listed(), rooms, database)
        assert first.ended == ()
        assert {ours[n] for n in first.suspects} == {"finished", "gone"}
        second = await sweep_orphans(await listed(), rooms, database, suspects=first.suspects)
        assert {ours[n] for n in second.ended} == {"finished", "gone"}

        async def ended() -> bool:
            return {ours[n] for n in await listed()} == {"live", "foreign"}

        await wait_until(ended, timeout_s=30)
    finally:
        for room_id in ids.values():
            await asyncio.to_thread(cluster.end_actor, f"interviewer:{room_id}")


async def test_sweep_start_is_off_at_zero(services: Services) -> None:
    assert start(OpsReader(services.mongo), "db", 0) is None
