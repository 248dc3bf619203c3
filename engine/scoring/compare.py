"""Comparing reports across sessions (reference §11.5): per dimension the values in time order, the
successive deltas and a trend from their mean: >= +2 improving, <= -2 declining, else stable (fewer than
two values: stable).

Invariant: pure; the input order is the time order of the sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Final

from engine.scoring.model import Dimension

TREND_DELTA: Final = 2.0
KEYS: Final = (*(d.value for d in Dimension), "overall")


def trend(values: Sequence[float]) -> str:
    if len(values) < 2:
        return "stable"
    deltas = [b - a for a, b in pairwise(values)]
    mean = sum(deltas) / len(deltas)
    return "improving" if mean >= TREND_DELTA else "declining" if mean <= -TREND_DELTA else "stable"


def compare(scores: Sequence[dict[str, float]]) -> dict[str, dict[str, Any]]:
    """`scores`: one `{dimension: score, "overall": score}` per session, oldest first."""
    result: dict[str, dict[str, Any]] = {}
    for key in KEYS:
        values = [float(s[key]) for s in scores if key in s]
        deltas = [round(b - a, 2) for a, b in pairwise(values)]
        result[key] = {"values": values, "deltas": deltas, "trend": trend(values)}
    return result
