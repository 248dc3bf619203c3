"""Guardrails: solution lines (as lines or inline) are withheld, code blocks stay short, the candidate
is not echoed, annotations point at real lines, lengths are bounded."""

from __future__ import annotations

from engine.interview import guardrails as g
from engine.interview.model import Annotation, Reply

SOLUTION = """def solve(xs):
    seen = set()
    for x in xs:
        if x in seen:
            return True
        seen.add(x)
    return False
"""
LINES = g.solution_lines([SOLUTION])


def test_three_solution_lines_leak_as_lines_or_inline() -> None:
    assert g.leaks("seen = set()\nfor x in xs:\n    if x in seen:", LINES)
    assert g.leaks("try seen = set(); for x in xs: if x in seen: ...", LINES)
    assert not g.leaks("seen = set()\nfor x in xs:", LINES)
    assert not g.leaks("Keep a set of what you have seen.", LINES)


def test_clean_withholds_leaking_and_long_code_blocks() -> None:
    leaked = g.clean(f"Here:\n```python\n{SOLUTION}```\nGood luck.", LINES)
    assert "seen.add" not in leaked and g.WITHHELD in leaked
    long_block = "```\na = 1\nb = 2\nc = 3\nd = 4\n```"
    assert g.clean(long_block, LINES) == g.WITHHELD
    assert "x = 1" in g.clean("Try ```\nx = 1\n```", LINES)


def test_clean_drops_sentences_that_echo_the_candidate() -> None:
    said = "I will sort the array and then scan it from both ends"
    reply = "So you will sort the array and then scan it from both ends. What does that cost?"
    cleaned = g.clean(reply, LINES, said)
    assert "sort the array and then scan" not in cleaned and "What does that cost?" in cleaned
    assert g.echoes(reply, said) and not g.echoes("What does that cost?", said)


def test_clean_reply_keeps_annotations_on_real_lines_only() -> None:
    reply = Reply(
        True, "Look here.", annotations=(Annotation(9, "a"), Annotation(2, "b"), Annotation(0, "c"))
    )
    cleaned = g.clean_reply(reply, LINES, "", code_lines=5)
    assert [a.line for a in cleaned.annotations] == [2]


def test_clean_cuts_to_the_bound_at_a_sentence() -> None:
    text = "First sentence is here. " * 80
    cut = g.clean(text, LINES)
    assert len(cut) <= g.MESSAGE_MAX and cut.endswith(".")
