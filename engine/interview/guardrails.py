"""Guardrails applied to every provider's output before anyone sees it.

Invariants, for any text that leaves the interviewer: it holds no three consecutive non-trivial lines of
a reference solution; a code block has at most `SNIPPET_LINES` lines; it does not repeat the candidate's
words back (no run of `ECHO_WORDS` of their words); it is cut to its length bound. What a guardrail
removes is replaced by a plain sentence, never by the removed text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from engine.interview.model import Annotation, CodeAnalysis, HintText, Reply, Review
from engine.interview.reading import words

SNIPPET_LINES = 3
LEAK_RUN = 3
ECHO_WORDS = 6
MESSAGE_MAX = 900
QUESTION_MAX = 300
ANNOTATION_MAX = 420
TRIVIAL = re.compile(r"^[\s{}()\[\];,]*$|^(else|end|fi|done|return|break|continue|pass)\W*$")
FENCE = re.compile(r"```[^\n]*\n(.*?)(```|$)", re.DOTALL)
WITHHELD = "(I'll leave writing that part to you.)"
ECHO_REPLACEMENT = "Let's build on that."


def _normal(line: str) -> str:
    return re.sub(r"\s+", "", line.split("#")[0].split("//")[0])


def solution_lines(solutions: Iterable[str]) -> list[list[str]]:
    """Each solution's non-trivial lines, whitespace and comments removed."""
    return [
        [n for n in (_normal(line) for line in s.splitlines()) if n and not TRIVIAL.match(n) and len(n) > 3]
        for s in solutions
    ]


def leaks(text: str, solutions: Sequence[Sequence[str]]) -> bool:
    """True when `text` holds LEAK_RUN consecutive non-trivial lines of any solution, in order, whether
    as lines or run together inline (whitespace is ignored)."""
    flat = re.sub(r"\s+", "", text)
    for lines in solutions:
        for start in range(len(lines) - LEAK_RUN + 1):
            if _in_order(flat, lines[start : start + LEAK_RUN]):
                return True
    return False


def _in_order(flat: str, run: Sequence[str]) -> bool:
    position = 0
    for line in run:
        position = flat.find(line, position)
        if position < 0:
            return False
        position += len(line)
    return True


def _limit_blocks(text: str, solutions: Sequence[Sequence[str]]) -> str:
    def keep(match: re.Match[str]) -> str:
        body = match.group(1)
        if leaks(body, solutions) or len(body.strip().splitlines()) > SNIPPET_LINES:
            return WITHHELD
        return match.group(0)

    return FENCE.sub(keep, text)


def _echo_free(text: str, candidate: Sequence[str]) -> str:
    """Drop sentences that repeat ECHO_WORDS consecutive words of what the candidate said."""
    if len(candidate) < ECHO_WORDS:
        return text
    grams = {tuple(candidate[i : i + ECHO_WORDS]) for i in range(len(candidate) - ECHO_WORDS + 1)}
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        mine = words(sentence)
        echoed = any(tuple(mine[i : i + ECHO_WORDS]) in grams for i in range(len(mine) - ECHO_WORDS + 1))
        kept.append(ECHO_REPLACEMENT if echoed else sentence)
    deduped = [s for i, s in enumerate(kept) if s != ECHO_REPLACEMENT or ECHO_REPLACEMENT not in kept[:i]]
    return " ".join(deduped)


def echoes(text: str, candidate: str) -> bool:
    said = words(candidate)
    return _echo_free(text, said) != text if len(said) >= ECHO_WORDS else False


def _cut(text: str, bound: int) -> str:
    text = text.strip()
    if len(text) <= bound:
        return text
    cut = text[:bound]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > bound // 2 else cut.rstrip() + "…"


def clean(
    text: str, solutions: Sequence[Sequence[str]], candidate: str = "", bound: int = MESSAGE_MAX
) -> str:
    """One text through every guardrail."""
    safe = _limit_blocks(text, solutions)
    if leaks(safe, solutions):
        safe = WITHHELD
    return _cut(_echo_free(safe, words(candidate)), bound)


def clean_reply(reply: Reply, solutions: Sequence[Sequence[str]], candidate: str, code_lines: int) -> Reply:
    if not reply.should_respond:
        return reply
    question = clean(reply.follow_up, solutions, candidate, QUESTION_MAX) if reply.follow_up else None
    return Reply(
        should_respond=True,
        message=clean(reply.message, solutions, candidate) or "Let's keep going with the problem.",
        follow_up=question or None,
        question_type=reply.question_type,
        annotations=clean_annotations(reply.annotations, solutions, code_lines)[:3],
        lines=reply.lines,
    )


def clean_annotations(
    annotations: Iterable[Annotation], solutions: Sequence[Sequence[str]], code_lines: int
) -> tuple[Annotation, ...]:
    """Annotations on real lines only, each comment guarded, at most one per line."""
    seen: set[int] = set()
    kept = []
    for a in sorted(annotations, key=lambda a: a.line):
        if 1 <= a.line <= code_lines and a.line not in seen:
            seen.add(a.line)
            kept.append(Annotation(a.line, clean(a.comment, solutions, bound=ANNOTATION_MAX), a.severity))
    return tuple(kept)


def clean_hint(hint: HintText, solutions: Sequence[Sequence[str]], candidate: str) -> HintText:
    def guard(text: str | None, bound: int) -> str | None:
        return clean(text, solutions, candidate, bound) if text else None

    return HintText(
        hint=guard(hint.hint, MESSAGE_MAX) or "Work one example by hand and watch which step repeats.",
        level=hint.level,
        suggested_approach=guard(hint.suggested_approach, 220),
        reflection_prompt=guard(hint.reflection_prompt, 180),
    )


def clean_review(review: Review, solutions: Sequence[Sequence[str]], code_lines: int) -> Review:
    return Review(
        overall=max(0, min(100, review.overall)),
        summary=clean(review.summary, solutions, bound=600),
        dimensions=review.dimensions,
        annotations=clean_annotations(review.annotations, solutions, code_lines)[:12],
        suggestions=tuple(clean(s, solutions, bound=240) for s in review.suggestions)[:6],
    )


def clean_analysis(result: CodeAnalysis, solutions: Sequence[Sequence[str]]) -> CodeAnalysis:
    return CodeAnalysis(
        summary=clean(result.summary, solutions, bound=320),
        complexity=clean(result.complexity, solutions, bound=220),
        edge_cases=clean(result.edge_cases, solutions, bound=220),
        readability=clean(result.readability, solutions, bound=220),
        questions=tuple(clean(q, solutions, bound=140) for q in result.questions)[:3],
    )
