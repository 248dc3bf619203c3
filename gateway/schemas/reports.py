"""Training-report shapes (reference §3.25-§3.26, the seed's "Get training report" body): Evidence,
ReportDimension, the report itself (TrainingReport), and ours: the report comparison.

Every key is optional as in the reference (§3.26) and left out when absent; `feedback` is always a
string; keys beyond these pass through as stored (extra="allow").
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from gateway.schemas.common import ApiModel, UtcDatetime, optional_key

Trend = Literal["improving", "stable", "declining"]


class Evidence(ApiModel):
    """`type`: `code_line` (`L12: …`), `code_snippet` (≤ 3 lines, ≤ 120 chars) or `event_timestamp` (an
    ISO time of a session event)."""

    type: str
    reference: str
    description: str


class ReportDimension(ApiModel):
    score: int | float = Field(ge=0, le=100)
    feedback: str
    evidence: list[Evidence] = Field(default_factory=list)


class ReportDimensions(ApiModel):
    correctness: ReportDimension | None = optional_key()
    efficiency: ReportDimension | None = optional_key()
    codeQuality: ReportDimension | None = optional_key()
    communication: ReportDimension | None = optional_key()
    problemSolving: ReportDimension | None = optional_key()


class ComparisonToHistory(ApiModel):
    trend: Trend
    sessionsCompared: int
    averageScore: float


class PeerFeedbackSummary(ApiModel):
    """The seed's `{averageRating, wouldPairAgain, themes}` plus the reference's `summary`."""

    model_config = ConfigDict(extra="allow")

    averageRating: float | None = optional_key()
    wouldPairAgain: int | None = optional_key()
    themes: list[str] = Field(default_factory=list)
    summary: str | None = optional_key()


class TestCaseOutcome(ApiModel):
    testCaseIndex: int
    passed: bool | None
    timedOut: bool
    errorMessage: str | None


class TrainingReport(ApiModel):
    """The caller's training report. `comparisonToHistory` / `peerFeedbackSummary` are `null` when there
    is no history / no peer feedback. Extras (reference): `categoryScores`, `feedback` (a copy of
    `detailedFeedback`), `testCaseBreakdown`, `staticAnalysis`."""

    model_config = ConfigDict(extra="allow")

    sessionId: str
    generatedAt: UtcDatetime | None = optional_key()
    overallScore: int | float | None = optional_key()
    categoryScores: dict[str, int | float] | None = optional_key()
    dimensions: ReportDimensions | None = optional_key()
    strengths: list[str] | None = optional_key()
    areasForImprovement: list[str] | None = optional_key()
    feedback: str
    detailedFeedback: str | None = optional_key()
    comparisonToHistory: ComparisonToHistory | None = None
    peerFeedbackSummary: PeerFeedbackSummary | None = None
    testCaseBreakdown: list[TestCaseOutcome] | None = optional_key()
    staticAnalysis: list[dict[str, Any]] | None = optional_key()


class DimensionComparison(ApiModel):
    values: list[float]
    deltas: list[float]
    trend: Trend


class ComparedSession(ApiModel):
    sessionId: str
    generatedAt: UtcDatetime | None
    overallScore: float | None
    categoryScores: dict[str, float]


class ReportComparison(ApiModel):
    """Ours (the reference compares on the client, §11.5): sessions oldest first; per dimension (and
    `overall`) the values, successive deltas and a trend: mean delta >= +2 improving, <= -2 declining."""

    sessions: list[ComparedSession]
    dimensions: dict[str, DimensionComparison]
