"""Session history shapes, written from the reference's facts (§3.20-§3.24, §3.26): SessionSummary,
SessionDetail, SessionParticipant, CodeSnapshot and the training report (SessionReport), plus the seed's
SessionEvent, with their pages.

Every key the reference sends is here under its name and type; keys marked "ours" are extras.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from gateway.schemas.common import ApiModel, Pagination, UtcDatetime, optional_key
from gateway.schemas.feedback import PeerFeedbackEntry
from gateway.schemas.rooms import Mode, Role, Status

SessionStatus = Literal["ongoing", "finished"]
HistoryStatus = Literal["finished", "ongoing", "all"]
Difficulty = Literal["easy", "medium", "hard"]
Trigger = Literal["periodic", "phase_change", "submission", "manual", "session_end"]
JobStatus = Literal["completed", "failed"]


class CodeSnapshot(ApiModel):
    """One stored code snapshot (`GET /sessions/{id}/snapshots`); `timestamp` is when it was taken."""

    snapshotId: str
    timestamp: UtcDatetime
    trigger: Trigger
    language: str
    code: str
    linesOfCode: int = Field(ge=0)
    phase: Status | None
    sessionId: str = Field(description="ours")
    roomId: str = Field(description="ours")


class CodeSnapshotPage(ApiModel):
    data: list[CodeSnapshot]
    pagination: Pagination


class SessionParticipant(ApiModel):
    """A participant seated when the session started; `leftAt` is their last leave of the room."""

    userId: str
    username: str
    displayName: str | None
    avatarUrl: str | None
    role: Role
    joinedAt: UtcDatetime
    leftAt: UtcDatetime | None
    isHost: bool = Field(description="ours")


class SessionSummary(ApiModel):
    """One finished session of the caller's history. `duration` is in seconds (0 while ongoing);
    `overallScore`/`hasReport`: the caller's completed training report; `hasFeedback`: any submitted peer
    feedback. `createdAt` is when the session started. Ours: `status`, `roomName`, `problemId`, `role`
    (the caller's role when it started; null for an admin who was not in it), `durationMs`, `runCount`,
    `submissionCount`, `solved` (the caller had an accepted submission while it ran)."""

    sessionId: str
    roomId: str
    mode: Mode
    problemTitle: str | None
    difficulty: Difficulty | None
    language: str | None
    duration: int
    participants: list[SessionParticipant]
    overallScore: int | None
    hasReport: bool
    hasFeedback: bool
    createdAt: UtcDatetime
    finishedAt: UtcDatetime | None
    status: SessionStatus
    roomName: str | None
    problemId: str | None
    role: Role | None
    durationMs: int | None
    runCount: int
    submissionCount: int
    solved: bool


class SessionSummaryPage(ApiModel):
    data: list[SessionSummary]
    pagination: Pagination


class SessionProblem(ApiModel):
    id: str
    title: str
    difficulty: Difficulty


class SessionRun(ApiModel):
    """A finished run of the session's room (any participant). Ours: `userId`, `language`, `verdict`."""

    jobId: str
    status: JobStatus
    createdAt: UtcDatetime
    userId: str
    language: str
    verdict: str | None


class SessionSubmission(ApiModel):
    """A finished submission of the session's room (any participant). Ours: `userId`, `language`,
    `verdict`."""

    submissionId: str
    status: JobStatus
    passed: int
    total: int
    createdAt: UtcDatetime
    userId: str
    language: str
    verdict: str | None


class SessionCodeSnapshot(ApiModel):
    """The session's latest code snapshot as session details show it."""

    id: str
    code: str
    language: str
    trigger: Trigger
    linesOfCode: int | None
    createdAt: UtcDatetime
    phase: Status | None


class SessionReport(ApiModel):
    """The caller's training report (§3.26): every key optional and left out when absent; keys the report
    pipeline adds beyond these pass through as stored (so do the nullable `comparisonToHistory` and
    `peerFeedbackSummary`, whose `null` is meaningful). `feedback` is always a string."""

    model_config = ConfigDict(extra="allow")

    sessionId: str
    generatedAt: UtcDatetime | None = optional_key()
    overallScore: int | float | None = optional_key()
    categoryScores: dict[str, int | float] | None = optional_key()
    dimensions: dict[str, Any] | None = optional_key()
    strengths: list[str] | None = optional_key()
    areasForImprovement: list[str] | None = optional_key()
    feedback: str
    detailedFeedback: str | None = optional_key()
    testCaseBreakdown: list[dict[str, Any]] | None = optional_key()
    staticAnalysis: list[dict[str, Any]] | None = optional_key()


class SessionDetail(SessionSummary):
    """The summary plus the problem, the finished runs and submissions (newest first, at most 50 of
    each), the caller's report, the latest code snapshot and the peer feedback the caller may read."""

    problem: SessionProblem | None
    runs: list[SessionRun]
    submissions: list[SessionSubmission]
    report: SessionReport | None
    latestCodeSnapshot: SessionCodeSnapshot | None
    peerFeedback: list[PeerFeedbackEntry]
    hasRecording: bool


class SessionEvent(ApiModel):
    """One timeline entry: a room event (its websocket name, e.g. `phase-change`), `code-snapshot`,
    `run` or `submission`. `actorId` is the user who caused it (null for the system)."""

    id: str
    type: str
    at: UtcDatetime
    actorId: str | None
    data: dict[str, Any]


class SessionEventPage(ApiModel):
    data: list[SessionEvent]
    pagination: Pagination
