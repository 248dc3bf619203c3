"""Weaknesses seen in one room (reference §9.8 categories): what the candidate's results, findings, review
and conversation show, each with its evidence count.

Invariant: a weakness is reported only with evidence from this room; its category is one of the
reference's eight; the list is sorted by frequency, then category.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum


class WeaknessCategory(StrEnum):
    EDGE_CASES = "edge_cases"
    TIME_COMPLEXITY = "time_complexity"
    SPACE_COMPLEXITY = "space_complexity"
    VARIABLE_NAMING = "variable_naming"
    CODE_STRUCTURE = "code_structure"
    OFF_BY_ONE = "off_by_one"
    INPUT_VALIDATION = "input_validation"
    COMMUNICATION = "communication"


DESCRIPTIONS = {
    WeaknessCategory.EDGE_CASES: "Tests at the boundaries failed: cover the smallest, largest and degenerate "
    "inputs.",
    WeaknessCategory.TIME_COMPLEXITY: "The solution was slower than the problem needs (time limit or a low "
    "efficiency score).",
    WeaknessCategory.SPACE_COMPLEXITY: "Memory use exceeded the limit or grew more than needed.",
    WeaknessCategory.VARIABLE_NAMING: "Static analysis flagged names (undefined or unclear identifiers).",
    WeaknessCategory.CODE_STRUCTURE: "Functions grew complex or duplicated code.",
    WeaknessCategory.OFF_BY_ONE: "Index or boundary errors crashed the program.",
    WeaknessCategory.INPUT_VALIDATION: "Reading or parsing the input failed.",
    WeaknessCategory.COMMUNICATION: "Little of the reasoning was said out loud.",
}
OFF_BY_ONE = re.compile(r"index ?error|out of (range|bounds)|arrayindexoutofbounds|index out of", re.I)
PARSING = re.compile(r"valueerror|numberformatexception|invalid literal|parse|unexpected end", re.I)
NAMING = re.compile(r"undefined name|not defined|cannot find symbol|undeclared|unused variable", re.I)
REVIEW_THRESHOLD = 85
_BY_DIMENSION = {
    "correctness": WeaknessCategory.EDGE_CASES,
    "efficiency": WeaknessCategory.TIME_COMPLEXITY,
    "codeQuality": WeaknessCategory.CODE_STRUCTURE,
    "communication": WeaknessCategory.COMMUNICATION,
    "problemSolving": WeaknessCategory.EDGE_CASES,
}


@dataclass(frozen=True)
class Evidence:
    """Signals from one room for one user."""

    verdicts: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    finding_messages: tuple[str, ...] = ()
    complex_functions: int = 0
    duplications: int = 0
    review_scores: dict[str, int] | None = None
    candidate_messages: int = 0


@dataclass(frozen=True)
class Weakness:
    category: WeaknessCategory
    description: str
    frequency: int
    score: int | None


def _execution(evidence: Evidence, counts: Counter[WeaknessCategory]) -> None:
    for verdict in evidence.verdicts:
        if verdict == "wrong_answer":
            counts[WeaknessCategory.EDGE_CASES] += 1
        elif verdict == "time_limit_exceeded":
            counts[WeaknessCategory.TIME_COMPLEXITY] += 1
        elif verdict == "memory_limit_exceeded":
            counts[WeaknessCategory.SPACE_COMPLEXITY] += 1
    for error in evidence.errors:
        if OFF_BY_ONE.search(error):
            counts[WeaknessCategory.OFF_BY_ONE] += 1
        elif PARSING.search(error):
            counts[WeaknessCategory.INPUT_VALIDATION] += 1


def weaknesses(evidence: Evidence) -> list[Weakness]:
    counts: Counter[WeaknessCategory] = Counter()
    _execution(evidence, counts)
    counts[WeaknessCategory.VARIABLE_NAMING] += sum(1 for m in evidence.finding_messages if NAMING.search(m))
    counts[WeaknessCategory.CODE_STRUCTURE] += evidence.complex_functions + evidence.duplications
    scores = evidence.review_scores or {}
    for dimension, score in scores.items():
        if score < REVIEW_THRESHOLD and dimension in _BY_DIMENSION:
            counts[_BY_DIMENSION[dimension]] += 1
    if evidence.candidate_messages == 0 and scores:
        counts[WeaknessCategory.COMMUNICATION] += 1
    score_of = {_BY_DIMENSION[d]: s for d, s in scores.items() if d in _BY_DIMENSION}
    found = [
        Weakness(category, DESCRIPTIONS[category], n, score_of.get(category))
        for category, n in counts.items()
        if n > 0
    ]
    return sorted(found, key=lambda w: (-w.frequency, w.category.value))
