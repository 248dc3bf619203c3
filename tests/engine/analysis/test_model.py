"""The normalised report: summary counts, the status rule, camelCase payloads and assembly order."""

from __future__ import annotations

import dataclasses
import json

import pytest

from engine.analysis.model import (
    HIGH_COMPLEXITY,
    AnalysisSource,
    AnalysisStatus,
    Complexity,
    Diagnostic,
    Duplication,
    Findings,
    Occurrence,
    Report,
    Severity,
    Summary,
    ToolResult,
    ToolStatus,
    assemble,
    rejected,
)

COMPLETED, FAILED, SKIPPED = ToolStatus.COMPLETED, ToolStatus.FAILED, ToolStatus.SKIPPED


def result(tool: str, status: ToolStatus = COMPLETED, error: str | None = None) -> ToolResult:
    exit_code = None if status is SKIPPED else (0 if status is COMPLETED else 1)
    return ToolResult(tool, status, exit_code, 120, error=error)


def diagnostic(
    severity: Severity, line: int | None = 1, column: int | None = 1, tool: str = "ruff"
) -> Diagnostic:
    return Diagnostic(tool, "R1", severity, f"{severity} at {line}:{column}", line, column, "main.py")


def complexity(score: int, name: str = "f") -> Complexity:
    return Complexity("lizard", name, 1, 5, score, "main.py")


DUPLICATION = Duplication("duplicates", 6, 34, (Occurrence(3, 8, "main.py"), Occurrence(15, 20, "main.py")))


def test_enum_values_are_the_api_strings() -> None:
    assert [s.value for s in Severity] == ["error", "warning", "info"]
    assert [s.value for s in ToolStatus] == ["completed", "failed", "skipped"]
    assert [s.value for s in AnalysisStatus] == ["pending", "running", "completed", "failed"]
    assert [s.value for s in AnalysisSource] == ["run", "submission", "request"]


# summary


def test_summary_counts_every_kind_of_finding() -> None:
    report = Report(
        diagnostics=(
            diagnostic(Severity.ERROR),
            diagnostic(Severity.WARNING),
            diagnostic(Severity.ERROR),
            diagnostic(Severity.INFO),
            diagnostic(Severity.WARNING),
            diagnostic(Severity.WARNING),
        ),
        complexity=(
            complexity(3),
            complexity(HIGH_COMPLEXITY),
            complexity(12),
            complexity(HIGH_COMPLEXITY - 1),
        ),
        duplications=(DUPLICATION, DUPLICATION),
        tool_results=(result("ruff"), result("lizard", FAILED, "timed out"), result("duplicates", SKIPPED)),
    )
    assert report.summary == Summary(
        diagnostic_count=6,
        error_count=2,
        warning_count=3,
        info_count=1,
        max_cyclomatic_complexity=12,
        high_complexity_count=2,
        duplication_count=2,
        tool_failure_count=1,
    )


def test_high_complexity_threshold_is_inclusive() -> None:
    assert HIGH_COMPLEXITY == 10
    below = Report((), (complexity(HIGH_COMPLEXITY - 1),), (), (result("lizard"),))
    at = Report((), (complexity(HIGH_COMPLEXITY),), (), (result("lizard"),))
    assert below.summary.high_complexity_count == 0
    assert at.summary.high_complexity_count == 1


def test_summary_of_nothing_has_no_maximum_complexity() -> None:
    report = Report((), (), (), (result("ruff"), result("lizard")))
    assert report.summary == Summary(0, 0, 0, 0, None, 0, 0, 0)


def test_summary_is_derived_not_passed_in() -> None:
    assert "summary" not in {f.name for f in dataclasses.fields(Report) if f.init}
    report = Report((diagnostic(Severity.ERROR),), (), (), (result("ruff"),))
    changed = dataclasses.replace(report, diagnostics=())
    assert report.summary.error_count == 1
    assert changed.summary.error_count == 0


# status


STATUS_CASES = [
    ((COMPLETED, COMPLETED), AnalysisStatus.COMPLETED),
    ((COMPLETED, FAILED), AnalysisStatus.COMPLETED),
    ((FAILED, COMPLETED), AnalysisStatus.COMPLETED),
    ((SKIPPED, COMPLETED), AnalysisStatus.COMPLETED),
    ((FAILED, SKIPPED), AnalysisStatus.COMPLETED),
    ((SKIPPED, SKIPPED), AnalysisStatus.COMPLETED),
    ((FAILED,), AnalysisStatus.FAILED),
    ((FAILED, FAILED), AnalysisStatus.FAILED),
    ((FAILED, FAILED, FAILED), AnalysisStatus.FAILED),
]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    STATUS_CASES,
    ids=["+".join(s.value for s in statuses) for statuses, _ in STATUS_CASES],
)
def test_status_is_failed_only_when_every_tool_failed(
    statuses: tuple[ToolStatus, ...], expected: AnalysisStatus
) -> None:
    results = tuple(result(f"tool{i}", status) for i, status in enumerate(statuses))
    assert Report((), (), (), results).status is expected


def test_status_is_failed_when_the_report_has_an_error() -> None:
    report = Report((diagnostic(Severity.WARNING),), (), (), (result("ruff"), result("lizard")), error="boom")
    assert report.status is AnalysisStatus.FAILED


def test_rejected_request_is_failed_and_empty() -> None:
    report = rejected("code is empty")
    assert report.status is AnalysisStatus.FAILED
    assert report.error == "code is empty"
    assert (report.diagnostics, report.complexity, report.duplications, report.tool_results) == (
        (),
        (),
        (),
        (),
    )
    assert report.summary == Summary(0, 0, 0, 0, None, 0, 0, 0)


# payloads


def test_diagnostic_payload() -> None:
    d = Diagnostic("gcc", "unused-variable", Severity.WARNING, "unused variable", 2, 9, "main.c")
    assert d.payload() == {
        "tool": "gcc",
        "rule": "unused-variable",
        "severity": "warning",
        "message": "unused variable",
        "file": "main.c",
        "line": 2,
        "column": 9,
    }
    assert Diagnostic("javac", None, Severity.ERROR, "m").payload() == {
        "tool": "javac",
        "rule": None,
        "severity": "error",
        "message": "m",
        "file": None,
        "line": None,
        "column": None,
    }


def test_complexity_payload() -> None:
    assert Complexity("lizard", "branchy", 5, 15, 8, "main.py").payload() == {
        "tool": "lizard",
        "functionName": "branchy",
        "file": "main.py",
        "startLine": 5,
        "endLine": 15,
        "cyclomaticComplexity": 8,
    }


def test_duplication_payload() -> None:
    assert DUPLICATION.payload() == {
        "tool": "duplicates",
        "lines": 6,
        "tokens": 34,
        "occurrences": [
            {"file": "main.py", "startLine": 3, "endLine": 8},
            {"file": "main.py", "startLine": 15, "endLine": 20},
        ],
    }


def test_tool_result_payload() -> None:
    assert ToolResult("go vet", FAILED, None, 20_000, timed_out=True, error="timed out").payload() == {
        "tool": "go vet",
        "status": "failed",
        "exitCode": None,
        "durationMs": 20_000,
        "timedOut": True,
        "error": "timed out",
    }


def test_report_payload_shape_and_json() -> None:
    report = Report(
        diagnostics=(diagnostic(Severity.ERROR, 4, 2),),
        complexity=(complexity(11, "g"),),
        duplications=(DUPLICATION,),
        tool_results=(result("ruff"), result("lizard")),
    )
    payload = report.payload()
    assert list(payload) == [
        "status",
        "summary",
        "diagnostics",
        "complexity",
        "duplications",
        "toolResults",
        "error",
    ]
    assert payload["status"] == "completed"
    assert payload["error"] is None
    assert payload["summary"] == {
        "diagnosticCount": 1,
        "errorCount": 1,
        "warningCount": 0,
        "infoCount": 0,
        "maxCyclomaticComplexity": 11,
        "highComplexityCount": 1,
        "duplicationCount": 1,
        "toolFailureCount": 0,
    }
    assert payload["diagnostics"] == [report.diagnostics[0].payload()]
    assert payload["complexity"] == [report.complexity[0].payload()]
    assert payload["duplications"] == [DUPLICATION.payload()]
    assert payload["toolResults"] == [r.payload() for r in report.tool_results]
    assert json.loads(json.dumps(payload)) == payload


def test_rejected_payload() -> None:
    payload = rejected("unsupported language").payload()
    assert payload["status"] == "failed"
    assert payload["error"] == "unsupported language"
    assert payload["diagnostics"] == payload["complexity"] == payload["duplications"] == []
    assert payload["toolResults"] == []
    assert payload["summary"]["maxCyclomaticComplexity"] is None


# findings and assembly


def test_findings_empty() -> None:
    assert Findings().empty
    assert not Findings(diagnostics=(diagnostic(Severity.INFO),)).empty
    assert not Findings(complexity=(complexity(1),)).empty
    assert not Findings(duplications=(DUPLICATION,)).empty


def test_assemble_sorts_diagnostics_by_place_across_tools() -> None:
    late = diagnostic(Severity.ERROR, 9, 1, tool="ruff")
    early_col5 = diagnostic(Severity.WARNING, 2, 5, tool="ruff")
    early_col1 = diagnostic(Severity.WARNING, 2, 1, tool="mypy")
    nowhere = diagnostic(Severity.ERROR, None, None, tool="mypy")
    line_only = diagnostic(Severity.INFO, 2, None, tool="mypy")
    report = assemble(
        [
            (result("ruff"), Findings(diagnostics=(late, early_col5))),
            (result("mypy"), Findings(diagnostics=(early_col1, nowhere, line_only))),
        ]
    )
    assert report.diagnostics == (nowhere, line_only, early_col1, early_col5, late)


def test_assemble_keeps_tool_order_for_ties() -> None:
    first = diagnostic(Severity.ERROR, 3, 4, tool="a")
    second = diagnostic(Severity.WARNING, 3, 4, tool="b")
    report = assemble(
        [(result("a"), Findings(diagnostics=(first,))), (result("b"), Findings(diagnostics=(second,)))]
    )
    assert report.diagnostics == (first, second)


def test_assemble_keeps_tool_order_for_everything_else() -> None:
    other = Duplication("duplicates", 4, 40, (Occurrence(1, 4), Occurrence(10, 13)))
    outcomes = [
        (result("ruff"), Findings(diagnostics=(diagnostic(Severity.ERROR),))),
        (result("lizard"), Findings(complexity=(complexity(7, "z"), complexity(2, "a")))),
        (result("duplicates"), Findings(duplications=(DUPLICATION, other))),
        (result("mypy", FAILED, "exit code 2"), Findings()),
    ]
    report = assemble(outcomes)
    assert [c.function_name for c in report.complexity] == ["z", "a"]
    assert report.duplications == (DUPLICATION, other)
    assert [r.tool for r in report.tool_results] == ["ruff", "lizard", "duplicates", "mypy"]
    assert report.error is None
    assert report.status is AnalysisStatus.COMPLETED
    assert report.summary.tool_failure_count == 1


def test_assemble_every_tool_failed_or_error() -> None:
    failed = [(result("ruff", FAILED, "timed out"), Findings()), (result("lizard", FAILED, "x"), Findings())]
    assert assemble(failed).status is AnalysisStatus.FAILED
    fine = [(result("ruff"), Findings())]
    assert assemble(fine).status is AnalysisStatus.COMPLETED
    errored = assemble(fine, error="sandbox unavailable")
    assert errored.status is AnalysisStatus.FAILED
    assert errored.error == "sandbox unavailable"
