"""Training statistics: zero-filled time series over day or week buckets, and streaks.

Input is a list of finished-session facts; output is one bucket per day/week in [from, to] (UTC),
so a client can plot it directly. Weeks start on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from engine.clock import start_of_day
from engine.errors import ErrorCode, InvalidInput
from engine.rules import STATS_MAX_BUCKETS


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True)
class SessionFact:
    """One finished session of the user."""

    finished_at: datetime
    duration_s: int
    problem_id: str | None
    solved: bool
    score: float | None


@dataclass
class BucketStats:
    start: date
    sessions: int = 0
    practice_minutes: int = 0
    problems_solved: int = 0
    scores: list[float] = field(default_factory=list)

    @property
    def average_score(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


def bucket_start(day: date, bucket: Bucket) -> date:
    return day - timedelta(days=day.weekday()) if bucket is Bucket.WEEK else day


def series(facts: list[SessionFact], start: datetime, end: datetime, bucket: Bucket) -> list[BucketStats]:
    """Zero-filled buckets from `start` to `end` inclusive; facts outside the range are ignored."""
    if end < start:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "from must not be after to", {"from": "after to"})
    first = bucket_start(start_of_day(start).date(), bucket)
    last = bucket_start(start_of_day(end).date(), bucket)
    step = timedelta(days=7 if bucket is Bucket.WEEK else 1)
    if (last - first) // step + 1 > STATS_MAX_BUCKETS:
        raise InvalidInput(ErrorCode.VALIDATION_FAILED, "Range too long", {"from": "too many buckets"})
    buckets: dict[date, BucketStats] = {}
    cursor = first
    while cursor <= last:
        buckets[cursor] = BucketStats(start=cursor)
        cursor += step
    for fact in facts:
        if not start <= fact.finished_at <= end:
            continue
        entry = buckets[bucket_start(fact.finished_at.date(), bucket)]
        entry.sessions += 1
        entry.practice_minutes += fact.duration_s // 60
        entry.problems_solved += int(fact.solved)
        if fact.score is not None:
            entry.scores.append(fact.score)
    return list(buckets.values())


def streak_days(active_days: set[date], today: date) -> int:
    """Consecutive days with a session ending today (or yesterday, if today has none yet)."""
    day = today if today in active_days else today - timedelta(days=1)
    streak = 0
    while day in active_days:
        streak += 1
        day -= timedelta(days=1)
    return streak
