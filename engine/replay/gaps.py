"""Idle-gap compression: a playback clock in which no stretch without activity lasts more than
`max_idle_ms`.

Theory: activity moments (edits, marks, the session's start and end) are sorted; between two consecutive
moments more than `max_idle_ms` apart, real time is cut down to `max_idle_ms` of playback. A moment
inside a cut gap plays at most `max_idle_ms` after the gap's start. The mapping is monotonic, so seeking
on the playback axis keeps the order of everything.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class IdleGap:
    start_ms: int
    end_ms: int
    saved_ms: int


@dataclass(frozen=True)
class PlaybackClock:
    origin_ms: int
    moments: tuple[int, ...]
    offsets: tuple[int, ...]
    """Playback position (ms from the origin) of each moment."""
    max_idle_ms: int | None
    gaps: tuple[IdleGap, ...]

    def play(self, at_ms: int) -> int:
        """The playback position of a real moment (clamped to the origin)."""
        if not self.moments or at_ms <= self.moments[0]:
            return max(0, at_ms - self.origin_ms)
        i = bisect_right(self.moments, at_ms) - 1
        since = at_ms - self.moments[i]
        if self.max_idle_ms is not None:
            since = min(since, self.max_idle_ms)
        return self.offsets[i] + since

    @property
    def duration_ms(self) -> int:
        return self.offsets[-1] if self.offsets else 0


def playback_clock(origin_ms: int, end_ms: int, moments: list[int], max_idle_ms: int | None) -> PlaybackClock:
    points = sorted({origin_ms, end_ms, *(m for m in moments if origin_ms <= m <= end_ms)})
    offsets = [0]
    gaps: list[IdleGap] = []
    for before, after in pairwise(points):
        step = after - before
        if max_idle_ms is not None and step > max_idle_ms:
            gaps.append(IdleGap(before, after, step - max_idle_ms))
            step = max_idle_ms
        offsets.append(offsets[-1] + step)
    return PlaybackClock(origin_ms, tuple(points), tuple(offsets), max_idle_ms, tuple(gaps))
