"""Replay frames from an edit log (pycrdt, no I/O): keyframes every `interval_ms` plus update ranges.

Theory of operation: the log's entries are applied in order to one document. Keyframe k holds the whole
document state (a Yjs update) at `origin + k * interval` (everything logged up to and including that
millisecond); entries logged before the origin (starter code, edits while waiting) are folded into
keyframe 0. A last keyframe sits at the end. Between keyframes the entries are grouped into ranges: runs of
consecutive entries of one author spanning at most `range_max_ms`, merged into one update. A client seeks
to a moment by loading the last keyframe at or before it and applying the ranges after that keyframe
whose end is at or before the moment; seeking at exact entry precision is `code_at`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, Text

from engine.collab.document import apply_update, full_update, merge_updates
from engine.replay.model import EditEntry

CODE_PREFIX = "code:"
RANGE_MAX_MS = 1000
"""A range never spans more than this: a client seeking inside it is off by at most this much."""


@dataclass(frozen=True)
class Keyframe:
    at_ms: int
    seq: int
    """The last log entry it contains (-1: none)."""
    state: bytes


@dataclass(frozen=True)
class UpdateRange:
    first_seq: int
    last_seq: int
    start_ms: int
    end_ms: int
    authors: tuple[str, ...]
    update: bytes


@dataclass(frozen=True)
class ReplayFrames:
    origin_ms: int
    end_ms: int
    interval_ms: int
    keyframes: tuple[Keyframe, ...]
    ranges: tuple[UpdateRange, ...]


def keyframe_times(origin_ms: int, end_ms: int, interval_ms: int) -> list[int]:
    times = list(range(origin_ms, max(origin_ms, end_ms) + 1, interval_ms))
    if times[-1] != max(origin_ms, end_ms):
        times.append(max(origin_ms, end_ms))
    return times


def build_frames(
    entries: list[EditEntry], origin_ms: int, end_ms: int, interval_ms: int, range_max_ms: int = RANGE_MAX_MS
) -> ReplayFrames:
    """Keyframes and ranges of the log between `origin_ms` and `end_ms` (entries after the end are
    left out: they are not part of the session)."""
    doc: Doc[Any] = Doc()
    keyframes: list[Keyframe] = []
    ranges: list[UpdateRange] = []
    pending: list[EditEntry] = []
    last_seq = -1
    index = 0
    for moment in keyframe_times(origin_ms, end_ms, interval_ms):
        while index < len(entries) and entries[index].at_ms <= moment:
            entry = entries[index]
            apply_update(doc, entry.update)
            last_seq = entry.seq
            if entry.at_ms > origin_ms:
                pending.append(entry)
            index += 1
        ranges += group_ranges(pending, range_max_ms)
        pending = []
        keyframes.append(Keyframe(moment, last_seq, full_update(doc)))
    return ReplayFrames(origin_ms, max(origin_ms, end_ms), interval_ms, tuple(keyframes), tuple(ranges))


def group_ranges(entries: list[EditEntry], range_max_ms: int) -> list[UpdateRange]:
    """Runs of consecutive entries with the same authors within `range_max_ms`, each merged."""
    runs: list[list[EditEntry]] = []
    for entry in entries:
        run = runs[-1] if runs else None
        if run and run[0].authors == entry.authors and entry.at_ms - run[0].at_ms <= range_max_ms:
            run.append(entry)
        else:
            runs.append([entry])
    return [
        UpdateRange(
            run[0].seq,
            run[-1].seq,
            run[0].at_ms,
            run[-1].at_ms,
            run[0].authors,
            merge_updates([e.update for e in run]),
        )
        for run in runs
    ]


def document_at(entries: Iterable[EditEntry], at_ms: int) -> Doc[Any]:
    """The document as it was at `at_ms`: every entry logged up to and including that millisecond."""
    doc: Doc[Any] = Doc()
    for entry in entries:  # applying one by one is ~10x faster than merging thousands first
        if entry.at_ms <= at_ms:
            apply_update(doc, entry.update)
    return doc


def codes(doc: Doc[Any]) -> dict[str, str]:
    """The code per language (`code:<language>` texts) of a document."""
    return {
        name.removeprefix(CODE_PREFIX): str(doc.get(name, type=Text))
        for name in sorted(doc.keys())
        if name.startswith(CODE_PREFIX)
    }


def code_at(entries: Iterable[EditEntry], at_ms: int) -> dict[str, str]:
    return codes(document_at(entries, at_ms))
