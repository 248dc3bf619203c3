"""What a viewer may see of a judged case (pure rules), and how a job's stored state reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from engine.execution.disclosure import case_view, case_views, tally, total_duration_ms
from engine.execution.jobs import JobState, SubmissionStatus, run_vanished, submission_status
from engine.execution.results import broken_job_result

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _stored(index: int, hidden: bool, **fields: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "index": index,
        "isHidden": hidden,
        "verdict": "runtime_error",
        "status": "failed",
        "stdout": "S",
        "stderr": "Traceback: S",
        "exitCode": 83,
        "durationMs": 830,
        "cpuTimeMs": 415,
        "memoryUsageMb": 83.0,
        "timedOut": False,
        "outputTruncated": False,
        "error": "Runtime error (exit code 83)",
        "passed": None,
        "expectedOutput": "Secret",
        "actualOutput": None,
        "aFieldAddedLater": 83,
    }
    return case | fields


def test_case_view_hidden_case_shows_a_non_admin_only_its_verdict() -> None:
    view = case_view(_stored(1, hidden=True), admin=False)
    assert view == {
        "testCaseIndex": 1,
        "passed": None,
        "expectedOutput": None,
        "actualOutput": None,
        "stdout": None,
        "stderr": None,
        "exitCode": None,
        "durationMs": None,
        "memoryUsageMb": None,
        "timedOut": False,
        "errorMessage": None,
        "isHidden": True,
        "verdict": "runtime_error",
        "cpuTimeMs": None,
        "outputTruncated": None,
    }


def test_case_view_admin_and_visible_cases_show_everything() -> None:
    for view in (case_view(_stored(1, hidden=True), admin=True), case_view(_stored(0, hidden=False), False)):
        assert (view["exitCode"], view["durationMs"], view["memoryUsageMb"]) == (83, 830, 83.0)
        assert (view["expectedOutput"], view["errorMessage"]) == ("Secret", "Runtime error (exit code 83)")
    assert "aFieldAddedLater" not in case_view(_stored(0, hidden=False), admin=True)


def test_case_views_are_ordered_by_index() -> None:
    views = case_views([_stored(2, False), _stored(0, True), _stored(1, False)], admin=False)
    assert [v["testCaseIndex"] for v in views] == [0, 1, 2]


def test_tally_counts_and_visible_duration() -> None:
    cases = [
        _stored(0, False, passed=True, durationMs=10),
        _stored(1, True, passed=False, durationMs=830),
        _stored(2, True, passed=None, durationMs=None),
    ]
    counted = tally(cases)
    assert (counted.passed, counted.failed, counted.errors) == (1, 1, 1)
    assert (counted.total_duration_ms, counted.visible_duration_ms) == (840, 10)
    assert total_duration_ms(counted.payload(), admin=True) == 840
    assert total_duration_ms(counted.payload(), admin=False) == 10


def test_tally_all_hidden_shows_no_duration() -> None:
    counted = tally([_stored(0, True)])
    assert counted.visible_duration_ms is None
    assert total_duration_ms(counted.payload(), admin=False) is None
    assert tally([]).payload() == {
        "passed": 0,
        "failed": 0,
        "errors": 0,
        "totalDurationMs": 0,
        "visibleDurationMs": None,
    }


def test_run_vanished_only_when_running_past_the_bound() -> None:
    long_ago = NOW - timedelta(minutes=11)
    assert run_vanished(JobState.RUNNING, long_ago, NOW)
    assert not run_vanished(JobState.RUNNING, NOW - timedelta(minutes=9), NOW)
    assert not run_vanished(JobState.QUEUED, long_ago, NOW)
    assert not run_vanished(JobState.RUNNING, None, NOW)


def test_submission_status_names_queued_pending() -> None:
    assert [submission_status(state) for state in JobState] == [
        SubmissionStatus.PENDING,
        SubmissionStatus.RUNNING,
        SubmissionStatus.COMPLETED,
        SubmissionStatus.FAILED,
    ]


def test_broken_job_result_is_complete_for_either_kind() -> None:
    run = broken_job_result("run", "boom")
    assert (run["status"], run["stdout"], run["exitCode"], run["error"]) == ("failed", "", -1, "boom")
    submission = broken_job_result("submission", "boom")
    assert (submission["cases"], submission["errors"], submission["verdict"]) == ([], 0, "system_error")
