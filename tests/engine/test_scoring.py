"""Rubric tests: an accepted optimal solution beats a wrong one and a brute force that times out on the
large tests; every evidence item resolves; the same input gives the same report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.scoring.compare import compare, trend
from engine.scoring.evidence import resolves
from engine.scoring.model import Attempt, CaseOutcome, Dimension, Message, SessionInput
from engine.scoring.report import build_report
from engine.scoring.rubric import score_all
from engine.scoring.weakness import signals

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OPTIMAL = (
    "def solve(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n"
    "        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n"
)
BRUTE = (
    "def solve(nums, target):\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n"
    "            if nums[i] + nums[j] == target:\n                return [i, j]\n"
)


def _cases(verdicts: list[str]) -> tuple[CaseOutcome, ...]:
    return tuple(
        CaseOutcome(i, v == "accepted", v == "time_limit_exceeded", v, hidden=i >= 2, large=i >= 3)
        for i, v in enumerate(verdicts)
    )


def _submission(verdict: str, cases: list[str], minute: int) -> Attempt:
    outcomes = _cases(cases)
    passed = sum(c.passed is True for c in outcomes)
    return Attempt(
        f"s{minute}", "submission", START + timedelta(minutes=minute), verdict, passed, len(cases), outcomes
    )


def _session(code: str, attempts: tuple[Attempt, ...]) -> SessionInput:
    run = Attempt("r1", "run", START + timedelta(minutes=2), "accepted")
    chat = Message("m1", START + timedelta(minutes=1), "chat", "My approach: a hash map, because O(n)?")
    return SessionInput(
        session_id="s",
        user_id="u",
        problem_title="Two Sum",
        optimal_time="O(n)",
        started_at=START,
        finished_at=START + timedelta(minutes=30),
        final_code=code,
        attempts=(run, *attempts),
        messages=(chat,),
    )


OPTIMAL_SESSION = _session(OPTIMAL, (_submission("accepted", ["accepted"] * 5, 10),))
WRONG_SESSION = _session(
    OPTIMAL, (_submission("wrong_answer", ["accepted", "wrong_answer", *["wrong_answer"] * 3], 10),)
)
BRUTE_SESSION = _session(
    BRUTE, (_submission("time_limit_exceeded", ["accepted"] * 3 + ["time_limit_exceeded"] * 2, 10),)
)


def test_scoring_optimal_beats_wrong_and_brute_force() -> None:
    good, wrong, brute = (score_all(s) for s in (OPTIMAL_SESSION, WRONG_SESSION, BRUTE_SESSION))
    for dimension in (Dimension.CORRECTNESS, Dimension.EFFICIENCY):
        assert good[dimension].score > wrong[dimension].score
        assert good[dimension].score > brute[dimension].score
    assert good[Dimension.EFFICIENCY].score >= 95
    assert brute[Dimension.EFFICIENCY].score < 50


def test_scoring_evidence_resolves_and_is_never_empty() -> None:
    for session in (OPTIMAL_SESSION, WRONG_SESSION, BRUTE_SESSION):
        for scored in score_all(session).values():
            assert scored.evidence
            assert all(resolves(e, session) for e in scored.evidence)
            assert 0 <= scored.score <= 100


def test_scoring_report_is_stable_and_complete() -> None:
    first, second = build_report(BRUTE_SESSION, START), build_report(BRUTE_SESSION, START)
    assert first == second
    assert set(first["dimensions"]) == {d.value for d in Dimension}
    assert first["testCaseBreakdown"][3] == {
        "testCaseIndex": 3,
        "passed": False,
        "timedOut": True,
        "errorMessage": "Time limit exceeded",
    }
    assert first["comparisonToHistory"] is None and first["peerFeedbackSummary"] is None
    assert len(first["strengths"]) <= 3 and len(first["areasForImprovement"]) <= 3


def test_scoring_weakness_signals_follow_the_weak_dimensions() -> None:
    report = build_report(BRUTE_SESSION, START)
    found = {s.category.value: s for s in signals(report, [{"efficiency": 90.0}])}
    assert "time_complexity" in found
    assert found["time_complexity"].trend == "worsening"


def test_compare_uses_the_two_point_rule() -> None:
    assert trend([50, 52]) == "improving"
    assert trend([50, 51]) == "stable"
    assert trend([60, 50, 48]) == "declining"
    assert trend([70]) == "stable"
    result = compare([{"correctness": 40, "overall": 50}, {"correctness": 70, "overall": 51}])
    assert result["correctness"] == {"values": [40.0, 70.0], "deltas": [30.0], "trend": "improving"}
    assert result["overall"]["trend"] == "stable"
