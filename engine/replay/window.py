"""Seeking without downloading everything: the part of a replay a client needs for a time window.

A window [from, to] needs the last keyframe at or before `from` (the base), every later keyframe up to
`to`, and the ranges that end after the base keyframe and start at or before `to`.
"""

from __future__ import annotations

from dataclasses import replace

from engine.replay.frames import ReplayFrames


def window(frames: ReplayFrames, from_ms: int | None, to_ms: int | None) -> ReplayFrames:
    if from_ms is None and to_ms is None:
        return frames
    low = frames.origin_ms if from_ms is None else from_ms
    high = frames.end_ms if to_ms is None else to_ms
    earlier = [k for k in frames.keyframes if k.at_ms <= low]
    base = earlier[-1] if earlier else frames.keyframes[0]
    keyframes = tuple(k for k in frames.keyframes if base.at_ms <= k.at_ms <= max(high, base.at_ms))
    ranges = tuple(r for r in frames.ranges if r.last_seq > base.seq and r.start_ms <= high)
    return replace(frames, keyframes=keyframes, ranges=ranges)
