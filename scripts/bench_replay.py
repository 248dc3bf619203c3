"""Replay benchmark: a 45-minute two-typist session of 25k Yjs updates, built the way the edit log
stores it (one update per keystroke, time and author), then the replay's full build (keyframes every
30 s + update ranges) and `at` seeks. Prints the times and the log's size.

Usage: .venv/bin/python scripts/bench_replay.py [--updates 25000] [--seeks 20]
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from pycrdt import Doc, Text

from engine.replay.frames import build_frames, code_at
from engine.replay.model import EditEntry

SESSION_MS = 45 * 60 * 1000


def typed_log(count: int, rng: random.Random) -> list[EditEntry]:
    """Two typists on two synced documents: mostly inserts of 1 character, some deletes."""
    docs: list[Doc[Any]] = [Doc(), Doc()]
    texts = [d.get("code:python", type=Text) for d in docs]
    sent: list[bytes] = []
    for doc in docs:  # what a client sends: the update of each of its own transactions
        doc.observe(lambda event: sent.append(event.update))
    entries: list[EditEntry] = []
    for seq in range(count):
        who = 0 if (seq // 40) % 2 == 0 else 1  # alternating bursts of 40 keystrokes
        text, other = texts[who], docs[1 - who]
        if len(text) > 10 and rng.random() < 0.15:
            del text[len(text) - 1 : len(text)]
        else:
            text.insert(len(text), rng.choice("abcdefghij (),:=+\n    "))
        update = sent[-1]
        other.apply_update(update)
        sent.clear()
        entries.append(EditEntry(seq, seq * SESSION_MS // count, (f"user{who}",), update))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=25_000)
    parser.add_argument("--seeks", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311 - a benchmark's typing, not a secret
    entries = typed_log(args.updates, rng)
    size = sum(len(e.update) for e in entries)
    stored = size + len(entries) * 110  # per-entry document overhead (id, roomId, seq, at, authors, size)
    started = time.perf_counter()
    frames = build_frames(entries, 0, SESSION_MS, 30_000)
    build_s = time.perf_counter() - started
    seeks = [rng.randrange(SESSION_MS) for _ in range(args.seeks)]
    started = time.perf_counter()
    for at in seeks:
        code_at(entries, at)
    seek_s = (time.perf_counter() - started) / len(seeks)
    final = code_at(entries, SESSION_MS)["python"]
    print(f"updates: {len(entries)}  final code: {len(final)} chars")
    print(f"log size: {size} bytes of updates, ~{stored} bytes stored ({stored / 1024 / 1024:.2f} MiB)")
    print(
        f"full build: {build_s * 1000:.0f} ms ({len(frames.keyframes)} keyframes, {len(frames.ranges)} ranges)"
    )
    print(f"at seek: {seek_s * 1000:.1f} ms mean over {len(seeks)} seeks")


if __name__ == "__main__":
    main()
