"""The offline code analysis (the reference's "code review" shape): a summary, three focus areas
(complexity, edge cases, readability) and two or three follow-up questions, all about the shown code.

Invariant: each sentence names something in the code (a line, a function, a finding) or in the problem
(a constraint, the optimal bound); no sentence is code.
"""

from __future__ import annotations

from engine.interview.code_facts import estimated_time, slower_than_target
from engine.interview.context import Context
from engine.interview.model import CodeAnalysis


def _complexity(ctx: Context) -> str:
    facts = ctx.facts
    optimal = ctx.problem.optimal_time if ctx.problem else None
    deepest = facts.deepest()
    estimate = estimated_time(facts)
    if deepest is not None and deepest.depth >= 2:
        where = f"the loop on line {deepest.line} is nested, so this reads as {estimate}"
    elif facts.sort_lines:
        where = f"the sort on line {facts.sort_lines[0]} makes it {estimate}"
    else:
        where = f"no nested loops, so roughly {estimate}"
    verdict = " That meets the target." if not slower_than_target(facts, optimal) else " The target is lower."
    return f"Time: {where}; the problem's optimal is {optimal}.{verdict}" if optimal else f"Time: {where}."


def _edge_cases(ctx: Context) -> str:
    edge = ctx.edge_constraint()
    facts = ctx.state.execution
    if facts is not None and facts.failing is not None:
        which = "a hidden test" if facts.failing.hidden else f"test {facts.failing.index + 1}"
        return f"The latest result fails {which}; check the inputs at the limits" + (
            f" of “{edge}”." if edge else "."
        )
    if edge:
        return f"Check the boundaries the constraints allow: “{edge}”."
    return "Check the smallest and the largest inputs the statement allows."


def _readability(ctx: Context) -> str:
    analysis = ctx.state.analysis
    function = ctx.main_function()
    if analysis is not None and analysis.findings:
        first = analysis.findings[0]
        where = f" (line {first.line})" if first.line else ""
        return f"{len(analysis.findings)} static-analysis finding(s), first{where}: {first.message[:120]}."
    if function is not None and function.complexity >= 10:
        return f"`{function.name}` has cyclomatic complexity {function.complexity}; a helper would help."
    if ctx.facts.todo_lines:
        return f"The starter TODO on line {ctx.facts.todo_lines[0]} is still there."
    name = ctx.function_name()
    return (
        f"`{name}` reads clearly; keep names as specific as the problem's terms."
        if name
        else ("Short and readable; name the helpers after the problem's terms.")
    )


def _questions(ctx: Context) -> tuple[str, ...]:
    asked = ["What is the worst-case input for this code, and how long would it take?"]
    edge = ctx.edge_constraint()
    asked.append(f"What happens at the edge of “{edge}”?" if edge else "What happens on the smallest input?")
    deepest = ctx.facts.deepest()
    if deepest is not None and deepest.depth >= 2:
        asked.append(f"Could the inner loop on line {deepest.line} be replaced by a lookup?")
    return tuple(asked[:3])


def write_analysis(ctx: Context) -> CodeAnalysis:
    lines = ctx.facts.line_count
    name = ctx.function_name()
    about = f" centred on `{name}`" if name else ""
    summary = (
        f"{lines} lines of {ctx.language}{about} for “{ctx.title}”. {_complexity(ctx).removeprefix('Time: ')}"
    )
    return CodeAnalysis(
        summary=summary,
        complexity=_complexity(ctx),
        edge_cases=_edge_cases(ctx),
        readability=_readability(ctx),
        questions=_questions(ctx),
    )
