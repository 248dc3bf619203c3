"""Shared phrasing of the offline interviewer: building a reply, naming an example, and the question
that moves the current stage forward (skipping what was already discussed).

Invariant: every sentence is built from facts the context holds; nothing is a placeholder.
"""

from __future__ import annotations

from engine.interview.context import Context, show
from engine.interview.machine import Plan
from engine.interview.model import Annotation, QuestionType, Reply, Stage, Topic
from engine.interview.reading import pick

Q = QuestionType


def reply(
    message: str,
    question: str | None = None,
    kind: QuestionType | None = None,
    annotations: tuple[Annotation, ...] = (),
    lines: tuple[int, int] | None = None,
) -> Reply:
    return Reply(True, message, question, kind, annotations, lines)


def example_line(ctx: Context, index: int = 0) -> str | None:
    if ctx.problem is None or len(ctx.problem.examples) <= index:
        return None
    example = ctx.problem.examples[index]
    return f"example {index + 1} ({show(example.input)} → {show(example.output)})"


def stage_question(ctx: Context, seed: str) -> tuple[str, QuestionType]:
    """The question that moves the current stage forward, skipping what was already discussed."""
    topics, stage = ctx.state.topics, ctx.state.stage
    if stage in (Stage.CLARIFY, Stage.APPROACH) and Topic.APPROACH not in topics:
        return pick(
            seed,
            (
                "How would you approach it? Walk me through the idea before writing code.",
                "What's your plan of attack? Talk me through it before you type.",
            ),
        ), Q.OTHER
    if stage in (Stage.CLARIFY, Stage.APPROACH):
        return (
            "What will you store as you go, and what is the work done per element?",
            Q.DATA_STRUCTURE_CHOICE,
        )
    if stage in (Stage.TEST, Stage.CODE) and Topic.EDGE_CASES not in topics and ctx.edge_constraint():
        return f"How does your code behave at the edge of “{ctx.edge_constraint()}”?", Q.EDGE_CASE
    if Topic.TIME_COMPLEXITY not in topics:
        return "What are the time and space costs of what you have, in terms of the input size?", Q.COMPLEXITY
    if stage is Stage.WRAP_UP:
        return "If you had ten more minutes, what would you change first?", Q.OTHER
    return pick(
        seed,
        (
            "Which input are you least sure about right now?",
            "What's the next thing you'd verify before submitting?",
        ),
    ), Q.CORRECTNESS


def stage_reply(ctx: Context, plan: Plan) -> Reply:
    question, kind = stage_question(ctx, plan.seed)
    lead = pick(plan.seed, ("Okay.", "Got it.", "Alright.", "Mm-hm, go on."))
    return reply(lead, question, kind)
