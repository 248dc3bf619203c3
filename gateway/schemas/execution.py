"""Run and submit request bodies and their 202 answers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from gateway.schemas.common import ApiModel, StrictBody, UtcDatetime
from gateway.schemas.rooms import Language

Code = Annotated[str, Field(min_length=1, max_length=64 * 1024)]


class RunRequest(StrictBody):
    language: Language
    code: Code
    stdin: Annotated[str, Field(max_length=64 * 1024)] | None = None
    timeoutMs: Annotated[int, Field(ge=100, le=10_000)] | None = None
    memoryMb: Annotated[int, Field(ge=16, le=512)] | None = None


class SubmitRequest(StrictBody):
    language: Language
    code: Code


class RunAccepted(ApiModel):
    jobId: str
    staticAnalysisJobId: str | None = None


class SubmitAccepted(ApiModel):
    submissionId: str
    staticAnalysisJobId: str | None = None


class StaticAnalysisRequest(StrictBody):
    """Both optional: without `code` the room's current document is analysed, without `language` the
    room's language is used."""

    code: Code | None = None
    language: Language | None = None


class StaticAnalysisAccepted(ApiModel):
    jobId: str
    status: Literal["pending"] = "pending"


class AnalysisDiagnostic(ApiModel):
    tool: str
    rule: str | None
    severity: Literal["error", "warning", "info"]
    message: str
    file: str | None
    line: int | None
    column: int | None


class AnalysisComplexity(ApiModel):
    tool: str
    functionName: str
    file: str | None
    startLine: int
    endLine: int | None
    cyclomaticComplexity: int


class AnalysisOccurrence(ApiModel):
    file: str | None
    startLine: int
    endLine: int | None


class AnalysisDuplication(ApiModel):
    tool: str
    lines: int
    tokens: int | None
    occurrences: list[AnalysisOccurrence]


class AnalysisToolResult(ApiModel):
    tool: str
    status: Literal["completed", "failed", "skipped"]
    exitCode: int | None
    durationMs: int
    timedOut: bool
    error: str | None = None


class AnalysisSummary(ApiModel):
    diagnosticCount: int
    errorCount: int
    warningCount: int
    infoCount: int
    maxCyclomaticComplexity: int | None
    highComplexityCount: int
    duplicationCount: int
    toolFailureCount: int


class StaticAnalysisResult(ApiModel):
    """A job: while `pending`/`running` only the first fields are set; `completed`/`failed` add the
    summary and findings (`failed`: every tool failed, or the request could not be analysed)."""

    jobId: str
    roomId: str
    userId: str
    source: Literal["run", "submission", "request"]
    runId: str | None
    submissionId: str | None
    language: str
    status: Literal["pending", "running", "completed", "failed"]
    createdAt: UtcDatetime
    completedAt: UtcDatetime | None
    summary: AnalysisSummary | None = None
    diagnostics: list[AnalysisDiagnostic] = []
    complexity: list[AnalysisComplexity] = []
    duplications: list[AnalysisDuplication] = []
    toolResults: list[AnalysisToolResult] = []
    error: str | None = None
