"""Offline training-report generation time: median and p95 over 50 synthetic sessions (rubric, evidence,
prose and weakness signals; no I/O). Run: .venv/bin/python scripts/bench_reports.py"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from engine.scoring.model import (
    Attempt,
    CaseOutcome,
    Message,
    PeerRating,
    SessionInput,
    Snapshot,
    StaticFacts,
)
from engine.scoring.report import build_report
from engine.scoring.weakness import signals

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SESSIONS = 50


def _session(k: int) -> SessionInput:
    code = "\n".join(f"    for i{j} in range(n):\n        total += {j}" for j in range(40 + k))
    cases = tuple(CaseOutcome(i, i % 7 != k % 7, i == 19, "accepted", i > 3, i > 15) for i in range(20))
    attempts = tuple(
        Attempt(
            f"a{i}",
            "run" if i % 3 else "submission",
            START + timedelta(seconds=30 * i),
            "wrong_answer",
            18,
            20,
            cases,
        )
        for i in range(30)
    )
    return SessionInput(
        session_id=f"s{k}",
        user_id="u",
        problem_title="Synthetic",
        optimal_time="O(n log n)",
        started_at=START,
        finished_at=START + timedelta(hours=1),
        final_code="def solve(n):\n    total = 0\n" + code,
        attempts=attempts,
        snapshots=tuple(Snapshot(f"p{i}", START + timedelta(minutes=i), "periodic", 40) for i in range(60)),
        messages=tuple(
            Message(f"m{i}", START + timedelta(seconds=45 * i), "chat", f"because O(n) idea {i}?")
            for i in range(200)
        ),
        peer=(PeerRating(4, 4, 3, True, "clear explanation, careful testing"),),
        static=(StaticFacts(1, 3, 12, 1, 1, 0, 0, (2, "unused variable")),),
        prior_scores=tuple(float(50 + i) for i in range(10)),
    )


def main() -> None:
    inputs = [_session(k) for k in range(SESSIONS)]
    times = []
    for session in inputs:
        began = time.perf_counter()
        report = build_report(session, START)
        signals(report, [report["categoryScores"]])
        times.append((time.perf_counter() - began) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(
        f"offline report generation over {SESSIONS} sessions: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms"
    )


if __name__ == "__main__":
    main()
