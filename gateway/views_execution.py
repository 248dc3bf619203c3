"""Stored runs, submissions and analysis jobs -> their response models.

`admin` lifts the hidden-case redaction (`engine.execution.disclosure`); who may read a job at all is
the routers' rule. Every submission view, single or listed, goes through `_summary_fields`, and every
case through `case_views`, so no route can show a hidden case's data another way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.execution.disclosure import case_views, tally, total_duration_ms
from engine.execution.jobs import FINISHED, JobState, run_vanished, submission_status
from gateway.schemas.execution import (
    ExecutionDetails,
    ExecutionProgress,
    ExecutionStatus,
    RunCodeResult,
    RunEntry,
    RunPoll,
    StaticAnalysisPending,
    StaticAnalysisResult,
    StaticAnalysisView,
    SubmissionSummary,
)
from storage.client import Document

FINISHED_ANALYSIS = ("completed", "failed")


def run_result(doc: Document) -> RunCodeResult:
    stored: dict[str, Any] = doc.get("result") or {}
    return RunCodeResult(
        status="completed" if stored.get("status") == "completed" else "failed",
        stdout=stored.get("stdout") or "",
        stderr=stored.get("stderr") or "",
        exitCode=int(stored.get("exitCode", -1)),
        durationMs=int(stored.get("durationMs") or 0),
        timedOut=bool(stored.get("timedOut")),
        error=stored.get("error"),
        cpuTimeMs=int(stored.get("cpuTimeMs") or 0),
        memoryUsageMb=float(stored.get("memoryUsageMb") or 0.0),
        outputTruncated=bool(stored.get("outputTruncated")),
        jobId=doc["_id"],
        verdict=stored.get("verdict") or "system_error",
    )


def run_poll(doc: Document, now: datetime) -> RunPoll:
    """The flat result once finished; before that only the status (`failed` if the job vanished)."""
    state = JobState(doc["status"])
    if state in FINISHED:
        return run_result(doc)
    vanished = run_vanished(state, doc.get("startedAt"), now)
    return ExecutionProgress.model_validate({"status": "failed" if vanished else state.value})


def run_status(doc: Document, now: datetime) -> ExecutionStatus:
    return ExecutionStatus(status=run_poll(doc, now).status)


def run_entry(doc: Document, now: datetime) -> RunEntry:
    poll = run_poll(doc, now)
    return RunEntry(
        jobId=doc["_id"],
        roomId=doc["roomId"],
        userId=doc["userId"],
        language=doc["language"],
        status=poll.status,
        createdAt=doc["createdAt"],
        completedAt=doc.get("finishedAt"),
        result=poll if isinstance(poll, RunCodeResult) else None,
    )


def _summary_fields(doc: Document, admin: bool) -> dict[str, Any]:
    stored: dict[str, Any] = doc.get("result") or {}
    state = JobState(doc["status"])
    counts = stored if "errors" in stored else tally(stored.get("cases") or []).payload()
    return {
        "submissionId": doc["_id"],
        "status": submission_status(state).value,
        "totalTestCases": int(stored.get("total") or doc.get("totalTestCases") or 0),
        "passedTestCases": int(counts.get("passed") or 0),
        "failedTestCases": int(counts.get("failed") or 0),
        "errorTestCases": int(counts.get("errors") or 0),
        "totalDurationMs": total_duration_ms(counts, admin) if state in FINISHED else None,
        "submittedAt": doc["createdAt"],
        "completedAt": doc.get("finishedAt"),
        "roomId": doc["roomId"],
        "userId": doc["userId"],
        "problemId": doc.get("problemId"),
        "language": doc["language"],
        "verdict": stored.get("verdict"),
    }


def submission_summary(doc: Document, admin: bool) -> SubmissionSummary:
    return SubmissionSummary.model_validate(_summary_fields(doc, admin))


def submission_details(doc: Document, admin: bool) -> ExecutionDetails:
    stored: dict[str, Any] = doc.get("result") or {}
    return ExecutionDetails.model_validate(
        _summary_fields(doc, admin)
        | {
            "testCases": case_views(stored.get("cases") or [], admin),
            "compileMessage": stored.get("compileMessage"),
        }
    )


def analysis_view(doc: Document) -> StaticAnalysisView:
    """`pending` (queued or running) has no report fields; a finished job adds its report."""
    job = {
        "jobId": doc["_id"],
        "source": doc["source"],
        "runId": doc.get("runId"),
        "submissionId": doc.get("submissionId"),
        "language": doc["language"],
        "createdAt": doc["createdAt"],
        "completedAt": doc.get("completedAt"),
    }
    report = doc.get("report")
    if doc["status"] not in FINISHED_ANALYSIS or not report:
        return StaticAnalysisPending.model_validate(job)
    findings = {key: value for key, value in report.items() if key != "status"}
    return StaticAnalysisResult.model_validate(job | findings | {"status": doc["status"]})
