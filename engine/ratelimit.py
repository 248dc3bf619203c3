"""Fixed-window rate limiting arithmetic: which window a moment falls in and how long until it ends."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Window:
    """A counting window: `[start, start + length_s)`."""

    start_epoch_s: int
    length_s: int

    def retry_after_s(self, now: datetime) -> int:
        """Whole seconds until the window ends (at least 1)."""
        remaining = self.start_epoch_s + self.length_s - now.timestamp()
        return max(1, math.ceil(remaining))


def window_for(now: datetime, length_s: int) -> Window:
    epoch = int(now.timestamp())
    return Window(start_epoch_s=epoch - epoch % length_s, length_s=length_s)


def allowed(count_after_increment: int, limit: int) -> bool:
    return count_after_increment <= limit
