"""engine/replay (pure): keyframes, ranges, seeking, windows and idle-gap compression; the edit log's
coarse entries past its bound (RoomDocument with the real store)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from pycrdt import Doc, Text

import storage.edit_log
from actors.collab import RoomDocument
from engine.collab.wire import FrameKind, encode
from engine.replay.frames import build_frames, code_at
from engine.replay.gaps import playback_clock
from engine.replay.model import EditEntry
from engine.replay.window import window
from storage.documents import DocumentStore
from tests.support import unique


def _typed(script: list[tuple[int, str, str]]) -> list[EditEntry]:
    """Entries for (time, author, chunk) appended to code:python, one update each."""
    doc: Doc[Any] = Doc()
    text = doc.get("code:python", type=Text)
    entries = []
    for seq, (at, author, chunk) in enumerate(script):
        before = doc.get_state()
        text += chunk
        entries.append(EditEntry(seq, at, (author,), doc.get_update(before)))
    return entries


SCRIPT = [(900, "server", "# "), (1_100, "a", "x"), (1_200, "a", "y"), (2_500, "b", "z"), (61_000, "a", "!")]


def test_frames_keyframes_hold_everything_up_to_their_moment() -> None:
    frames = build_frames(_typed(SCRIPT), 1_000, 62_000, 30_000)
    assert [k.at_ms for k in frames.keyframes] == [1_000, 31_000, 61_000, 62_000]
    assert [k.seq for k in frames.keyframes] == [0, 3, 4, 4]
    assert [(r.first_seq, r.last_seq, r.authors) for r in frames.ranges] == [
        (1, 2, ("a",)),
        (3, 3, ("b",)),
        (4, 4, ("a",)),
    ]
    last: Doc[Any] = Doc()
    last.apply_update(frames.keyframes[-1].state)
    assert str(last.get("code:python", type=Text)) == "# xyz!"


def test_frames_code_at_is_exact_per_entry() -> None:
    entries = _typed(SCRIPT)
    assert code_at(entries, 899) == {}
    assert code_at(entries, 1_150) == {"python": "# x"}
    assert code_at(entries, 2_500) == {"python": "# xyz"}


def test_frames_window_has_a_base_keyframe_and_the_ranges_after_it() -> None:
    frames = build_frames(_typed(SCRIPT), 1_000, 62_000, 30_000)
    part = window(frames, 40_000, 61_500)
    assert [k.at_ms for k in part.keyframes] == [31_000, 61_000]
    assert [r.first_seq for r in part.ranges] == [4]
    assert window(frames, None, None) == frames


def test_gaps_idle_stretches_are_cut_to_the_limit() -> None:
    clock = playback_clock(0, 100_000, [1_000, 2_000, 90_000], 5_000)
    assert [clock.play(m) for m in (0, 1_000, 2_000, 50_000, 90_000, 100_000)] == [
        0,
        1_000,
        2_000,
        7_000,
        7_000,
        12_000,
    ]
    assert clock.duration_ms == 12_000
    assert [(g.start_ms, g.end_ms, g.saved_ms) for g in clock.gaps] == [
        (2_000, 90_000, 83_000),
        (90_000, 100_000, 5_000),
    ]
    plain = playback_clock(0, 100_000, [1_000], None)
    assert plain.play(50_000) == 50_000 and plain.duration_ms == 100_000 and not plain.gaps


@pytest.mark.anyio
async def test_edit_log_turns_coarse_past_its_bound(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.edit_log, "LOG_MAX_ENTRIES", 3)
    store, room_id, clock = DocumentStore(app.state.services.mongo), unique("room"), [0]
    document = RoomDocument(room_id, store, lambda _: None, now_ms=lambda: clock[0])
    await document.load()
    writer: Doc[Any] = Doc()
    text = writer.get("code:python", type=Text)
    for i in range(10):
        clock[0] = 1_000 * (i + 1) + (20_000 if i >= 6 else 0)
        before = writer.get_state()
        text += str(i)
        document.receive(f"user{i % 2}", True, [encode(FrameKind.SYNC_UPDATE, writer.get_update(before))])
        await document.flush()
    await document.close()
    entries = await store.edits.read(room_id)
    assert [e.at_ms for e in entries][:3] == [1_000, 2_000, 3_000]  # one entry per update within the bound
    coarse = entries[3:]
    assert [(e.at_ms, e.authors) for e in coarse] == [
        (6_000, ("user1", "user0")),
        (30_000, ("user0", "user1")),
    ]
    assert code_at(entries, 100_000) == {"python": "0123456789"}
    assert code_at(entries, 6_000) == {"python": "012345"}
    assert code_at(entries, 29_000) == {"python": "012345"}  # past the bound: 10-second steps
