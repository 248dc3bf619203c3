"""What the gateway asks an interviewer actor: the runtime it is spawned with, one job request, and the
acceptance it answers with. All plain, picklable values (they cross Ray)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actors.llm.port import AiRuntime
from engine.interview import machine


@dataclass(frozen=True)
class InterviewerRuntime:
    """What an interviewer actor needs from the configuration (picklable, passed at spawn)."""

    mongo_uri: str
    database: str
    ai: AiRuntime
    ai_daily_limit: int = 100
    silence_s: int = machine.SILENCE_S
    job_timeout_s: float = 120.0


@dataclass(frozen=True)
class JobRequest:
    """One AI request from the gateway; `payload` is the validated request body (plain JSON data)."""

    job_id: str
    kind: str
    """`interview`, `hint`, `analysis` or `review`."""
    user_id: str
    session_id: str | None
    problem_id: str | None
    language: str
    now: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class Accepted:
    job_id: str
    extra: dict[str, Any]
