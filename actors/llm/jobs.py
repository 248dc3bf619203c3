"""How each AI job runs: plan with the engine, ask the provider, apply the guardrails, shape the result.

Each runner takes the interview state and a turn's context and returns the new state, the job's result
(the poll's `ready` payload minus `status`/`jobId`) and the assistant's text to store. Invariant: every
provider output passes `engine.interview.guardrails` before it is stored or returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from actors.llm.port import Provider, Usage
from engine.interview import guardrails, hints, machine
from engine.interview.context import Context
from engine.interview.machine import Plan
from engine.interview.model import Annotation, HintLevel, Reply
from engine.interview.state import HintRecord, Interview


def _same(state: Interview) -> Interview:
    return state


@dataclass(frozen=True)
class Outcome:
    update: Callable[[Interview], Interview]
    """Applied to the actor's *current* state after the provider answered (other signals may have
    changed it meanwhile)."""
    result: dict[str, Any]
    text: str
    """What the assistant said (stored as its turn); empty when it stayed silent."""
    usage: Usage
    follow_up_type: str | None = None


def reply_payload(reply: Reply, code_context: dict[str, Any] | None) -> dict[str, Any]:
    if not reply.should_respond:
        return {"shouldRespond": False}
    body: dict[str, Any] = {"shouldRespond": True, "message": reply.message}
    if reply.follow_up:
        body["followUpQuestion"] = reply.follow_up
    if code_context is not None:
        body["codeContext"] = code_context
    if reply.annotations:
        body["codeAnnotations"] = [{"line": a.line, "comment": a.comment} for a in reply.annotations]
    if reply.question_type:
        body["questionType"] = reply.question_type.value
    return body


async def turn(
    provider: Provider, plan: Plan, ctx: Context, now: datetime, code_context: dict[str, Any] | None = None
) -> Outcome:
    """An interviewer turn for a planned move (a chat reply or a proactive message)."""
    reply, usage = await provider.reply(plan, ctx)
    safe = guardrails.clean_reply(reply, ctx.solutions, plan.text, ctx.facts.line_count)
    discussed = ctx.state.execution if plan.move is machine.Move.DEBUG else None

    def update(state: Interview) -> Interview:
        kind = "wrap-up" if plan.move is machine.Move.WRAP_UP else "chat" if plan.text else "proactive"
        state = machine.record_reply(state, safe, kind, now)
        return machine.mark_failure_discussed(state, discussed) if discussed else state

    text = " ".join(p for p in (safe.message, safe.follow_up or "") if p) if safe.should_respond else ""
    kind = "question" if safe.follow_up else "encouragement"
    return Outcome(update, reply_payload(safe, code_context), text, usage, kind if text else None)


def _rung(
    ctx: Context, requested: HintLevel, follow_up_to: str | None
) -> tuple[HintRecord | None, HintLevel, int]:
    """The hint being followed up (if any), the level to give and the user's hint count (1-based)."""
    mine = ctx.state.user_hints(ctx.user_id)
    previous = next((h for h in mine if h.hint_id == follow_up_to), None) if follow_up_to else None
    initial = [h for h in mine if not h.hint_id.endswith(":follow-up")]
    if previous is not None:
        return previous, previous.level, len(initial)
    return None, hints.effective_level(requested, initial[-1].level if initial else None), len(initial) + 1


async def hint(
    provider: Provider,
    ctx: Context,
    hint_id: str,
    requested: HintLevel,
    follow_up_to: str | None,
    reflection: str | None,
    now: datetime,
) -> Outcome:
    previous, level, iteration = _rung(ctx, requested, follow_up_to)
    seed = f"{ctx.state.room_id}:{hint_id}:{len(ctx.state.hints)}"
    raw, usage = await provider.hint(ctx, level, iteration, previous, reflection, seed)
    safe = guardrails.clean_hint(raw, ctx.solutions, reflection or "")
    record = HintRecord(
        f"{hint_id}:follow-up" if previous else hint_id, ctx.user_id, safe.level, safe.hint, now
    )

    def update(state: Interview) -> Interview:
        return replace(state, hints=(*state.hints, record)[-64:])

    result: dict[str, Any] = {
        "hintId": hint_id,
        "phase": hints.phase_of(follow_up_to).value,
        "hint": hints.combined(previous.text, reflection, safe.hint) if previous else safe.hint,
        "level": safe.level.value,
        "hintsRemaining": max(0, hints.HINT_BUDGET - iteration),
    }
    optional = {"suggestedApproach": safe.suggested_approach, "reflectionPrompt": safe.reflection_prompt}
    result |= {k: v for k, v in optional.items() if v}
    return Outcome(update, result, safe.hint, usage, "hint")


def _notes(annotations: tuple[Annotation, ...]) -> list[dict[str, Any]]:
    return [{"line": a.line, "severity": a.severity, "comment": a.comment} for a in annotations]


async def review(provider: Provider, ctx: Context, failed_submissions: int) -> Outcome:
    raw, usage = await provider.review(ctx, failed_submissions)
    safe = guardrails.clean_review(raw, ctx.solutions, ctx.facts.line_count)
    result = {
        "overallScore": safe.overall,
        "summary": safe.summary,
        "dimensions": {d.name: {"score": d.score, "comment": d.comment} for d in safe.dimensions},
        "annotations": _notes(safe.annotations),
        "suggestions": list(safe.suggestions),
        "language": ctx.language,
    }
    return Outcome(_same, result, safe.summary, usage, "evaluation")


async def analyse(provider: Provider, ctx: Context) -> Outcome:
    raw, usage = await provider.analyse(ctx)
    safe = guardrails.clean_analysis(raw, ctx.solutions)
    result = {
        "summary": safe.summary,
        "focusAreas": {
            "complexity": safe.complexity,
            "edgeCases": safe.edge_cases,
            "readability": safe.readability,
        },
        "followUpQuestions": list(safe.questions),
    }
    return Outcome(_same, result, safe.summary, usage, "evaluation")
