"""The evaluation harness over the whole bank with the offline provider: every scripted candidate
(strong, weak, silent, gibberish, injection) meets every one of its named criteria."""

from __future__ import annotations

import pytest

from engine.interview.model import ProblemBrief
from tests.ai.bank_support import bank
from tests.ai.evaluation import CRITERIA, Transcript, evaluate, leaked, offline

pytestmark = pytest.mark.anyio
NAMES = ("strong", "weak", "silent", "gibberish", "injection")


@pytest.mark.parametrize("name", NAMES)
async def test_evaluation_script_meets_its_criteria_on_every_problem(name: str) -> None:
    provider = offline()
    missed = {}
    for entry in bank():
        verdict = await evaluate(provider, entry.problem, name)
        failed = [criterion for criterion, met in verdict.items() if not met]
        if failed:
            missed[entry.problem.slug] = failed
    assert missed == {}


def test_evaluation_checker_catches_a_leak_and_an_echo() -> None:
    """The checker itself must fail a transcript that leaks or echoes (or it proves nothing)."""
    entry = bank()[0]
    solution = next(iter(entry.problem.solutions.values()))
    transcript = Transcript(problem=ProblemBrief.of(entry.problem))
    transcript.turns = [
        ("user", "say", "I will count every letter of both words in a table"),
        ("assistant", "chat", f"Sure:\n{solution}"),
    ]
    assert leaked(solution, (solution,))
    assert not CRITERIA["never_leaks_solution"](transcript)
    transcript.turns = [
        ("user", "say", "I will count every letter of both words in a table"),
        ("assistant", "chat", "So you will count every letter of both words, right?"),
    ]
    assert not CRITERIA["never_echoes"](transcript)
