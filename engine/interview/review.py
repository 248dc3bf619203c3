"""The code-review rubric: five dimension scores (0-100), line annotations and suggestions.

Rubric (documented, deterministic): correctness from the latest judged result; efficiency from the
code's loop nesting and sorting against the problem's optimal time (and a time-limit verdict); code
quality from the static-analysis findings, cyclomatic complexity, duplication and leftover TODOs;
communication from the candidate's turns; problem solving from hints used and failed attempts. The
overall score is their weighted mean. Invariant: an annotation points at a real line of the reviewed
code and says why that line matters; nothing in a review is code.
"""

from __future__ import annotations

from engine.interview.code_facts import estimated_time, slower_than_target
from engine.interview.context import Context, label
from engine.interview.model import Annotation, DimensionScore, Review
from engine.interview.reading import MessageKind

WEIGHTS = {"correctness": 30, "efficiency": 20, "codeQuality": 20, "communication": 15, "problemSolving": 15}
SUBSTANTIVE = {MessageKind.APPROACH.value, MessageKind.COMPLEXITY.value, MessageKind.QUESTION.value}
ANNOTATIONS_MAX = 10


def _clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def correctness(ctx: Context) -> DimensionScore:
    facts = ctx.state.execution
    if facts is None:
        return DimensionScore("correctness", 30, "Nothing has been run against the tests yet.")
    if facts.verdict == "compilation_error":
        return DimensionScore("correctness", 10, "The code does not compile yet.")
    if facts.accepted and facts.kind == "submission":
        return DimensionScore("correctness", 100, f"Accepted: all {facts.total} tests pass.")
    if facts.kind == "submission" and facts.total:
        ratio = (facts.passed or 0) / facts.total
        failing = facts.failing
        first = (
            f" Test {failing.index + 1} is the first to fail ({label(failing.verdict)})." if failing else ""
        )
        return DimensionScore(
            "correctness", _clamp(ratio * 85), f"{facts.passed} of {facts.total} pass.{first}"
        )
    if facts.failing is not None:
        return DimensionScore("correctness", 35, "The last run printed a wrong answer on an example.")
    return DimensionScore("correctness", 55, "Runs on examples, not yet judged against the full tests.")


def efficiency(ctx: Context) -> DimensionScore:
    optimal = ctx.problem.optimal_time if ctx.problem else None
    gap = slower_than_target(ctx.facts, optimal)
    estimate = estimated_time(ctx.facts)
    score = (92, 65, 40, 25)[min(gap, 3)]
    facts = ctx.state.execution
    if facts and facts.failing and facts.failing.verdict == "time_limit_exceeded":
        score = min(score, 35)
    target = f"; the problem allows {optimal}" if optimal else ""
    verb = "matches the target" if gap == 0 else "is slower than needed"
    return DimensionScore("efficiency", score, f"The code reads as {estimate}{target}: it {verb}.")


def code_quality(ctx: Context) -> DimensionScore:
    analysis = ctx.state.analysis
    findings = analysis.findings if analysis else ()
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    complex_ = [f for f in (analysis.functions if analysis else ()) if f.complexity >= 10]
    duplicated = len(analysis.duplicated_lines) if analysis else 0
    todos = len(ctx.facts.todo_lines)
    score = 92 - 10 * errors - 4 * warnings - 8 * len(complex_) - 5 * duplicated - 4 * todos
    parts = [
        f"{errors} error(s), {warnings} warning(s) from static analysis" if analysis else "no analysis yet"
    ]
    parts += [f"`{f.name}` has complexity {f.complexity}" for f in complex_[:2]]
    parts += ["a starter TODO is still there"] if todos else []
    return DimensionScore("codeQuality", _clamp(max(score, 20)), "; ".join(parts) + ".")


def communication(ctx: Context) -> DimensionScore:
    said = ctx.state.candidate_turns()
    substantive = sum(1 for t in said if t.kind in SUBSTANTIVE)
    if not said:
        return DimensionScore("communication", 35, "The candidate did not explain their thinking in chat.")
    score = 45 + 12 * substantive + 3 * (len(said) - substantive)
    return DimensionScore(
        "communication",
        _clamp(min(score, 95)),
        f"{len(said)} message(s), {substantive} about approach or cost.",
    )


def problem_solving(ctx: Context, failed_submissions: int) -> DimensionScore:
    hints = len(ctx.state.user_hints(ctx.user_id))
    score = 88 - 9 * hints - 6 * failed_submissions
    return DimensionScore(
        "problemSolving",
        _clamp(max(score, 20)),
        f"{hints} hint(s) used, {failed_submissions} failed submission(s) before this review.",
    )


def line_notes(ctx: Context) -> tuple[Annotation, ...]:
    notes: list[Annotation] = []
    analysis = ctx.state.analysis
    for finding in analysis.findings if analysis else ():
        if finding.line:
            rule = f" ({finding.rule})" if finding.rule else ""
            notes.append(
                Annotation(finding.line, f"{finding.tool}{rule}: {finding.message}", finding.severity)
            )
    notes += [
        Annotation(
            f.start_line,
            f"`{f.name}` has cyclomatic complexity {f.complexity}; split out a helper.",
            "warning",
        )
        for f in (analysis.functions if analysis else ())
        if f.complexity >= 10
    ]
    notes += [_loop_note(ctx, loop.line) for loop in ctx.facts.loops if loop.depth >= 2]
    notes += [Annotation(line, "Starter TODO left in place.", "info") for line in ctx.facts.todo_lines]
    for line in ctx.facts.sort_lines:
        if slower_than_target(ctx.facts, ctx.problem.optimal_time if ctx.problem else None):
            notes.append(
                Annotation(line, "Sorting here costs O(n log n); check whether the order is needed.", "info")
            )
    return tuple(sorted(notes, key=lambda n: n.line)[:ANNOTATIONS_MAX])


def _loop_note(ctx: Context, line: int) -> Annotation:
    size = ctx.size_constraint()
    bound = f" With {size}, that is a lot of steps." if size else ""
    return Annotation(line, f"This loop runs inside another loop, so the work multiplies.{bound}", "warning")


def suggestions(ctx: Context, scores: dict[str, DimensionScore]) -> tuple[str, ...]:
    out: list[str] = []
    facts = ctx.state.execution
    if scores["correctness"].score < 100 and facts and facts.failing:
        out.append(f"Reproduce test {facts.failing.index + 1} locally and trace it before changing code.")
    if scores["efficiency"].score < 80 and ctx.problem and ctx.problem.optimal_time:
        out.append(f"Aim for {ctx.problem.optimal_time}: avoid redoing work for every element.")
    if scores["codeQuality"].score < 80:
        out.append("Fix the static-analysis findings and keep each function small enough to read at once.")
    if scores["communication"].score < 70:
        out.append("Say your plan and its cost out loud before coding; interviewers grade the reasoning too.")
    if scores["problemSolving"].score < 70:
        out.append("Before asking for a hint, work one example by hand and note where you get stuck.")
    if not out:
        out.append("Add a test for the smallest and the largest input the constraints allow.")
    return tuple(out)


def write_review(ctx: Context, failed_submissions: int) -> Review:
    dims = (
        correctness(ctx),
        efficiency(ctx),
        code_quality(ctx),
        communication(ctx),
        problem_solving(ctx, failed_submissions),
    )
    scores = {d.name: d for d in dims}
    overall = _clamp(sum(WEIGHTS[d.name] * d.score for d in dims) / sum(WEIGHTS.values()))
    weakest = min(dims, key=lambda d: d.score)
    strongest = max(dims, key=lambda d: d.score)
    summary = (
        f"Overall {overall}/100 on “{ctx.title}”. Strongest: {strongest.name} ({strongest.score}); "
        f"weakest: {weakest.name} ({weakest.score}). {weakest.comment}"
    )
    return Review(overall, summary, dims, line_notes(ctx), suggestions(ctx, scores))
