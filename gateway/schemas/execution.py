"""Execution and static-analysis shapes: run and submit bodies and their 202 answers, a run's poll
(`ExecutionProgress` until finished, then the flat `RunCodeResult`: clients tell them apart by `stdout`),
a submission's `ExecutionDetails`, the room's run and submission lists, and analysis jobs
(`StaticAnalysisPending`, then `StaticAnalysisResult`).

Written from the reference's facts (§4.7, §8.6, §8.7); our additions are extra keys (`verdict`,
`jobId`, `isHidden`, ...), never renamed or nested reference keys. An optional reference key (`error?`)
is left out when there is nothing to say, rather than sent as null.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from gateway.schemas.common import ApiModel, Pagination, StrictBody, UtcDatetime
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


def _absent(value: Any) -> bool:
    return value is None


def _optional() -> Any:
    """An optional reference key (`key?: T`): absent from the body rather than null."""
    return Field(default=None, exclude_if=_absent)


class AnalysisToolResult(ApiModel):
    tool: str
    status: Literal["completed", "failed", "skipped"]
    exitCode: int | None
    durationMs: int
    timedOut: bool
    error: str | None = _optional()


class AnalysisSummary(ApiModel):
    diagnosticCount: int
    errorCount: int
    warningCount: int
    infoCount: int
    maxCyclomaticComplexity: int | None
    highComplexityCount: int
    duplicationCount: int
    toolFailureCount: int


class _AnalysisJob(ApiModel):
    jobId: str
    source: Literal["run", "submission", "request"]
    runId: str | None
    submissionId: str | None
    language: str
    createdAt: UtcDatetime
    completedAt: UtcDatetime | None


class StaticAnalysisPending(_AnalysisJob):
    """A job not finished yet (queued or running): exactly these keys, no report fields."""

    status: Literal["pending"] = "pending"


class StaticAnalysisResult(_AnalysisJob):
    """A finished job; `failed`: every tool failed, or the request could not be analysed."""

    status: Literal["completed", "failed"]
    summary: AnalysisSummary
    diagnostics: list[AnalysisDiagnostic]
    complexity: list[AnalysisComplexity]
    duplications: list[AnalysisDuplication]
    toolResults: list[AnalysisToolResult]
    error: str | None


StaticAnalysisView = StaticAnalysisResult | StaticAnalysisPending


class ExecutionProgress(ApiModel):
    """A run poll before the run finished (`failed`: its job vanished, see `engine.execution.jobs`)."""

    status: Literal["queued", "running", "failed"]


class ExecutionStatus(ApiModel):
    status: Literal["queued", "running", "completed", "failed"]


class RunCodeResult(ApiModel):
    """A finished run: `completed` only for a clean exit; `stdout` always present (possibly empty)."""

    status: Literal["completed", "failed"]
    stdout: str
    stderr: str
    exitCode: int
    durationMs: int
    timedOut: bool
    error: str | None = _optional()
    cpuTimeMs: int
    memoryUsageMb: float
    outputTruncated: bool
    jobId: str
    verdict: str


RunPoll = RunCodeResult | ExecutionProgress


class RunEntry(ApiModel):
    """One run of a room's list: its poll status and, once finished, its result."""

    jobId: str
    roomId: str
    userId: str
    language: str
    status: Literal["queued", "running", "completed", "failed"]
    createdAt: UtcDatetime
    completedAt: UtcDatetime | None
    result: RunCodeResult | None


class RunEntryPage(ApiModel):
    data: list[RunEntry]
    pagination: Pagination


class ExecutionTestCase(ApiModel):
    """One judged case. A hidden case shows a non-admin only `testCaseIndex`, `passed`, `timedOut`,
    `verdict` and `isHidden`; every other field is null (see `engine.execution.disclosure`)."""

    testCaseIndex: int
    passed: bool | None
    expectedOutput: str | None
    actualOutput: str | None
    stdout: str | None
    stderr: str | None
    exitCode: int | None
    durationMs: int | None
    memoryUsageMb: float | None
    timedOut: bool
    errorMessage: str | None
    isHidden: bool
    verdict: str | None
    cpuTimeMs: int | None
    outputTruncated: bool | None


class SubmissionSummary(ApiModel):
    """A submission's counters (`totalDurationMs` of a non-admin: visible cases only)."""

    submissionId: str
    status: Literal["pending", "running", "completed", "failed"]
    totalTestCases: int
    passedTestCases: int
    failedTestCases: int
    errorTestCases: int
    totalDurationMs: int | None
    submittedAt: UtcDatetime
    completedAt: UtcDatetime | None
    roomId: str
    userId: str
    problemId: str | None
    language: str
    verdict: str | None


class SubmissionSummaryPage(ApiModel):
    data: list[SubmissionSummary]
    pagination: Pagination


class ExecutionDetails(SubmissionSummary):
    """The submission with every judged case, ordered by index."""

    testCases: list[ExecutionTestCase]
    compileMessage: str | None
