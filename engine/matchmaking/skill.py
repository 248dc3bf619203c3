"""Skill: one openskill (Plackett-Luce) rating per user, the evidence a finished session gives, the band
shown to a proposed partner, and the skill window that widens while a ticket waits.

A session is scored as a game against the problem: the problem is a virtual player whose rating depends
on its difficulty, and the user's performance in the session (accepted submission or best pass ratio,
the peer's overall feedback rating, later the report score) decides win, draw or loss. Pure: the same
evidence always gives the same rating. Invariant: `sigma` never grows past the prior's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from openskill.models import PlackettLuce

from engine.problems.model import Difficulty

MU: Final = 25.0
SIGMA: Final = MU / 3
WIDEN_EVERY_S: Final = 15.0
"""The skill window is +-1 sigma at first and one sigma wider every 15 s of waiting."""
OPEN_AFTER_S: Final = 60.0
"""From this wait on, skill no longer constrains the match (the widening bound)."""
WIN_AT: Final = 0.6
LOSS_BELOW: Final = 0.4
BENCHMARK: Final[dict[Difficulty | None, float]] = {
    Difficulty.EASY: 20.0,
    Difficulty.MEDIUM: 25.0,
    Difficulty.HARD: 30.0,
    None: 25.0,
}
BENCHMARK_SIGMA: Final = 1.0
PROVISIONAL_SIGMA: Final = 6.0
_MODEL: Final = PlackettLuce(mu=MU, sigma=SIGMA)


@dataclass(frozen=True)
class Skill:
    mu: float = MU
    sigma: float = SIGMA


class BandLabel(StrEnum):
    NOVICE = "novice"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"


@dataclass(frozen=True)
class Band:
    """What a partner is told: a coarse label, a rounded range, and whether it is still provisional."""

    label: BandLabel
    low: int
    high: int
    provisional: bool


def band(skill: Skill) -> Band:
    if skill.mu < 21:
        label = BandLabel.NOVICE
    elif skill.mu < 27:
        label = BandLabel.INTERMEDIATE
    elif skill.mu < 33:
        label = BandLabel.ADVANCED
    else:
        label = BandLabel.EXPERT
    return Band(
        label=label,
        low=max(0, math.floor(skill.mu - skill.sigma)),
        high=math.ceil(skill.mu + skill.sigma),
        provisional=skill.sigma > PROVISIONAL_SIGMA,
    )


def window(sigma: float, waited_s: float) -> float:
    """How far apart two mus may be for a ticket that waited `waited_s` (infinite from OPEN_AFTER_S)."""
    if waited_s >= OPEN_AFTER_S:
        return math.inf
    return sigma * (1 + math.floor(max(0.0, waited_s) / WIDEN_EVERY_S))


def window_step(waited_s: float) -> int:
    """Which widening step a ticket is at (0 .. OPEN_AFTER_S / WIDEN_EVERY_S); changes re-check it."""
    return min(math.floor(max(0.0, waited_s) / WIDEN_EVERY_S), math.ceil(OPEN_AFTER_S / WIDEN_EVERY_S))


@dataclass(frozen=True)
class SessionEvidence:
    """What one finished session says about one participant (each part optional)."""

    session_id: str
    finished_at: datetime
    difficulty: Difficulty | None
    solved: bool = False
    best_pass_ratio: float | None = None
    peer_overall: float | None = None
    """The mean overall rating (1..5) the peers gave this user."""
    report_score: float | None = None
    """0..100 from the session report, once reports exist."""


def performance(evidence: SessionEvidence) -> float | None:
    """0..1, the mean of the parts the session has; None when it says nothing about the user."""
    parts: list[float] = []
    if evidence.solved:
        parts.append(1.0)
    elif evidence.best_pass_ratio is not None:
        parts.append(min(1.0, max(0.0, evidence.best_pass_ratio)))
    if evidence.peer_overall is not None:
        parts.append(min(1.0, max(0.0, (evidence.peer_overall - 1) / 4)))
    if evidence.report_score is not None:
        parts.append(min(1.0, max(0.0, evidence.report_score / 100)))
    return sum(parts) / len(parts) if parts else None


def rate(skill: Skill, evidence: SessionEvidence) -> Skill:
    """The rating after one session: a game against the problem's benchmark (win, draw or loss)."""
    score = performance(evidence)
    if score is None:
        return skill
    ranks = [1.0, 2.0] if score >= WIN_AT else [2.0, 1.0] if score < LOSS_BELOW else [1.0, 1.0]
    player = _MODEL.rating(mu=skill.mu, sigma=skill.sigma)
    bench = _MODEL.rating(mu=BENCHMARK[evidence.difficulty], sigma=BENCHMARK_SIGMA)
    [[after], _] = _MODEL.rate([[player], [bench]], ranks=ranks)
    return Skill(mu=after.mu, sigma=min(after.sigma, SIGMA))


def fold(skill: Skill, evidence: Iterable[SessionEvidence]) -> Skill:
    """Apply sessions in the order they finished."""
    for item in sorted(evidence, key=lambda e: (e.finished_at, e.session_id)):
        skill = rate(skill, item)
    return skill
