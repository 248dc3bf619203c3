"""The rubric (docs/RUBRIC.md): five dimension scores 0..100 from one session's real data.

Invariant: deterministic and total: every dimension gets a score in 0..100, a feedback sentence built
from the facts it used and at least one evidence item that resolves (the session's start or end moment
when nothing else exists).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from engine.interview.code_facts import read_code, slower_than_target
from engine.scoring import evidence as ev
from engine.scoring.model import WEIGHTS, Attempt, Dimension, Evidence, PeerRating, Scored, SessionInput

EXPLAINS: Final = re.compile(
    r"\b(because|since|approach|idea|plan|complexity|trade-?off|so that|first i|i will|i'll|hash|sort)\b|O\(",
    re.IGNORECASE,
)
HIGH_COMPLEXITY: Final = 10
SLOW_START_S: Final = 20 * 60


def _clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def _last_submission(s: SessionInput) -> Attempt | None:
    return s.submissions[-1] if s.submissions else None


def _failing_case(attempt: Attempt) -> str:
    case = next((c for c in attempt.cases if c.passed is not True), None)
    if case is None:
        return f"{attempt.passed}/{attempt.total} tests passed"
    kind = "hidden test" if case.hidden else "test"
    verdict = case.verdict.replace("_", " ")
    return f"{attempt.passed}/{attempt.total} passed; first failure: {kind} {case.index + 1} ({verdict})"


def _evidence(s: SessionInput, items: list[Evidence | None]) -> tuple[Evidence, ...]:
    found = ev.kept(items, s)
    return found or (ev.event(s.finished_at, "Session ended without further evidence for this dimension"),)


def correctness(s: SessionInput) -> Scored:
    subs, last = s.submissions, _last_submission(s)
    wrong_before = sum(1 for a in subs if not a.accepted)
    score: float
    if last is not None and last.accepted:
        score, text = (
            100 - 5 * min(3, wrong_before),
            f"Accepted on submission {len(subs)} ({last.passed}/{last.total}).",
        )
    elif any(a.accepted for a in subs):
        score, text = 75, "An accepted submission was followed by a failing one."
    elif subs:
        best = max(subs, key=lambda a: a.passed / a.total if a.total else 0)
        score = 60 * (best.passed / best.total if best.total else 0)
        text = f"No submission was accepted; best {best.passed}/{best.total}."
    else:
        clean = any(a.verdict == "accepted" for a in s.runs)
        score, text = (25 if clean else 10) if s.runs else 0, "Nothing was submitted for judging."
    items: list[Evidence | None] = [
        ev.event(a.at, f"{a.label.capitalize()} submission: {_failing_case(a)}") for a in subs[-3:]
    ]
    items += [ev.first_code_line(s.final_code, "Entry point of the final solution")]
    return Scored(_clamp(score), text, _evidence(s, items))


def _timed_out(attempt: Attempt | None, large: bool) -> bool:
    return attempt is not None and any(c.timed_out and c.large == large for c in attempt.cases)


def efficiency(s: SessionInput) -> Scored:
    facts, last = read_code(s.final_code), _last_submission(s)
    slower = slower_than_target(facts, s.optimal_time)
    target = s.optimal_time or "unknown"
    if _timed_out(last, large=True):
        score, text = 35 - 10 * slower, f"Timed out on large tests: not the optimal {target}."
    elif _timed_out(last, large=False):
        score, text = 25, "Timed out even on small tests."
    elif last is not None and last.accepted:
        score, text = 95 - 15 * slower, f"Passed every test within the limits; target {target}."
    else:
        score = (70 if last is not None else 50) - 15 * slower
        text = f"Not measured on the full tests; loop nesting {facts.max_depth} against a target of {target}."
    deepest = facts.deepest()
    items: list[Evidence | None] = []
    if deepest is not None:
        items.append(ev.code_line(s.final_code, deepest.line, f"Deepest loop (nesting {deepest.depth})"))
    if last is not None and (last.accepted or _timed_out(last, True)):
        items.append(ev.event(last.at, f"{last.label.capitalize()} on the judged tests"))
    items.append(ev.first_code_line(s.final_code, "Final solution"))
    return Scored(_clamp(score), text, _evidence(s, items))


def code_quality(s: SessionInput) -> Scored:
    if not s.final_code.strip():
        return Scored(0, "No code was written.", _evidence(s, []))
    facts, last = read_code(s.final_code), s.static[-1] if s.static else None
    score = 90 - 5 * min(2, len(facts.todo_lines))
    items: list[Evidence | None] = []
    if last is not None:
        score -= min(32, 8 * last.errors) + min(15, 3 * last.warnings) + min(15, 5 * last.duplications)
        score -= 10 if (last.max_complexity or 0) >= HIGH_COMPLEXITY else 0
        if last.first_finding is not None:
            items.append(ev.code_line(s.final_code, last.first_finding[0], ev.excerpt(last.first_finding[1])))
    found = f"{last.errors} errors, {last.warnings} warnings" if last else "no static analysis run"
    text = f"Static analysis: {found}; {len(facts.todo_lines)} leftover TODOs."
    items += [ev.code_line(s.final_code, n, "Leftover TODO") for n in facts.todo_lines[:1]]
    items += [ev.code_snippet(s.final_code, _first_code(s.final_code), "Opening of the final code")]
    return Scored(_clamp(score), text, _evidence(s, items))


def _first_code(code: str) -> int:
    return next((n for n, line in enumerate(code.splitlines(), start=1) if line.strip()), 1)


def _peer_average(s: SessionInput, pick: Callable[[PeerRating], int | None]) -> float | None:
    values = [v for v in (pick(p) for p in s.peer) if v is not None]
    return sum(values) / len(values) * 20 if values else None


def communication(s: SessionInput) -> Scored:
    explained = [m for m in s.messages if EXPLAINS.search(m.text)]
    asked = [m for m in s.messages if "?" in m.text]
    score: float = 20 if not s.messages else 30 + min(25, 5 * len(s.messages))
    score += min(25, 10 * len(explained)) + min(20, 10 * len(asked))
    peer = _peer_average(s, lambda p: p.communication)
    score = score if peer is None else 0.8 * score + 0.2 * peer
    text = f"{len(s.messages)} messages, {len(explained)} explaining the approach, {len(asked)} questions."
    items: list[Evidence | None] = [
        ev.event(m.at, f"Explained: “{ev.excerpt(m.text, 60)}”") for m in explained[:1]
    ]
    items += [ev.event(m.at, f"Asked: “{ev.excerpt(m.text, 60)}”") for m in asked[:1]]
    items += [ev.event(m.at, f"Wrote: “{ev.excerpt(m.text, 60)}”") for m in s.messages[:1]]
    return Scored(_clamp(score), text, _evidence(s, items))


def problem_solving(s: SessionInput) -> Scored:
    subs, first = s.submissions, s.attempts[0] if s.attempts else None
    accepted = next((a for a in subs if a.accepted), None)
    best = max((a.passed / a.total for a in subs if a.total), default=0.0)
    score = 80 if accepted else 40 + 30 * best
    score -= min(15, 5 * max(0, sum(not a.accepted for a in subs) - 1))
    score += 10 if s.runs and subs and s.runs[0].at <= subs[0].at else 0
    score += 5 if len(s.snapshots) >= 3 else 0
    late = first is None or (first.at - s.started_at).total_seconds() > SLOW_START_S
    score -= 10 if late else 0
    peer = _peer_average(s, lambda p: p.problem_solving)
    score = score if peer is None else 0.8 * score + 0.2 * peer
    runs_before = sum(1 for a in s.runs if accepted is None or a.at <= accepted.at)
    text = f"{runs_before} runs and {len(subs)} submissions{' before acceptance' if accepted else ''}."
    items: list[Evidence | None] = []
    if first is not None:
        minutes = int((first.at - s.started_at).total_seconds() // 60)
        items.append(ev.event(first.at, f"First {first.kind} after {minutes} min"))
    if accepted is not None:
        items.append(ev.event(accepted.at, f"Accepted after {runs_before} runs"))
    return Scored(_clamp(score), text, _evidence(s, items))


SCORERS: Final[dict[Dimension, Callable[[SessionInput], Scored]]] = {
    Dimension.CORRECTNESS: correctness,
    Dimension.EFFICIENCY: efficiency,
    Dimension.CODE_QUALITY: code_quality,
    Dimension.COMMUNICATION: communication,
    Dimension.PROBLEM_SOLVING: problem_solving,
}


def score_all(s: SessionInput) -> dict[Dimension, Scored]:
    return {dimension: scorer(s) for dimension, scorer in SCORERS.items()}


def overall(scores: dict[Dimension, Scored]) -> int:
    return _clamp(sum(WEIGHTS[d] * scores[d].score for d in scores))
