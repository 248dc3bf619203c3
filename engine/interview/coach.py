"""The offline interviewer's voice: one writer per planned move, grounded in the problem, the code, the
last results and the conversation.

Invariant: every sentence is built from facts the context holds (the statement, a constraint, an
example, the failing case, a line of the code, a finding); where a fact is missing the sentence is left
out, not filled with a placeholder. The candidate's words are never quoted back. No writer emits code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from engine.interview import results
from engine.interview.code_facts import estimated_time, slower_than_target, target_rank
from engine.interview.context import Context, show
from engine.interview.machine import Move, Plan
from engine.interview.model import Annotation, QuestionType, Reply, Topic
from engine.interview.phrasing import example_line, reply, stage_question, stage_reply
from engine.interview.reading import pick, techniques

Q = QuestionType
BIG_O = re.compile(r"o\s*\(([^)]{1,20})\)", re.IGNORECASE)


def _open(ctx: Context, plan: Plan) -> Reply:
    size = ctx.size_constraint()
    start = pick(
        plan.seed,
        (
            f"Hi, I'll be your interviewer today. We're working on “{ctx.title}”.",
            f"Hello! Today's problem is “{ctx.title}”.",
            f"Welcome. Let's work through “{ctx.title}” together.",
        ),
    )
    ask = "Take a moment with the statement, then tell me in your own words what the input and output are."
    if size:
        return reply(f"{start} {ask}", f"Given “{size}”, how large can the input get?", Q.OTHER)
    return reply(f"{start} {ask}", "Any questions about the statement before you start?", Q.OTHER)


def _answer(ctx: Context, plan: Plan) -> Reply:
    found = ctx.grounding(plan.text)
    question, kind = stage_question(ctx, plan.seed)
    if found:
        lead = pick(plan.seed, ("Good question. The statement covers it:", "That's pinned down:"))
        return reply(f"{lead} “{found}”", question, kind)
    return reply(
        "The statement doesn't pin that down, so make an assumption, say it out loud, and handle it "
        "explicitly in your code.",
        question,
        kind,
    )


def _probe_approach(ctx: Context, plan: Plan) -> Reply:
    named = techniques(plan.text)
    tags = set(ctx.problem.tags) if ctx.problem else set()
    size = ctx.size_constraint()
    if "brute-force" in named:
        where = f" (“{size}”)" if size else ""
        return reply(
            "Brute force is a reasonable baseline to state.",
            f"How many operations is that for the largest input{where}, and can you do better?",
            Q.COMPLEXITY,
        )
    if "sorting" in named and ctx.problem and target_rank(ctx.problem.optimal_time) < 2:
        return reply(
            "Sorting would work.",
            "Sorting costs O(n log n). Do you actually need the order, or "
            "only some property of the elements?",
            Q.OPTIMIZATION,
        )
    if set(named) & tags:
        lead = pick(plan.seed, ("That direction fits this problem.", "Good, that's a promising direction."))
        return reply(
            lead,
            "What exactly will you store, and what happens when the next element of the input arrives?",
            Q.DATA_STRUCTURE_CHOICE,
        )
    example = example_line(ctx, 1) or example_line(ctx, 0)
    ask = (
        f"Walk me through {example} with that idea: what comes out?"
        if example
        else ("Walk me through the first example with that idea: what comes out?")
    )
    return reply(
        pick(plan.seed, ("Let's test that idea.", "Let's check it against the examples.")), ask, Q.CORRECTNESS
    )


def _check_complexity(ctx: Context, plan: Plan) -> Reply:
    stated = BIG_O.findall(plan.text)
    deepest = ctx.facts.deepest()
    if deepest is not None and deepest.depth >= 2 and stated and target_rank(stated[0]) < 3:
        line = deepest.line
        note = Annotation(line, "This loop is nested inside another one.", "warning")
        return reply(
            f"Look again at line {line}: that loop runs inside another loop.",
            "What does the nesting do to the bound?",
            Q.COMPLEXITY,
            (note,),
            (line, line),
        )
    problem = ctx.problem
    optimal = problem.optimal_time if problem else None
    if ctx.facts.loops and optimal and slower_than_target(ctx.facts, optimal):
        size = ctx.size_constraint()
        return reply(
            f"Your code looks like {estimated_time(ctx.facts)} to me.",
            f"Is that fast enough{' for ' + size if size else ''}? What would a faster version need?",
            Q.OPTIMIZATION,
        )
    if stated and optimal and target_rank(stated[0]) > target_rank(optimal):
        return reply(
            "That would work, but it isn't the best this problem allows.",
            "Where is the repeated work, and could a different structure avoid it?",
            Q.OPTIMIZATION,
        )
    return _space_follow_up(ctx, plan, stated)


def _space_follow_up(ctx: Context, plan: Plan, stated: list[str]) -> Reply:
    optimal_space = ctx.problem.optimal_space if ctx.problem else None
    if Topic.SPACE_COMPLEXITY not in ctx.state.topics:
        return reply(
            pick(plan.seed, ("That's the time bound I'd expect.", "Agreed on time.")),
            "And the extra space: what grows with the input, and how big can it get?",
            Q.COMPLEXITY,
        )
    if len(stated) > 1 and optimal_space and target_rank(stated[1]) > target_rank(optimal_space):
        return reply(
            "Time sounds right.",
            "Could the extra space be smaller? What do you really need to keep?",
            Q.OPTIMIZATION,
        )
    worst = ctx.size_constraint()
    given = f", given “{worst}”" if worst else ""
    return reply(
        "That's the bound I'd expect here.",
        f"Which input would be the worst case for it{given}?",
        Q.EDGE_CASE,
    )


def _start_coding(ctx: Context, plan: Plan) -> Reply:
    edge = ctx.edge_constraint()
    lead = pick(plan.seed, ("Time to code it.", "Go ahead and write it up.", "Let's see it in code."))
    keep = f" Keep “{edge}” in mind." if edge else ""
    return reply(
        f"{lead} Think out loud while you type; I'll follow along.{keep}",
        "Which function are you writing first?",
        Q.OTHER,
    )


def _nudge(ctx: Context, plan: Plan) -> Reply:
    facts = ctx.state.execution
    if facts is not None and facts.failing is not None:
        return reply(
            f"You've been quiet for a while. Still on test {facts.failing.index + 1}?",
            "Tell me what you suspect, even if you're not sure yet.",
            Q.CORRECTNESS,
        )
    if ctx.facts.is_empty or ctx.facts.todo_lines:
        example = example_line(ctx) or "the first example"
        return reply(
            "It's been quiet for a bit.", f"Want to talk through {example} by hand before coding it?", Q.OTHER
        )
    name = ctx.function_name()
    where = f"Where are you in the code, still in `{name}`?" if name else "Where are you in the code?"
    return reply(f"It's been quiet for a bit. {where}", "What's the next step you're weighing?", Q.OTHER)


def _unstick(ctx: Context, plan: Plan) -> Reply:
    facts = ctx.state.execution
    if facts is not None and facts.failing is not None and not facts.failing.hidden and facts.failing.input:
        return reply(
            f"Let's narrow it down. Take {show(facts.failing.input)} and print what your code "
            "computes just before the output.",
            "Which value is the first one you didn't expect?",
            Q.CORRECTNESS,
        )
    example = example_line(ctx) or "the first example"
    return reply(
        f"Let's make it smaller. Solve {example} by hand, out loud, one step at a time. The step you "
        "keep repeating is your loop.",
        "What's the first step you'd take? (A hint is there too if you want one.)",
        Q.OTHER,
    )


def _decline(ctx: Context, plan: Plan) -> Reply:
    question, kind = stage_question(ctx, plan.seed)
    lead = pick(
        plan.seed,
        (
            f"I won't hand over a solution; writing it is what this interview on “{ctx.title}” is about. "
            "I'm happy to help you get there.",
            f"That's not something I'll do, but let's keep going on “{ctx.title}” together.",
        ),
    )
    return reply(lead, question, kind)


def _redirect(ctx: Context, plan: Plan) -> Reply:
    question, kind = stage_question(ctx, plan.seed)
    return reply(f"Let's keep our time for “{ctx.title}”.", question, kind)


def _rephrase(ctx: Context, plan: Plan) -> Reply:
    return reply(
        "I didn't follow that. Could you put it in a sentence?",
        f"What are you trying right now on “{ctx.title}”?",
        Q.OTHER,
    )


def _test_first(ctx: Context, plan: Plan) -> Reply:
    example = example_line(ctx, len(ctx.problem.examples) - 1 if ctx.problem and ctx.problem.examples else 0)
    ask = f"Run it on {example} first?" if example else "Run it on the examples first?"
    return reply("Before we call it done, let's see it run.", ask, Q.CORRECTNESS)


def _wrap_up(ctx: Context, plan: Plan) -> Reply:
    facts = ctx.state.execution
    if facts is not None and facts.accepted:
        status = "Your solution is accepted."
    elif facts is not None and facts.total:
        status = f"Your last submission passed {facts.passed} of {facts.total} tests."
    else:
        status = "We didn't get to a submission."
    ask = (
        "And before we close: the final time and space complexity?"
        if Topic.TIME_COMPLEXITY not in ctx.state.topics
        else "If you had ten more minutes, what would you improve first?"
    )
    return reply(f"We're wrapping up. {status}", ask, Q.COMPLEXITY if "complexity" in ask else Q.OTHER)


WRITERS: dict[Move, Callable[[Context, Plan], Reply]] = {
    Move.OPEN: _open,
    Move.ANSWER: _answer,
    Move.ASK_APPROACH: stage_reply,
    Move.PROBE_APPROACH: _probe_approach,
    Move.CHECK_COMPLEXITY: _check_complexity,
    Move.START_CODING: _start_coding,
    Move.DEBUG: results.debug,
    Move.COMPILE: results.compile_error,
    Move.PASSED: results.passed,
    Move.RUN_OK: results.run_ok,
    Move.STATIC: results.static,
    Move.NUDGE: _nudge,
    Move.UNSTICK: _unstick,
    Move.DECLINE: _decline,
    Move.REDIRECT: _redirect,
    Move.REPHRASE: _rephrase,
    Move.TEST_FIRST: _test_first,
    Move.WRAP_UP: _wrap_up,
    Move.CONTINUE: stage_reply,
}


def write(plan: Plan, ctx: Context) -> Reply:
    return WRITERS[plan.move](ctx, plan)
