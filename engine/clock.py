"""Time formatting and day arithmetic on aware UTC datetimes (the clock itself is passed in)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def iso_z(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a literal `Z`: 2026-11-28T21:27:09.123Z."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def start_of_day(moment: datetime) -> datetime:
    """Midnight UTC of the day containing `moment`."""
    utc = moment.astimezone(UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)


def next_midnight(moment: datetime) -> datetime:
    """The next UTC midnight after `moment` (when daily quotas reset)."""
    return start_of_day(moment) + timedelta(days=1)
