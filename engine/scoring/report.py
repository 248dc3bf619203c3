"""The training report document (the seed's "Get training report" body plus the reference's extras),
built offline from the rubric's scores and the evidence they cite.

Invariant: scores come only from `engine.scoring.rubric`; prose is derived from the same facts, so the
same input always gives the same document. `generatedAt` is the caller's `now`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any, Final

from engine.scoring.model import Dimension, Scored, SessionInput, iso
from engine.scoring.rubric import overall, score_all

LABELS: Final = {
    Dimension.CORRECTNESS: "correctness",
    Dimension.EFFICIENCY: "efficiency",
    Dimension.CODE_QUALITY: "code quality",
    Dimension.COMMUNICATION: "communication",
    Dimension.PROBLEM_SOLVING: "problem solving",
}
ADVICE: Final = {
    Dimension.CORRECTNESS: "Test edge cases (empty, single element, limits) before submitting.",
    Dimension.EFFICIENCY: "Compare your loop nesting with the target complexity before coding.",
    Dimension.CODE_QUALITY: "Fix analyser findings and split long logic into named helpers.",
    Dimension.COMMUNICATION: "Explain your approach and ask clarifying questions before coding.",
    Dimension.PROBLEM_SOLVING: "Run small examples early and iterate before submitting.",
}
STRONG: Final = 75
WEAK: Final = 70
TREND_POINTS: Final = 3
HISTORY_MAX: Final = 10
THEME_WORDS: Final = re.compile(r"[a-z]{5,}")
THEMES_MAX: Final = 3
STOP_WORDS: Final = frozenset({"about", "would", "could", "should", "their", "there", "which", "really"})


def headline(dimension: Dimension, score: int) -> str:
    """The rubric's opening of a dimension's feedback: its score in a colour tag by band."""
    tone = "green" if score >= STRONG else "yellow" if score >= WEAK else "red"
    return f"<{tone}>{LABELS[dimension].capitalize()} {score}/100.</{tone}>"


def _feedback(dimension: Dimension, scored: Scored) -> str:
    advice = "" if scored.score >= STRONG else f" {ADVICE[dimension]}"
    return f"{headline(dimension, scored.score)} {scored.feedback}{advice}"


def comparison(s: SessionInput, score: int) -> dict[str, Any] | None:
    prior = s.prior_scores[:HISTORY_MAX]
    if not prior:
        return None
    average = sum(prior) / len(prior)
    trend = (
        "improving"
        if score >= average + TREND_POINTS
        else "declining"
        if score <= average - TREND_POINTS
        else "stable"
    )
    return {"trend": trend, "sessionsCompared": len(prior), "averageScore": round(average, 1)}


def peer_summary(s: SessionInput) -> dict[str, Any] | None:
    if not s.peer:
        return None
    ratings = [p.overall for p in s.peer if p.overall is not None]
    words = Counter(w for p in s.peer for w in THEME_WORDS.findall(p.text.lower()) if w not in STOP_WORDS)
    themes = [w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:THEMES_MAX]]
    again = sum(1 for p in s.peer if p.would_pair_again)
    average = round(sum(ratings) / len(ratings), 2) if ratings else 0
    summary = f"{len(s.peer)} peer review(s); {again} would pair again" + (
        f"; average rating {average}/5." if ratings else "."
    )
    return {"averageRating": average, "wouldPairAgain": again, "themes": themes, "summary": summary}


def breakdown(s: SessionInput) -> list[dict[str, Any]]:
    """The last submission's cases, as the reference's public projection (no inputs or outputs)."""
    last = s.submissions[-1] if s.submissions else None
    cases = last.cases if last else ()
    return [
        {
            "testCaseIndex": c.index,
            "passed": c.passed,
            "timedOut": c.timed_out,
            "errorMessage": None
            if c.passed
            else ("Time limit exceeded" if c.timed_out else "Hidden test failed" if c.hidden else c.error),
        }
        for c in cases
    ]


def _detailed(s: SessionInput, scores: dict[Dimension, Scored], total: int) -> str:
    ranked = sorted(scores, key=lambda d: (-scores[d].score, d.value))
    best, worst = ranked[0], ranked[-1]
    problem = s.problem_title or "the problem"
    return (
        f"Overall {total}/100 on {problem}. Strongest: {LABELS[best]} ({scores[best].score}); "
        f"weakest: {LABELS[worst]} ({scores[worst].score}). {scores[Dimension.CORRECTNESS].feedback} "
        f"Next time: {ADVICE[worst]}"
    )


def build_report(s: SessionInput, now: datetime) -> dict[str, Any]:
    scores = score_all(s)
    total = overall(scores)
    dims = {d.value: scored.payload() | {"feedback": _feedback(d, scored)} for d, scored in scores.items()}
    ranked = sorted(scores, key=lambda d: (-scores[d].score, d.value))
    detailed = _detailed(s, scores, total)
    return {
        "sessionId": s.session_id,
        "generatedAt": iso(now),
        "overallScore": total,
        "categoryScores": {d.value: scored.score for d, scored in scores.items()},
        "dimensions": dims,
        "strengths": [
            f"{LABELS[d].capitalize()}: {scores[d].feedback}" for d in ranked if scores[d].score >= STRONG
        ][:3],
        "areasForImprovement": [ADVICE[d] for d in reversed(ranked) if scores[d].score < WEAK][:3],
        "detailedFeedback": detailed,
        "feedback": detailed,
        "comparisonToHistory": comparison(s, total),
        "peerFeedbackSummary": peer_summary(s),
        "testCaseBreakdown": breakdown(s),
        "staticAnalysis": [f.payload for f in s.static],
        "proseSource": "offline",
    }
