"""The hint ladder: which rung a request gets, the budget, and the offline hint writer.

Theory of operation: a problem's stored hints are the rungs (subtle → moderate → direct). A new
(initial) hint climbs: it is at least the requested level and at least one rung above the user's
previous hint, and stays at direct once there. A follow-up answers the candidate's reflection on their
last hint: it confirms when the reflection is on the thread of the next rung, and otherwise makes that
rung concrete. Past `HINT_BUDGET` hints the interviewer stops adding ideas and asks the candidate to
work from the ones given. No rung hands over code.
"""

from __future__ import annotations

from engine.interview.context import Context, label, show
from engine.interview.guardrails import leaks
from engine.interview.model import HintLevel, HintPhase, HintText
from engine.interview.reading import overlap, pick, words
from engine.interview.state import HintRecord

HINT_BUDGET = 6
"""Initial hints per user per room before the interviewer stops adding new ideas."""
NO_REPLY = "No reflection provided by learner."
CODE_LEFT = (
    "Now write that update yourself, one assignment per line: in which order must the steps happen so "
    "that nothing you still need is overwritten?"
)
FIRST_APPROACH = (
    "Restate the task in one sentence, solve the first example by hand, then ask which repeated step a "
    "better data structure could make cheap."
)
_GENERIC = {
    HintLevel.SUBTLE: "Look at what you need to know about the input when you reach each element.",
    HintLevel.MODERATE: "Keep a summary of what you've already seen so each new element is cheap to handle.",
    HintLevel.DIRECT: "Write the loop over the input first, then decide what you update per element and "
    "what you check at the end.",
}
_LEADS = {
    HintLevel.SUBTLE: ("Here's a nudge.", "Something to think about.", "A small push."),
    HintLevel.MODERATE: ("A more concrete idea.", "Try this direction.", "Here's a firmer hint."),
    HintLevel.DIRECT: ("Let's be concrete.", "Here's the plan, step by step.", "The direct version."),
}


def effective_level(requested: HintLevel, previous: HintLevel | None) -> HintLevel:
    """The rung an initial hint gets: never below the request, always above the last one (up to direct)."""
    if previous is None:
        return requested
    climbed = list(HintLevel)[min(previous.rank + 1, HintLevel.DIRECT.rank)]
    return climbed if climbed.rank > requested.rank else requested


def rung(ctx: Context, level: HintLevel) -> str:
    """The stored hint for `level`. A stored rung that spells out the solution's code is not given as
    is: the rung below it is, with the last step left to the candidate."""
    hints = ctx.problem.hints if ctx.problem else ()
    if not hints:
        return _GENERIC[level]
    text = hints[min(level.rank, len(hints) - 1)]
    if level.rank > 0 and leaks(text, ctx.solutions):
        return f"{rung(ctx, list(HintLevel)[level.rank - 1])} {CODE_LEFT}"
    return text


def _situation(ctx: Context) -> str:
    facts = ctx.state.execution
    if facts is None:
        return ""
    if facts.accepted:
        return "Your submission already passes, so take this as a way to make it cleaner or faster. "
    if facts.failing is not None and facts.kind == "submission":
        return f"Your last submission fails test {facts.failing.index + 1} ({label(facts.failing.verdict)}). "
    return ""


def write_hint(ctx: Context, level: HintLevel, iteration: int, seed: str) -> HintText:
    """An initial hint at `level`; `iteration` counts the user's hints in this room (1-based)."""
    if iteration > HINT_BUDGET:
        return HintText(
            hint=f"You've had {iteration - 1} hints already, so I won't add a new idea. Go back to this one: "
            f"{rung(ctx, HintLevel.DIRECT)} Tell me which step of it you're unsure about.",
            level=HintLevel.DIRECT,
        )
    lead = pick(seed, _LEADS[level])
    example = ctx.problem.examples[0] if ctx.problem and ctx.problem.examples else None
    reflect = None
    if level is not HintLevel.DIRECT and not (ctx.state.execution and ctx.state.execution.accepted):
        reflect = (
            f"How would that idea play out on the input {show(example.input)}?"
            if example
            else "How would that idea play out on the first example?"
        )
    return HintText(
        hint=f"{_situation(ctx)}{lead} {rung(ctx, level)}",
        level=level,
        suggested_approach=FIRST_APPROACH if iteration == 1 else None,
        reflection_prompt=reflect,
    )


def write_follow_up(ctx: Context, previous: HintRecord, reflection: str | None, seed: str) -> HintText:
    """The coach's answer to the candidate's reflection on `previous` (None: they gave none)."""
    following = list(HintLevel)[min(previous.level.rank + 1, HintLevel.DIRECT.rank)]
    nxt = rung(ctx, following)
    said = words(reflection or "")
    on_thread = overlap(said, words(nxt)) + overlap(said, words(previous.text)) >= 2
    if reflection and on_thread:
        close = "Now turn that into code, one step at a time." if following is previous.level else nxt
        lead = pick(seed, ("Yes, that's the right thread.", "Right, you're on it.", "Good, that's the key."))
        return HintText(hint=f"{lead} {close}", level=following)
    lead = pick(seed, ("Let me make it more concrete.", "Let's take it one step further."))
    return HintText(hint=f"{lead} {nxt}", level=following)


def combined(initial: str, reflection: str | None, follow_up: str) -> str:
    """What a follow-up hint's record holds (the reference's format)."""
    said = reflection or NO_REPLY
    return f"{initial}\n\n---\n\nLearner reflection:\n{said}\n\nCoach follow-up:\n{follow_up}"


def phase_of(follow_up_to: str | None) -> HintPhase:
    return HintPhase.FOLLOW_UP if follow_up_to else HintPhase.INITIAL
