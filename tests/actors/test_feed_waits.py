"""A host's many-room long poll (RoomHost.wait_many) as a plain object on the real database: answered
for the room with news, carrying every other room's newer position; a gateway's own relayed frames
never wake it; a newer poll of the same gateway answers the older one at once; another incarnation's
cursor, a room that is not live, and a timeout are all answered."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pycrdt import Doc, Text

from actors.feed_waits import Cursor, FeedReply
from actors.room_host import RoomHost
from engine.collab.wire import FrameKind, encode
from gateway.services import Services
from tests.actors.test_room_host import _create, _host
from tests.support import wait_until

pytestmark = pytest.mark.anyio


def _typed(text: str) -> bytes:
    peer: Doc[Any] = Doc()
    before = peer.get_state()
    peer.get("code:python", type=Text).insert(0, text)
    return encode(FrameKind.SYNC_UPDATE, peer.get_update(before))


async def _cursors(host: RoomHost, *rooms: str) -> dict[str, Cursor]:
    states = [await host.call(r, "state") for r in rooms]
    return {r: (s.seq, s.epoch) for r, s in zip(rooms, states, strict=True)}


async def _open(host: RoomHost, gateway: str, cursors: dict[str, Cursor]) -> asyncio.Task[FeedReply]:
    before = (await host.load())["feedPolls"]
    poll = asyncio.create_task(host.wait_many(gateway, cursors, 30.0))

    async def waiting() -> bool:
        return poll.done() or (await host.load())["feedPolls"] > before

    await wait_until(waiting, timeout_s=10)
    return poll


async def test_news_of_one_room_answers_with_the_positions_of_the_others(services: Services) -> None:
    host = _host(services)
    (a, owner), (b, _) = await _create(host, services), await _create(host, services)
    cursors = await _cursors(host, a, b)
    poll = await _open(host, "gw-1", cursors)
    await host.call(a, "relayed", "gw-1", [(owner, [_typed("x = 1\n")])])
    assert await host.announce(b, "timer-started", {"seconds": 60})
    reply = await asyncio.wait_for(poll, 10)
    assert reply.gone == [] and reply.moved == []
    assert [e.type for e in reply.batches[b].entries] == ["timer-started"]
    carried = reply.batches[a]
    assert carried.entries == [] and carried.last_seq > cursors[a][0]
    assert (await host.load())["feedPolls"] == 0


async def test_another_gateway_is_woken_by_relayed_frames(services: Services) -> None:
    host = _host(services)
    room, owner = await _create(host, services)
    poll = await _open(host, "gw-2", await _cursors(host, room))
    await host.call(room, "relayed", "gw-1", [(owner, [_typed("y = 2\n")])])
    reply = await asyncio.wait_for(poll, 10)
    assert [e.type for e in reply.batches[room].entries] == ["y-sync"]


async def test_a_newer_poll_of_the_same_gateway_answers_the_older_at_once(services: Services) -> None:
    host = _host(services)
    room, _ = await _create(host, services)
    cursors = await _cursors(host, room)
    older = await _open(host, "gw-1", cursors)
    newer = asyncio.create_task(host.wait_many("gw-1", cursors, 30.0))
    assert (await asyncio.wait_for(older, 10)).batches == {}
    await host.announce(room, "timer-started", {"seconds": 60})
    assert [e.type for e in (await asyncio.wait_for(newer, 10)).batches[room].entries] == ["timer-started"]
    assert (await host.load())["feedPolls"] == 0


async def test_restarts_rooms_not_live_and_timeouts_are_answered(services: Services) -> None:
    host = _host(services)
    room, _ = await _create(host, services)
    seq, epoch = (await _cursors(host, room))[room]
    unknown = str(uuid.uuid4())
    reply = await host.wait_many("gw-1", {room: (seq, "an-earlier-incarnation"), unknown: (0, None)}, 30.0)
    assert reply.gone == [unknown]
    assert reply.batches[room].epoch == epoch
    quiet = await host.wait_many("gw-1", {room: (seq, epoch)}, 0.05)
    assert quiet.batches == {} and quiet.gone == []
