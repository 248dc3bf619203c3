"""A job's lifecycle as stored and as each route names it.

Stored states (`runs`, `submissions`), written only by the job's task: queued -> running -> completed |
failed (`failed` there means the job itself broke: sandbox or storage trouble, not the user's code).

A run poll says `queued` or `running` until the run finished, then the run's own `completed` or
`failed` (a clean exit or not — the reference's `RunCodeResult.status`). A run whose task died (a Ray
worker lost mid-job never writes its final state) is `failed` once it has been running for longer than
any run can (`RUN_VANISHED_AFTER`: the compile wall clock, the longest run wall clock, and slot waits).
A submission is `pending` while queued (the reference's `ExecutionDetails.status`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class SubmissionStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


FINISHED: Final = frozenset({JobState.COMPLETED, JobState.FAILED})
RUN_VANISHED_AFTER: Final = timedelta(minutes=10)


def run_vanished(state: JobState, started_at: datetime | None, now: datetime) -> bool:
    """A run still marked running long after any run would have ended."""
    return state is JobState.RUNNING and started_at is not None and now - started_at > RUN_VANISHED_AFTER


def submission_status(state: JobState) -> SubmissionStatus:
    return SubmissionStatus.PENDING if state is JobState.QUEUED else SubmissionStatus(state.value)
