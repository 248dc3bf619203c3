"""Reading stored results into the interviewer's facts: a finished run or submission, a static analysis.

Input is the stored document as plain data (what `storage` returns for `runs`, `submissions`,
`static_analyses`); output is an engine value. Invariant: a hidden case's input and outputs never enter
the facts (only its index and verdict), so no provider can repeat them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.interview.model import (
    AnalysisFacts,
    ExecutionFacts,
    FailingCase,
    Finding,
    FunctionFacts,
    ProblemExample,
)

TEXT_MAX = 2000


def _trim(text: object) -> str:
    return str(text or "").strip()[:TEXT_MAX]


def run_facts(doc: Mapping[str, Any], examples: Sequence[ProblemExample]) -> ExecutionFacts:
    """A run: when its stdin is one of the problem's examples, its output is checked against it."""
    result = doc.get("result") or {}
    stdin = str(doc.get("stdin") or "")
    stdout, verdict = _trim(result.get("stdout")), str(result.get("verdict") or "system_error")
    matched = next((i for i, e in enumerate(examples, start=1) if e.input.strip() == stdin.strip()), None)
    failing = None
    if verdict not in ("accepted", "compilation_error"):
        error = _trim(result.get("error") or result.get("stderr"))
        failing = FailingCase(0, False, verdict, input=stdin[:TEXT_MAX], error=error, example=matched)
    elif matched is not None and stdout != examples[matched - 1].output.strip():
        expected = examples[matched - 1].output
        failing = FailingCase(matched - 1, False, "wrong_answer", stdin, expected, stdout, example=matched)
    return ExecutionFacts(
        job_id=str(doc["_id"]),
        kind="run",
        verdict=verdict if failing is None or verdict != "accepted" else "wrong_answer",
        passed=None,
        total=None,
        failing=failing,
        stdout=stdout,
        stderr=_trim(result.get("stderr") or result.get("error")),
        matched_example=matched,
    )


def visible_indices(doc: Mapping[str, Any]) -> list[int]:
    """The indices of a submission's visible cases, in order (to pair them with the visible tests)."""
    cases = (doc.get("result") or {}).get("cases") or []
    return [int(c["index"]) for c in cases if not c.get("isHidden")]


def submission_facts(doc: Mapping[str, Any], visible_inputs: Mapping[int, str]) -> ExecutionFacts:
    result = doc.get("result") or {}
    cases = sorted(result.get("cases") or [], key=lambda c: int(c.get("index", 0)))
    first = next((c for c in cases if c.get("passed") is False), None)
    failing = None
    if first is not None:
        index, hidden = int(first["index"]), bool(first.get("isHidden"))
        failing = FailingCase(
            index=index,
            hidden=hidden,
            verdict=str(first.get("verdict") or "wrong_answer"),
            input=None if hidden else visible_inputs.get(index),
            expected=None if hidden else _trim(first.get("expectedOutput")),
            actual=None if hidden else _trim(first.get("actualOutput") or first.get("stdout")),
            error=None if hidden else _trim(first.get("error")) or None,
        )
    return ExecutionFacts(
        job_id=str(doc["_id"]),
        kind="submission",
        verdict=str(result.get("verdict") or "system_error"),
        passed=result.get("passed"),
        total=result.get("total"),
        failing=failing,
        stderr=_trim(result.get("compileMessage")),
    )


def analysis_facts(doc: Mapping[str, Any]) -> AnalysisFacts:
    report = doc.get("report") or {}
    findings = tuple(
        Finding(
            tool=str(d.get("tool")),
            severity=str(d.get("severity")),
            message=str(d.get("message"))[:300],
            line=d.get("line"),
            rule=d.get("rule"),
        )
        for d in report.get("diagnostics") or []
    )
    functions = tuple(
        FunctionFacts(
            name=str(c.get("functionName")),
            start_line=int(c.get("startLine") or 1),
            end_line=c.get("endLine"),
            complexity=int(c.get("cyclomaticComplexity") or 1),
        )
        for c in report.get("complexity") or []
    )
    duplicated = tuple(
        int(o["startLine"]) for d in report.get("duplications") or [] for o in d.get("occurrences") or []
    )
    return AnalysisFacts(
        job_id=str(doc["_id"]), findings=findings, functions=functions, duplicated_lines=duplicated
    )
