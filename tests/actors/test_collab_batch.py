"""A socket's binary frames handled as one batch by the room actor: replies in order, one merged
update published and stored, and a malformed frame stops the batch after the frames before it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pycrdt import Doc, Text

from actors.collab import MERGE_MAX_BYTES
from actors.room import CreateSpec, RoomActor, RoomRuntime
from engine.collab.wire import FrameKind, encode, parse_frame
from engine.errors import InvalidInput
from engine.room import Join, RoomMode
from engine.room.state import RoomSettings
from gateway.services import Services

pytestmark = pytest.mark.anyio


async def _actor(services: Services) -> tuple[RoomActor, str]:
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    host = str(uuid.uuid4())
    actor = RoomActor(str(uuid.uuid4()), runtime)
    spec = CreateSpec(
        code=uuid.uuid4().hex[:6].upper(),
        mode=RoomMode.PEER,
        host_id=host,
        settings=RoomSettings(name="batch", is_private=False),
        problem_id=None,
        language="python",
    )
    await actor.create(spec)
    await actor.execute(Join(str(uuid.uuid4())))
    return actor, host


def _typed(peer: Doc[Any], text: str) -> bytes:
    before = peer.get_state()
    code = peer.get("code:python", type=Text)
    code.insert(len(str(code)), text)
    return encode(FrameKind.SYNC_UPDATE, peer.get_update(before))


async def _sync_frames(actor: RoomActor) -> list[bytes]:
    batch = await actor.wait_events(0, 0.01)
    return [e.data["frame"] for e in batch.entries if e.type == "y-sync"]


async def test_a_batch_is_applied_in_order_and_published_once(services: Services) -> None:
    actor, host = await _actor(services)
    peer: Doc[Any] = Doc()
    frames = [_typed(peer, "a = 1\n"), encode(FrameKind.SYNC_STEP1, Doc().get_state())]
    frames += [_typed(peer, "b = 2\n"), _typed(peer, "print(a + b)\n")]
    replies = await actor.receive(host, frames)
    assert [parse_frame(r).kind for r in replies] == [FrameKind.SYNC_STEP2]
    assert (await actor.code()) == ("python", "a = 1\nb = 2\nprint(a + b)\n")
    published = await _sync_frames(actor)
    assert len(published) == 1
    fresh: Doc[Any] = Doc()
    fresh.apply_update(parse_frame(published[0]).payload)
    assert str(fresh.get("code:python", type=Text)) == "a = 1\nb = 2\nprint(a + b)\n"


async def test_a_malformed_frame_keeps_the_frames_before_it(services: Services) -> None:
    actor, host = await _actor(services)
    peer: Doc[Any] = Doc()
    good = _typed(peer, "kept = True\n")
    later = _typed(peer, "lost = True\n")
    with pytest.raises(InvalidInput):
        await actor.receive(host, [good, b"\x00\x09\xff", later])
    assert (await actor.code())[1] == "kept = True\n"
    assert len(await _sync_frames(actor)) == 1


async def test_large_updates_are_not_merged_past_the_cap(services: Services) -> None:
    actor, host = await _actor(services)
    peer: Doc[Any] = Doc()
    big = [_typed(peer, "x" * (MERGE_MAX_BYTES // 2 + 1)) for _ in range(3)]
    small = [_typed(peer, "y") for _ in range(10)]
    await actor.receive(host, [*big, *small])
    published = await _sync_frames(actor)
    assert len(published) == 3  # each big update alone; the small ones ride with the last big one
    assert all(len(frame) <= MERGE_MAX_BYTES + 64 for frame in published)
    fresh: Doc[Any] = Doc()
    for frame in published:
        fresh.apply_update(parse_frame(frame).payload)
    assert str(fresh.get("code:python", type=Text)) == str(peer.get("code:python", type=Text))


async def test_updates_of_one_flush_are_stored_as_one(services: Services) -> None:
    """Three keystrokes that arrived one by one within a flush window: one stored update (not three),
    from which a restarted actor rebuilds the same text."""
    actor, host = await _actor(services)
    peer: Doc[Any] = Doc()
    for text in ("a", "b", "c"):
        await actor.receive(host, [_typed(peer, text)])
    await actor.quiesce()
    stored = await services.mongo.db["doc_updates"].count_documents({"roomId": actor._room_id})
    assert stored == 1
    runtime = RoomRuntime(services.config.mongodb_uri, services.config.settings.mongodb_database)
    assert (await RoomActor(actor._room_id, runtime).code())[1] == "abc"
