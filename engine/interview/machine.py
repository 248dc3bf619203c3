"""The interview state machine: each signal updates the state and plans the interviewer's next move.

Theory of operation: `on_*` functions take the state, one signal and `now`, and return the new state and
a `Plan` (or None: the interviewer stays silent). A plan says *what* to do (the move, why, and the
candidate's text as data); a provider decides *how to say it*. After a reply is produced,
`record_reply` adds it to the state. No signal makes the interviewer hand over a solution: a request for
one, or an instruction hidden in the candidate's text, becomes `DECLINE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from engine.interview.model import (
    AnalysisFacts,
    ExecutionFacts,
    ProactiveReason,
    QuestionType,
    Reply,
    Stage,
    Topic,
    Trigger,
)
from engine.interview.reading import MessageKind, classify
from engine.interview.state import Interview, Turn, advanced, stage_for

SILENCE_S = 180
"""Seconds without a message, a run or an edit before the interviewer checks in."""


class Move(StrEnum):
    OPEN = "open"
    ANSWER = "answer"
    ASK_APPROACH = "ask-approach"
    PROBE_APPROACH = "probe-approach"
    CHECK_COMPLEXITY = "check-complexity"
    START_CODING = "start-coding"
    DEBUG = "debug"
    COMPILE = "compile"
    PASSED = "passed"
    RUN_OK = "run-ok"
    STATIC = "static"
    NUDGE = "nudge"
    UNSTICK = "unstick"
    DECLINE = "decline"
    REDIRECT = "redirect"
    REPHRASE = "rephrase"
    TEST_FIRST = "test-first"
    WRAP_UP = "wrap-up"
    CONTINUE = "continue"


@dataclass(frozen=True)
class Plan:
    move: Move
    trigger: Trigger
    reason: ProactiveReason | None = None
    kind: MessageKind | None = None
    text: str = ""
    """What the candidate said (data, never instructions)."""
    seed: str = ""
    """Varies the phrasing deterministically between turns."""


_BY_KIND = {
    MessageKind.INJECTION: Move.DECLINE,
    MessageKind.SOLUTION_REQUEST: Move.DECLINE,
    MessageKind.GIBBERISH: Move.REPHRASE,
    MessageKind.OFF_TOPIC: Move.REDIRECT,
    MessageKind.STUCK: Move.UNSTICK,
    MessageKind.COMPLEXITY: Move.CHECK_COMPLEXITY,
    MessageKind.APPROACH: Move.PROBE_APPROACH,
    MessageKind.QUESTION: Move.ANSWER,
    MessageKind.OTHER: Move.CONTINUE,
}
_TOPICS = {
    MessageKind.COMPLEXITY: (Topic.TIME_COMPLEXITY,),
    MessageKind.APPROACH: (Topic.APPROACH,),
    MessageKind.QUESTION: (Topic.CLARIFY,),
}
_QUESTION_TOPICS = {
    QuestionType.COMPLEXITY: Topic.TIME_COMPLEXITY,
    QuestionType.EDGE_CASE: Topic.EDGE_CASES,
    QuestionType.CORRECTNESS: Topic.DEBUGGING,
    QuestionType.BUG_RISK: Topic.DEBUGGING,
    QuestionType.DATA_STRUCTURE_CHOICE: Topic.APPROACH,
    QuestionType.OPTIMIZATION: Topic.TIME_COMPLEXITY,
}


def _seed(state: Interview, tag: str) -> str:
    return f"{state.room_id}:{len(state.turns)}:{tag}"


def on_phase(state: Interview, status: str, now: datetime) -> tuple[Interview, Plan | None]:
    """The room changed phase: the stage follows it; entering warmup, coding or wrapup is announced."""
    if status == state.room_status:
        return state, None
    moved = replace(state, room_status=status, stage=stage_for(status, state.stage), last_activity=now)
    moves = {"warmup": Move.OPEN, "coding": Move.START_CODING, "wrapup": Move.WRAP_UP}
    move = moves.get(status)
    if move is None or (move is Move.WRAP_UP and Topic.WRAP_UP in moved.topics):
        return moved, None
    return moved, Plan(move, Trigger.PROACTIVE, ProactiveReason.STAGE_CHANGED, seed=_seed(moved, status))


def on_message(
    state: Interview, text: str, vocabulary: frozenset[str], now: datetime
) -> tuple[Interview, Plan]:
    """A candidate's chat turn (always answered)."""
    kind = classify(text, vocabulary)
    state = replace(state.with_turn(Turn("user", text, kind.value, now)), last_activity=now)
    state = state.discussed(*_TOPICS.get(kind, ()))
    if kind is MessageKind.COMPLEXITY and re.search(r"space|memory", text, re.IGNORECASE):
        state = state.discussed(Topic.SPACE_COMPLEXITY)
    if kind is MessageKind.APPROACH:
        state = advanced(state, Stage.APPROACH)
    move = _BY_KIND.get(kind, Move.CONTINUE)
    if kind is MessageKind.GREETING:
        move = Move.OPEN if state.assistant_turns() == 0 else Move.CONTINUE
    elif kind is MessageKind.DONE:
        move = _done_move(state)
    return state, Plan(move, Trigger.USER_MESSAGE, kind=kind, text=text, seed=_seed(state, kind.value))


def _done_move(state: Interview) -> Move:
    if state.execution is None:
        return Move.TEST_FIRST
    if state.execution.accepted and Topic.TIME_COMPLEXITY not in state.topics:
        return Move.CHECK_COMPLEXITY
    return Move.WRAP_UP if state.execution.accepted else Move.DEBUG


def failure_key(facts: ExecutionFacts) -> str:
    failing = facts.failing
    return f"{facts.kind}:{facts.verdict}:{failing.index if failing else '-'}"


def on_execution(state: Interview, facts: ExecutionFacts, now: datetime) -> tuple[Interview, Plan | None]:
    """A run or submission finished (its owner's)."""
    state = advanced(replace(state, execution=facts, last_activity=now), Stage.TEST)
    reason = ProactiveReason.CODE_SUBMITTED if facts.kind == "submission" else ProactiveReason.CODE_RAN
    seed = _seed(state, facts.job_id)
    if facts.verdict == "compilation_error":
        return state, Plan(Move.COMPILE, Trigger.PROACTIVE, reason, seed=seed)
    if facts.accepted and facts.kind == "submission":
        return advanced(state, Stage.COMPLEXITY), Plan(Move.PASSED, Trigger.PROACTIVE, reason, seed=seed)
    if facts.failing is not None or (facts.kind == "submission" and not facts.accepted):
        return state, Plan(Move.DEBUG, Trigger.PROACTIVE, reason, seed=seed)
    if facts.matched_example is not None and Topic.TESTING not in state.topics:
        return state.discussed(Topic.TESTING), Plan(Move.RUN_OK, Trigger.PROACTIVE, reason, seed=seed)
    return state, None


def on_analysis(state: Interview, facts: AnalysisFacts) -> tuple[Interview, Plan | None]:
    """A static analysis finished: an error finding not yet mentioned is worth a word."""
    fresh = [f for f in facts.errors if f"static:{f.rule}:{f.line}" not in state.discussed_failures]
    state = replace(state, analysis=facts)
    if not fresh:
        return state, None
    keys = {f"static:{f.rule}:{f.line}" for f in fresh}
    state = replace(state, discussed_failures=state.discussed_failures | keys)
    return state, Plan(
        Move.STATIC, Trigger.PROACTIVE, ProactiveReason.CODE_RAN, seed=_seed(state, facts.job_id)
    )


def on_edit(state: Interview, now: datetime) -> Interview:
    return replace(state, last_activity=now)


def on_tick(state: Interview, now: datetime, silence_s: int = SILENCE_S) -> tuple[Interview, Plan | None]:
    """Long silence while the candidate should be working: check in once per silence."""
    if state.stage not in (Stage.CODE, Stage.TEST, Stage.APPROACH) or state.last_activity is None:
        return state, None
    quiet = now - state.last_activity >= timedelta(seconds=silence_s)
    nudged_since = state.last_nudge is not None and state.last_nudge >= state.last_activity
    if not quiet or nudged_since:
        return state, None
    plan = Plan(Move.NUDGE, Trigger.PROACTIVE, ProactiveReason.USER_IDLE, seed=_seed(state, "idle"))
    return replace(state, last_nudge=now), plan


def on_proactive(state: Interview, reason: ProactiveReason, now: datetime) -> tuple[Interview, Plan | None]:
    """A client-sent proactive trigger (`POST .../ai/interview` with trigger=proactive)."""
    seed = _seed(state, reason.value)
    if reason is ProactiveReason.SESSION_JOINED:
        move = Move.OPEN if state.assistant_turns() == 0 else None
    elif reason is ProactiveReason.USER_IDLE:
        return on_tick(state, now, silence_s=0)
    elif reason in (ProactiveReason.CODE_RAN, ProactiveReason.CODE_SUBMITTED) and state.execution:
        return on_execution(state, state.execution, now)
    elif reason is ProactiveReason.MANUAL_NUDGE:
        move = Move.CONTINUE
    else:
        move = None
    return state, Plan(move, Trigger.PROACTIVE, reason, seed=seed) if move else None


def record_reply(state: Interview, reply: Reply, kind: str, now: datetime) -> Interview:
    """The interviewer said `reply`: remember it and what it asked about."""
    if not reply.should_respond:
        return state
    if kind == "wrap-up":
        state = state.discussed(Topic.WRAP_UP)
    text = " ".join(p for p in (reply.message, reply.follow_up or "") if p)
    state = state.with_turn(Turn("assistant", text, kind, now))
    topic = _QUESTION_TOPICS.get(reply.question_type) if reply.question_type else None
    return state.discussed(topic) if topic else state


def mark_failure_discussed(state: Interview, facts: ExecutionFacts) -> Interview:
    return replace(
        state,
        discussed_failures=state.discussed_failures | {failure_key(facts)},
        topics=state.topics | {Topic.DEBUGGING},
    )
