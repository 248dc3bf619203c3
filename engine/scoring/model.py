"""The facts a training report is scored from, and what scoring produces.

Invariant: everything here is plain frozen data read from one session (no I/O); times are aware UTC.
An `Evidence` item always names something of that session: a line of `final_code` (`code_line`,
`code_snippet`) or the moment of one of its events (`event_timestamp`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final


class Dimension(StrEnum):
    CORRECTNESS = "correctness"
    EFFICIENCY = "efficiency"
    CODE_QUALITY = "codeQuality"
    COMMUNICATION = "communication"
    PROBLEM_SOLVING = "problemSolving"


WEIGHTS: Final = {
    Dimension.CORRECTNESS: 0.30,
    Dimension.EFFICIENCY: 0.20,
    Dimension.CODE_QUALITY: 0.15,
    Dimension.COMMUNICATION: 0.15,
    Dimension.PROBLEM_SOLVING: 0.20,
}
"""How the overall score weighs the five dimensions (they sum to 1)."""


class EvidenceType(StrEnum):
    CODE_LINE = "code_line"
    CODE_SNIPPET = "code_snippet"
    EVENT_TIMESTAMP = "event_timestamp"


def iso(moment: datetime) -> str:
    """The API's timestamp text (millisecond precision, `Z`): what `event_timestamp` references use."""
    utc = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class CaseOutcome:
    """One judged test case; `large`: its input is among the problem's large inputs."""

    index: int
    passed: bool | None
    timed_out: bool
    verdict: str
    hidden: bool
    large: bool
    error: str | None = None


@dataclass(frozen=True)
class Attempt:
    """A finished run or submission of the candidate (chronological in the input)."""

    id: str
    kind: str
    at: datetime
    verdict: str | None
    passed: int = 0
    total: int = 0
    cases: tuple[CaseOutcome, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.verdict == "accepted"

    @property
    def label(self) -> str:
        return (self.verdict or "unknown").replace("_", " ")


@dataclass(frozen=True)
class Snapshot:
    id: str
    at: datetime
    trigger: str
    lines: int


@dataclass(frozen=True)
class Message:
    """A chat message or an AI-conversation turn written by the candidate."""

    id: str
    at: datetime
    channel: str
    text: str


@dataclass(frozen=True)
class PeerRating:
    overall: int | None
    communication: int | None
    problem_solving: int | None
    would_pair_again: bool | None
    text: str


@dataclass(frozen=True)
class StaticFacts:
    """One static-analysis report of the candidate's code in the session."""

    errors: int
    warnings: int
    max_complexity: int | None
    high_complexity: int
    duplications: int
    naming: int
    input_checks: int
    first_finding: tuple[int, str] | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionInput:
    session_id: str
    user_id: str
    problem_title: str | None
    optimal_time: str | None
    started_at: datetime
    finished_at: datetime
    final_code: str
    attempts: tuple[Attempt, ...] = ()
    snapshots: tuple[Snapshot, ...] = ()
    messages: tuple[Message, ...] = ()
    peer: tuple[PeerRating, ...] = ()
    static: tuple[StaticFacts, ...] = ()
    prior_scores: tuple[float, ...] = ()
    """Overall scores of the user's earlier completed reports, newest first."""

    @property
    def submissions(self) -> tuple[Attempt, ...]:
        return tuple(a for a in self.attempts if a.kind == "submission")

    @property
    def runs(self) -> tuple[Attempt, ...]:
        return tuple(a for a in self.attempts if a.kind == "run")

    def event_times(self) -> frozenset[str]:
        """Every moment an `event_timestamp` may name."""
        moments = (
            [a.at for a in self.attempts] + [s.at for s in self.snapshots] + [m.at for m in self.messages]
        )
        return frozenset(iso(m) for m in (*moments, self.started_at, self.finished_at))


@dataclass(frozen=True)
class Evidence:
    type: EvidenceType
    reference: str
    description: str

    def payload(self) -> dict[str, str]:
        return {"type": self.type.value, "reference": self.reference, "description": self.description}


@dataclass(frozen=True)
class Scored:
    """One dimension's rubric result: score 0..100, feedback and at least one evidence item."""

    score: int
    feedback: str
    evidence: tuple[Evidence, ...]

    def payload(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "feedback": self.feedback,
            "evidence": [e.payload() for e in self.evidence],
        }
