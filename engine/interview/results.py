"""What the offline interviewer says about results: a failing case (visible, hidden or an example of a
run), a crash, a compile error, a static-analysis error, an accepted submission.

Invariant: a hidden case is named by its index and verdict only; a line is cited only when the result
or the code names it.
"""

from __future__ import annotations

import re

from engine.interview.code_facts import estimated_time, slower_than_target
from engine.interview.context import Context, label, show
from engine.interview.machine import Plan
from engine.interview.model import SILENT, Annotation, ExecutionFacts, FailingCase, QuestionType, Reply, Topic
from engine.interview.phrasing import reply, stage_reply
from engine.interview.reading import pick

Q = QuestionType


def debug(ctx: Context, plan: Plan) -> Reply:
    facts = ctx.state.execution
    if facts is None:
        return stage_reply(ctx, plan)
    failing = facts.failing
    counts = f"passes {facts.passed} of {facts.total} tests" if facts.total else "doesn't pass yet"
    if failing is None:
        return reply(
            f"The submission {counts} ({label(facts.verdict)}).",
            "What changed since your last run on the examples?",
            Q.CORRECTNESS,
        )
    return _failure_detail(ctx, plan, facts, failing, _case_sentence(facts, failing, counts))


def _case_sentence(facts: ExecutionFacts, case: FailingCase, counts: str) -> str:
    verdict = label(case.verdict)
    if facts.kind == "run" and case.example:
        return (
            f"Your run on example {case.example} printed {show(case.actual)}, but it should print "
            f"{show(case.expected)}."
        )
    if case.hidden:
        return (
            f"Your submission {counts}. Test {case.index + 1} is the first that fails ({verdict}); it's "
            "a hidden test, so I can't show you its input."
        )
    return (
        f"Your submission {counts}. Test {case.index + 1} fails ({verdict}): for input "
        f"{show(case.input)} the expected output is {show(case.expected)}, and your code printed "
        f"{show(case.actual)}."
    )


def _failure_detail(ctx: Context, plan: Plan, facts: ExecutionFacts, case: FailingCase, said: str) -> Reply:
    if case.verdict == "time_limit_exceeded":
        return _too_slow(ctx, said)
    if case.verdict == "runtime_error" and case.error:
        return _crashed(said, case.error, _error_line(case.error or facts.stderr))
    if case.hidden:
        edge = ctx.edge_constraint()
        ask = (
            f"Which inputs allowed by “{edge}” haven't you tried yet?"
            if edge
            else "Which edge cases haven't you tried yet?"
        )
        return reply(said, ask, Q.EDGE_CASE)
    ask = pick(
        plan.seed,
        (
            "Trace that input through your code: where does the first wrong value appear?",
            "Walk me through what your code computes on that input, step by step.",
        ),
    )
    return reply(said, ask, Q.CORRECTNESS)


def _too_slow(ctx: Context, said: str) -> Reply:
    deepest = ctx.facts.deepest()
    where = f" The loop on line {deepest.line} is where I'd look." if deepest and deepest.depth > 1 else ""
    size = ctx.size_constraint()
    lines = (deepest.line, deepest.line) if deepest else None
    return reply(
        said + where,
        f"What does your approach cost{' when ' + size if size else ''}?",
        Q.OPTIMIZATION,
        lines=lines,
    )


def _crashed(said: str, error: str, line: int | None) -> Reply:
    crash = error.strip().splitlines()[-1][:160]
    notes = (Annotation(line, f"The crash is reported here: {crash}", "error"),) if line else ()
    return reply(
        f"{said} It crashed with “{crash}”.",
        "What value does that line see on this input?",
        Q.BUG_RISK,
        annotations=notes,
        lines=(line, line) if line else None,
    )


def _error_line(text: str | None) -> int | None:
    found = re.findall(r"line (\d+)|:(\d+):\d+", text or "")
    if not found:
        return None
    last = found[-1]
    return int(last[0] or last[1])


def compile_error(ctx: Context, plan: Plan) -> Reply:
    facts = ctx.state.execution
    message = (facts.stderr if facts else "") or ""
    first = next((ln.strip() for ln in message.splitlines() if "error" in ln.lower()), message.strip()[:160])
    line = _error_line(message)
    notes = (Annotation(line, f"Compiler: {first[:200]}", "error"),) if line else ()
    said = f"It doesn't compile yet: “{first[:200]}”." if first else "It doesn't compile yet."
    return reply(said, "Fix that and run it on an example again?", Q.BUG_RISK, annotations=notes)


def passed(ctx: Context, plan: Plan) -> Reply:
    facts = ctx.state.execution
    total = f"All {facts.total} tests pass." if facts and facts.total else "It's accepted."
    optimal = ctx.problem.optimal_time if ctx.problem else None
    if ctx.facts.loops and slower_than_target(ctx.facts, optimal):
        return reply(
            f"{total} It reads like {estimated_time(ctx.facts)} to me, though.",
            "Is there a way to avoid the inner work per element?",
            Q.OPTIMIZATION,
        )
    if Topic.TIME_COMPLEXITY not in ctx.state.topics:
        return reply(
            f"{total} Nice work.", "What's the time and space complexity of your solution?", Q.COMPLEXITY
        )
    return reply(
        f"{total} Nice work.",
        "Which edge case worried you most, and where does your code handle it?",
        Q.EDGE_CASE,
    )


def run_ok(ctx: Context, plan: Plan) -> Reply:
    facts = ctx.state.execution
    which = f"Example {facts.matched_example}" if facts and facts.matched_example else "That example"
    edge = ctx.edge_constraint()
    ask = (
        f"What about an input at the edge of “{edge}”?"
        if edge
        else "Which input would you try next to break it?"
    )
    return reply(f"{which} comes out right.", ask, Q.EDGE_CASE)


def static(ctx: Context, plan: Plan) -> Reply:
    analysis = ctx.state.analysis
    errors = analysis.errors if analysis else ()
    if not errors:
        return SILENT
    first = errors[0]
    where = f"line {first.line}" if first.line else "your code"
    notes = tuple(Annotation(f.line, f"{f.tool}: {f.message}", "error") for f in errors[:3] if f.line)
    return reply(
        f"Before you go further: {first.tool} reports an error at {where}: “{first.message[:160]}”.",
        "Do you see what it's pointing at?",
        Q.BUG_RISK,
        annotations=notes,
    )
