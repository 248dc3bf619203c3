"""Weakness signals from a completed report (reference §9.8, heuristic stage): the eight categories,
classified from each weak dimension's feedback and the static analysis, with a trend against the
user's recent reports.

Invariant: pure; a dimension scoring >= 85 yields no signal; a category appears at most once (its
lowest score wins); trend: >= avg + 3 improving, <= avg - 3 worsening, else stable (no history: stable).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from engine.interview.weakness import DESCRIPTIONS, WeaknessCategory
from engine.scoring.model import Dimension

C = WeaknessCategory
WEAK_BELOW: Final = 85
TREND_POINTS: Final = 3
HISTORY: Final = 5
RULES: Final = (
    (re.compile(r"off-by-one|index|boundary", re.I), C.OFF_BY_ONE),
    (re.compile(r"input validation|validate|invalid input|empty input", re.I), C.INPUT_VALIDATION),
    (re.compile(r"space|memory", re.I), C.SPACE_COMPLEXITY),
    (
        re.compile(r"time complexity|runtime|quadratic|O\(n\^2\)|optimi[sz]e|timed out|loop nesting", re.I),
        C.TIME_COMPLEXITY,
    ),
    (re.compile(r"variable|naming|identifier", re.I), C.VARIABLE_NAMING),
    (re.compile(r"structure|dead code|duplicat|readab|modular|static analysis|todo", re.I), C.CODE_STRUCTURE),
    (re.compile(r"communicat|explain|trade-off|reasoning|questions", re.I), C.COMMUNICATION),
    (re.compile(r"edge|corner|hidden|failing|failure|not accepted|no submission", re.I), C.EDGE_CASES),
)
COMPATIBLE: Final = {
    Dimension.CORRECTNESS: {C.EDGE_CASES, C.OFF_BY_ONE, C.INPUT_VALIDATION},
    Dimension.EFFICIENCY: {C.TIME_COMPLEXITY, C.SPACE_COMPLEXITY},
    Dimension.CODE_QUALITY: {C.CODE_STRUCTURE, C.VARIABLE_NAMING, C.INPUT_VALIDATION},
    Dimension.COMMUNICATION: {C.COMMUNICATION},
    Dimension.PROBLEM_SOLVING: {C.EDGE_CASES, C.OFF_BY_ONE, C.TIME_COMPLEXITY},
}
DEFAULTS: Final = {
    Dimension.CORRECTNESS: C.EDGE_CASES,
    Dimension.EFFICIENCY: C.TIME_COMPLEXITY,
    Dimension.CODE_QUALITY: C.CODE_STRUCTURE,
    Dimension.COMMUNICATION: C.COMMUNICATION,
    Dimension.PROBLEM_SOLVING: C.EDGE_CASES,
}


@dataclass(frozen=True)
class Signal:
    category: WeaknessCategory
    description: str
    score: int
    trend: str


def classify(dimension: Dimension, text: str) -> WeaknessCategory:
    for pattern, category in RULES:
        if category in COMPATIBLE[dimension] and pattern.search(text):
            return category
    return DEFAULTS[dimension]


def trend(score: float, history: Sequence[float]) -> str:
    if not history:
        return "stable"
    average = sum(history) / len(history)
    return (
        "improving"
        if score >= average + TREND_POINTS
        else "worsening"
        if score <= average - TREND_POINTS
        else "stable"
    )


def _static_categories(static: Sequence[Mapping[str, Any]]) -> list[WeaknessCategory]:
    found: list[WeaknessCategory] = []
    for report in static:
        summary = report.get("summary") or {}
        if summary.get("highComplexityCount") or summary.get("duplicationCount"):
            found.append(C.CODE_STRUCTURE)
        messages = " ".join(str(d.get("message", "")) for d in report.get("diagnostics") or ())
        if re.search(r"naming|name|identifier", messages, re.I):
            found.append(C.VARIABLE_NAMING)
        if re.search(r"input|parse", messages, re.I):
            found.append(C.INPUT_VALIDATION)
    return found


def signals(report: Mapping[str, Any], history: Sequence[Mapping[str, float]]) -> list[Signal]:
    """`report`: the report document; `history`: category scores of the user's earlier reports, newest
    first (only the 5 most recent count)."""
    dims: Mapping[str, Any] = report.get("dimensions") or {}
    best: dict[WeaknessCategory, Signal] = {}
    for dimension in Dimension:
        scored = dims.get(dimension.value) or {}
        score = int(scored.get("score", 100))
        if score >= WEAK_BELOW:
            continue
        category = classify(dimension, str(scored.get("feedback", "")))
        past = [h[dimension.value] for h in history[:HISTORY] if dimension.value in h]
        found = Signal(category, DESCRIPTIONS[category], score, trend(score, past))
        if category not in best or score < best[category].score:
            best[category] = found
    for category in _static_categories(report.get("staticAnalysis") or ()):
        best.setdefault(category, Signal(category, DESCRIPTIONS[category], WEAK_BELOW - 1, "stable"))
    return sorted(best.values(), key=lambda s: (s.score, s.category.value))
