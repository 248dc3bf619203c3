"""What a viewer may see of a judged submission (issue 10: a hidden input read back byte by byte
through `sys.exit(ord(stdin[k]))`, a sleep, or an allocation of `ord(c)` MB).

Invariant: to a viewer who is not an admin, a hidden case shows its index, `passed`, `timedOut`, its
verdict class and that it is hidden; every other field — anything the program's behaviour on the hidden
input could have shaped: exit code, wall and CPU time, memory, output, messages — is None. The rule is
a whitelist (`HIDDEN_CASE_SHOWS`), so a field added to the stored case later stays hidden until someone
decides otherwise.

Aggregates follow the same rule: a non-admin's total duration sums the visible cases only (with one
hidden case, the total minus the visible durations would be its duration), and is None when every case
is hidden. Counts (`passed`, `failed`, `errors`) only repeat what each case's `passed` already shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

HIDDEN_CASE_SHOWS: Final = frozenset({"testCaseIndex", "passed", "timedOut", "verdict", "isHidden"})


@dataclass(frozen=True)
class Tally:
    """A submission's counters, from its stored cases (the reference's aggregation, §8.6)."""

    passed: int
    failed: int
    errors: int
    total_duration_ms: int
    visible_duration_ms: int | None

    def payload(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "totalDurationMs": self.total_duration_ms,
            "visibleDurationMs": self.visible_duration_ms,
        }


def _duration(case: Mapping[str, Any]) -> int:
    return int(case.get("durationMs") or 0)


def tally(cases: Sequence[Mapping[str, Any]]) -> Tally:
    """`passed` true / false / None counted; durations over all cases and over the visible ones."""
    visible = [case for case in cases if not case.get("isHidden")]
    return Tally(
        passed=sum(case.get("passed") is True for case in cases),
        failed=sum(case.get("passed") is False for case in cases),
        errors=sum(case.get("passed") is None for case in cases),
        total_duration_ms=sum(_duration(case) for case in cases),
        visible_duration_ms=sum(_duration(case) for case in visible) if visible else None,
    )


def total_duration_ms(stored: Mapping[str, Any], admin: bool) -> int | None:
    """The duration a viewer may see of a finished submission's stored result."""
    key = "totalDurationMs" if admin else "visibleDurationMs"
    value = stored.get(key)
    return int(value) if value is not None else None


def case_view(stored: Mapping[str, Any], admin: bool) -> dict[str, Any]:
    """One stored case as the API names its fields, redacted for a non-admin when it is hidden."""
    view = {
        "testCaseIndex": int(stored["index"]),
        "passed": stored.get("passed"),
        "expectedOutput": stored.get("expectedOutput"),
        "actualOutput": stored.get("actualOutput"),
        "stdout": stored.get("stdout"),
        "stderr": stored.get("stderr"),
        "exitCode": stored.get("exitCode"),
        "durationMs": stored.get("durationMs"),
        "memoryUsageMb": stored.get("memoryUsageMb"),
        "timedOut": bool(stored.get("timedOut")),
        "errorMessage": stored.get("error"),
        "isHidden": bool(stored.get("isHidden")),
        "verdict": stored.get("verdict"),
        "cpuTimeMs": stored.get("cpuTimeMs"),
        "outputTruncated": stored.get("outputTruncated"),
    }
    if view["isHidden"] and not admin:
        return {key: (value if key in HIDDEN_CASE_SHOWS else None) for key, value in view.items()}
    return view


def case_views(stored: Sequence[Mapping[str, Any]], admin: bool) -> list[dict[str, Any]]:
    """Every stored case, ordered by index."""
    return sorted((case_view(case, admin) for case in stored), key=lambda case: case["testCaseIndex"])
