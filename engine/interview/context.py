"""What a provider sees for one turn: the problem, the interview state, the code, and small readings of
them that every writer needs (grounding sentences, the size constraint, the failing case's labels).

Invariant: built from data only; a reading that finds nothing returns None or an empty string, never a
placeholder that would read as a template with blanks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from engine.interview.code_facts import CodeFacts, read_code
from engine.interview.guardrails import solution_lines
from engine.interview.model import FunctionFacts, ProblemBrief
from engine.interview.reading import vocabulary, words
from engine.interview.state import Interview

VERDICT_LABELS = {
    "accepted": "accepted",
    "wrong_answer": "wrong answer",
    "time_limit_exceeded": "time limit exceeded",
    "memory_limit_exceeded": "memory limit exceeded",
    "runtime_error": "runtime error",
    "compilation_error": "compilation error",
    "output_limit_exceeded": "output limit exceeded",
    "system_error": "a system error on our side",
}
SHOW_MAX = 60
SIZE = re.compile(r"10\^|10\*\*|\d{4,}|<=|≤")


def _named(name: str) -> bool:
    """A function worth naming to the candidate (not `main`, a dunder or a private helper)."""
    return name not in ("main", "<global>") and not name.startswith("_") and "::" not in name


def label(verdict: str) -> str:
    return VERDICT_LABELS.get(verdict, verdict.replace("_", " "))


def show(text: str | None) -> str:
    """A short inline rendering of a test value: `a / b` for multi-line input, cut when long."""
    if text is None:
        return "``"
    flat = " / ".join(line.strip() for line in text.strip().splitlines() if line.strip()) or "(empty)"
    return f"`{flat if len(flat) <= SHOW_MAX else flat[: SHOW_MAX - 1] + '…'}`"


@dataclass(frozen=True)
class Context:
    problem: ProblemBrief | None
    state: Interview
    code: str = ""
    language: str = "python"
    user_id: str = ""

    @cached_property
    def facts(self) -> CodeFacts:
        return read_code(self.code)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        p = self.problem
        if p is None:
            return frozenset()
        return vocabulary(p.title, p.statement, " ".join(p.constraints), " ".join(p.tags), " ".join(p.hints))

    @cached_property
    def solutions(self) -> list[list[str]]:
        return solution_lines(self.problem.solutions if self.problem else ())

    @property
    def title(self) -> str:
        return self.problem.title if self.problem else "this problem"

    def size_constraint(self) -> str | None:
        """The constraint that bounds the input size (what makes a slow approach too slow)."""
        if self.problem is None:
            return None
        return next((c for c in self.problem.constraints if SIZE.search(c)), None)

    def edge_constraint(self) -> str | None:
        if self.problem is None or not self.problem.constraints:
            return None
        size = self.size_constraint()
        others = [c for c in self.problem.constraints if c != size]
        return others[0] if others else self.problem.constraints[0]

    def grounding(self, question: str) -> str | None:
        """The sentence of the statement or constraints that best answers `question`."""
        if self.problem is None:
            return None
        asked = {w for w in words(question) if len(w) > 3}
        prose = re.sub(r"[#*`]", "", self.problem.statement)
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", prose) if len(s.strip()) > 12]
        scored = [
            (len(asked & set(words(s))), -i, s) for i, s in enumerate([*self.problem.constraints, *sentences])
        ]
        best = max(scored, default=(0, 0, ""))
        return best[2] if best[0] > 0 else None

    def main_function(self) -> FunctionFacts | None:
        analysis = self.state.analysis
        if analysis is None or not analysis.functions:
            return None
        return max(analysis.functions, key=lambda f: (f.complexity, -f.start_line))

    def function_name(self) -> str | None:
        found = self.main_function()
        if found is not None and _named(found.name):
            return found.name
        names = [m for m in re.findall(r"(?:def|function|fn|func)\s+([A-Za-z_]\w*)", self.code) if _named(m)]
        return names[0] if names else None
