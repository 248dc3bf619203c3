"""Session history shapes: the seed's CodeSnapshot, SessionSummary, SessionDetail, SessionParticipant and
SessionEvent, with their pages."""

from __future__ import annotations

from typing import Any, Literal

from gateway.schemas.common import ApiModel, Pagination, UtcDatetime
from gateway.schemas.rooms import Mode, Role

SessionStatus = Literal["ongoing", "finished"]


class CodeSnapshot(ApiModel):
    id: str
    sessionId: str
    roomId: str
    trigger: str
    language: str | None
    code: str
    linesOfCode: int
    phase: str | None
    createdAt: UtcDatetime


class CodeSnapshotPage(ApiModel):
    data: list[CodeSnapshot]
    pagination: Pagination


class SessionSummary(ApiModel):
    """One session of the caller's history. `role` is the caller's role when the session started (null
    for an admin looking at a session they were not in); `solved`: the caller had an accepted submission
    while the session ran."""

    id: str
    roomId: str
    roomName: str | None
    mode: Mode
    status: SessionStatus
    problemId: str | None
    problemTitle: str | None
    problemDifficulty: str | None
    language: str | None
    role: Role | None
    participantCount: int
    startedAt: UtcDatetime
    finishedAt: UtcDatetime | None
    durationMs: int | None
    runCount: int
    submissionCount: int
    solved: bool
    hasReport: bool
    hasFeedback: bool


class SessionSummaryPage(ApiModel):
    data: list[SessionSummary]
    pagination: Pagination


class SessionParticipant(ApiModel):
    """A participant seated when the session started; `leftAt` is their last leave of the room."""

    userId: str
    username: str
    displayName: str | None
    avatarUrl: str | None
    role: Role
    joinedAt: UtcDatetime | None
    leftAt: UtcDatetime | None
    isHost: bool


class SessionRun(ApiModel):
    id: str
    userId: str
    language: str
    status: str
    verdict: str | None
    createdAt: UtcDatetime


class SessionSubmission(SessionRun):
    passed: int | None
    total: int | None


class SessionDetail(SessionSummary):
    """The summary plus who took part, the last code snapshot, and the newest runs and submissions."""

    participants: list[SessionParticipant]
    latestCodeSnapshot: CodeSnapshot | None
    runs: list[SessionRun]
    submissions: list[SessionSubmission]
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
