"""The normalised static-analysis report (reference §8.7 shapes, camelCase in `payload`).

Invariants: a report's `status` is `failed` exactly when every tool failed; the summary is computed from
the findings, never stored separately from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

HIGH_COMPLEXITY: Final = 10
"""A function whose cyclomatic complexity is at least this counts as highly complex."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ToolStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"


class AnalysisStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class AnalysisSource(StrEnum):
    RUN = "run"
    SUBMISSION = "submission"
    REQUEST = "request"


@dataclass(frozen=True)
class Diagnostic:
    tool: str
    rule: str | None
    severity: Severity
    message: str
    line: int | None = None
    column: int | None = None
    file: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }


@dataclass(frozen=True)
class Complexity:
    tool: str
    function_name: str
    start_line: int
    end_line: int | None
    cyclomatic_complexity: int
    file: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "functionName": self.function_name,
            "file": self.file,
            "startLine": self.start_line,
            "endLine": self.end_line,
            "cyclomaticComplexity": self.cyclomatic_complexity,
        }


@dataclass(frozen=True)
class Occurrence:
    start_line: int
    end_line: int
    file: str | None = None

    def payload(self) -> dict[str, Any]:
        return {"file": self.file, "startLine": self.start_line, "endLine": self.end_line}


@dataclass(frozen=True)
class Duplication:
    tool: str
    lines: int
    tokens: int
    occurrences: tuple[Occurrence, ...]

    def payload(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "lines": self.lines,
            "tokens": self.tokens,
            "occurrences": [o.payload() for o in self.occurrences],
        }


@dataclass(frozen=True)
class ToolResult:
    tool: str
    status: ToolStatus
    exit_code: int | None
    duration_ms: int
    timed_out: bool = False
    error: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "status": self.status.value,
            "exitCode": self.exit_code,
            "durationMs": self.duration_ms,
            "timedOut": self.timed_out,
            "error": self.error,
        }


@dataclass(frozen=True)
class Findings:
    """What one tool found (a tool finds diagnostics, complexity, or duplications)."""

    diagnostics: tuple[Diagnostic, ...] = ()
    complexity: tuple[Complexity, ...] = ()
    duplications: tuple[Duplication, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.diagnostics or self.complexity or self.duplications)


@dataclass(frozen=True)
class Summary:
    diagnostic_count: int
    error_count: int
    warning_count: int
    info_count: int
    max_cyclomatic_complexity: int | None
    high_complexity_count: int
    duplication_count: int
    tool_failure_count: int

    def payload(self) -> dict[str, Any]:
        return {
            "diagnosticCount": self.diagnostic_count,
            "errorCount": self.error_count,
            "warningCount": self.warning_count,
            "infoCount": self.info_count,
            "maxCyclomaticComplexity": self.max_cyclomatic_complexity,
            "highComplexityCount": self.high_complexity_count,
            "duplicationCount": self.duplication_count,
            "toolFailureCount": self.tool_failure_count,
        }


@dataclass(frozen=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    complexity: tuple[Complexity, ...]
    duplications: tuple[Duplication, ...]
    tool_results: tuple[ToolResult, ...]
    error: str | None = None
    summary: Summary = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", summarise(self))

    @property
    def status(self) -> AnalysisStatus:
        failed = self.error is not None or all(r.status is ToolStatus.FAILED for r in self.tool_results)
        return AnalysisStatus.FAILED if failed else AnalysisStatus.COMPLETED

    def payload(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "summary": self.summary.payload(),
            "diagnostics": [d.payload() for d in self.diagnostics],
            "complexity": [c.payload() for c in self.complexity],
            "duplications": [d.payload() for d in self.duplications],
            "toolResults": [t.payload() for t in self.tool_results],
            "error": self.error,
        }


def summarise(report: Report) -> Summary:
    severities = [d.severity for d in report.diagnostics]
    scores = [c.cyclomatic_complexity for c in report.complexity]
    return Summary(
        diagnostic_count=len(severities),
        error_count=severities.count(Severity.ERROR),
        warning_count=severities.count(Severity.WARNING),
        info_count=severities.count(Severity.INFO),
        max_cyclomatic_complexity=max(scores) if scores else None,
        high_complexity_count=sum(score >= HIGH_COMPLEXITY for score in scores),
        duplication_count=len(report.duplications),
        tool_failure_count=sum(r.status is ToolStatus.FAILED for r in report.tool_results),
    )


def assemble(outcomes: Sequence[tuple[ToolResult, Findings]], error: str | None = None) -> Report:
    """One report from every tool's result and findings, in tool order; diagnostics sorted by place."""
    diagnostics = [d for _, found in outcomes for d in found.diagnostics]
    diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
    return Report(
        diagnostics=tuple(diagnostics),
        complexity=tuple(c for _, found in outcomes for c in found.complexity),
        duplications=tuple(d for _, found in outcomes for d in found.duplications),
        tool_results=tuple(result for result, _ in outcomes),
        error=error,
    )


def rejected(error: str) -> Report:
    """A request that never reached a tool (empty code, unsupported language)."""
    return Report((), (), (), (), error=error)
