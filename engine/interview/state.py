"""The interview's state: stage, turns, hint ladder records, what was discussed, rate windows.

Theory of operation: the stage follows the room's phase (`stage_for`): waiting/warmup is clarify, then
approach once the candidate has described one; coding is code, then test after the first run, then
complexity once a submission is accepted; wrapup and finished are wrap-up. Within a phase the stage only
moves forward. Every collection is bounded (turns, hints, rate windows): the oldest entries drop out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from engine.interview.model import AnalysisFacts, ExecutionFacts, HintLevel, Stage, Topic

TURNS_KEPT = 40
HINTS_KEPT = 64
WINDOW_HITS_KEPT = 32
_ORDER = list(Stage)
_PHASE_FLOOR = {
    "waiting": Stage.CLARIFY,
    "warmup": Stage.CLARIFY,
    "coding": Stage.CODE,
    "wrapup": Stage.WRAP_UP,
    "finished": Stage.WRAP_UP,
}
_PHASE_CEILING = {"waiting": Stage.APPROACH, "warmup": Stage.APPROACH, "coding": Stage.COMPLEXITY}


@dataclass(frozen=True)
class Turn:
    role: str
    """`user` or `assistant`."""
    text: str
    kind: str
    at: datetime


@dataclass(frozen=True)
class HintRecord:
    hint_id: str
    user_id: str
    level: HintLevel
    text: str
    at: datetime


@dataclass(frozen=True)
class Interview:
    room_id: str
    stage: Stage = Stage.CLARIFY
    room_status: str = "waiting"
    turns: tuple[Turn, ...] = ()
    topics: frozenset[Topic] = frozenset()
    hints: tuple[HintRecord, ...] = ()
    execution: ExecutionFacts | None = None
    analysis: AnalysisFacts | None = None
    discussed_failures: frozenset[str] = frozenset()
    last_activity: datetime | None = None
    last_nudge: datetime | None = None
    windows: dict[str, tuple[datetime, ...]] = field(default_factory=dict)

    def with_turn(self, turn: Turn) -> Interview:
        return replace(self, turns=(*self.turns, turn)[-TURNS_KEPT:])

    def discussed(self, *topics: Topic) -> Interview:
        return replace(self, topics=self.topics | set(topics))

    def user_hints(self, user_id: str) -> tuple[HintRecord, ...]:
        return tuple(h for h in self.hints if h.user_id == user_id)

    def assistant_turns(self) -> int:
        return sum(1 for t in self.turns if t.role == "assistant")

    def candidate_turns(self) -> tuple[Turn, ...]:
        return tuple(t for t in self.turns if t.role == "user")


def stage_for(status: str, current: Stage) -> Stage:
    """The stage in room phase `status`, never behind the phase's floor or past its ceiling."""
    floor = _PHASE_FLOOR.get(status, Stage.CLARIFY)
    ceiling = _PHASE_CEILING.get(status, Stage.WRAP_UP)
    position = max(_ORDER.index(floor), min(_ORDER.index(current), _ORDER.index(ceiling)))
    return _ORDER[position]


def advanced(state: Interview, stage: Stage) -> Interview:
    """Move forward to `stage` if the room's phase allows it (never backwards)."""
    target = stage_for(state.room_status, stage)
    return replace(state, stage=target) if _ORDER.index(target) > _ORDER.index(state.stage) else state


def admit(
    state: Interview, key: str, now: datetime, limit: int, window_s: int
) -> tuple[Interview, int | None]:
    """Sliding-window rate limit: count one hit under `key` at `now`; past `limit` in the window the hit
    is refused and the seconds until the oldest hit leaves the window are returned."""
    horizon = now - timedelta(seconds=window_s)
    hits = tuple(t for t in state.windows.get(key, ()) if t > horizon)
    if len(hits) >= limit:
        retry = int((hits[0] - horizon).total_seconds()) + 1
        return state, max(1, retry)
    windows = {**state.windows, key: (*hits, now)[-WINDOW_HITS_KEPT:]}
    return replace(state, windows=windows), None


def release(state: Interview, key: str, at: datetime) -> Interview:
    """Undo one hit (a request refused after it was counted)."""
    hits = list(state.windows.get(key, ()))
    if at in hits:
        hits.remove(at)
    return replace(state, windows={**state.windows, key: tuple(hits)})
