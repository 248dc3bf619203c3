"""The interviewer's vocabulary: closed sets (API strings), the facts it is grounded in, what it produces.

Invariant: every value here is frozen and built from data only (no clock, no I/O); API strings are the
reference's (`hintLevel`, `phase`, `trigger`, `reason`, `questionType`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.problems.model import Problem


class Stage(StrEnum):
    """Where the interview is; follows the room's phase (see `state.stage_for`)."""

    CLARIFY = "clarify"
    APPROACH = "approach"
    CODE = "code"
    TEST = "test"
    COMPLEXITY = "complexity"
    WRAP_UP = "wrap-up"


class HintLevel(StrEnum):
    SUBTLE = "subtle"
    MODERATE = "moderate"
    DIRECT = "direct"

    @property
    def rank(self) -> int:
        return list(HintLevel).index(self)


class HintPhase(StrEnum):
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"


class Trigger(StrEnum):
    USER_MESSAGE = "user_message"
    PROACTIVE = "proactive"


class ProactiveReason(StrEnum):
    SESSION_JOINED = "session_joined"
    STAGE_CHANGED = "stage_changed"
    USER_IDLE = "user_idle"
    HINT_USED = "hint_used"
    CODE_RAN = "code_ran"
    CODE_SUBMITTED = "code_submitted"
    MANUAL_NUDGE = "manual_nudge"


class QuestionType(StrEnum):
    COMPLEXITY = "complexity"
    BUG_RISK = "bug_risk"
    EDGE_CASE = "edge_case"
    OPTIMIZATION = "optimization"
    DATA_STRUCTURE_CHOICE = "data_structure_choice"
    CORRECTNESS = "correctness"
    READABILITY = "readability"
    OTHER = "other"


class Topic(StrEnum):
    """What has been discussed (so the interviewer does not ask the same thing twice)."""

    CLARIFY = "clarify"
    APPROACH = "approach"
    EDGE_CASES = "edge-cases"
    TIME_COMPLEXITY = "time-complexity"
    SPACE_COMPLEXITY = "space-complexity"
    TESTING = "testing"
    DEBUGGING = "debugging"
    WRAP_UP = "wrap-up"


@dataclass(frozen=True)
class ProblemExample:
    input: str
    output: str
    explanation: str | None = None


@dataclass(frozen=True)
class ProblemBrief:
    """What the interviewer knows of the problem. `solutions` is for the guardrails only: it never
    reaches a prompt or a reply."""

    id: str
    title: str
    statement: str
    difficulty: str
    tags: tuple[str, ...]
    constraints: tuple[str, ...]
    examples: tuple[ProblemExample, ...]
    hints: tuple[str, ...]
    optimal_time: str | None
    optimal_space: str | None
    solutions: tuple[str, ...] = ()

    @classmethod
    def of(cls, problem: Problem) -> ProblemBrief:
        lines = (problem.constraints or "").splitlines()
        return cls(
            id=problem.id,
            title=problem.title,
            statement=problem.description,
            difficulty=problem.difficulty.value,
            tags=problem.tags,
            constraints=tuple(c.strip().lstrip("- ").strip() for c in lines if c.strip()),
            examples=tuple(ProblemExample(e.input, e.output, e.explanation) for e in problem.examples),
            hints=problem.hints,
            optimal_time=problem.optimal_time,
            optimal_space=problem.optimal_space,
            solutions=tuple(problem.solutions.values()),
        )


@dataclass(frozen=True)
class FailingCase:
    """The first case a job got wrong. A hidden case carries no input or outputs."""

    index: int
    hidden: bool
    verdict: str
    input: str | None = None
    expected: str | None = None
    actual: str | None = None
    error: str | None = None
    example: int | None = None
    """For runs: the 1-based problem example whose input the run used."""


@dataclass(frozen=True)
class ExecutionFacts:
    job_id: str
    kind: str
    """`run` or `submission`."""
    verdict: str
    passed: int | None
    total: int | None
    failing: FailingCase | None = None
    stdout: str = ""
    stderr: str = ""
    matched_example: int | None = None
    """For runs: the 1-based example whose input was used (`failing` is set when it printed wrong)."""

    @property
    def accepted(self) -> bool:
        return self.verdict == "accepted"


@dataclass(frozen=True)
class Finding:
    tool: str
    severity: str
    message: str
    line: int | None = None
    rule: str | None = None


@dataclass(frozen=True)
class FunctionFacts:
    name: str
    start_line: int
    end_line: int | None
    complexity: int


@dataclass(frozen=True)
class AnalysisFacts:
    job_id: str
    findings: tuple[Finding, ...] = ()
    functions: tuple[FunctionFacts, ...] = ()
    duplicated_lines: tuple[int, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")


@dataclass(frozen=True)
class Annotation:
    line: int
    comment: str
    severity: str = "info"


@dataclass(frozen=True)
class Reply:
    should_respond: bool
    message: str = ""
    follow_up: str | None = None
    question_type: QuestionType | None = None
    annotations: tuple[Annotation, ...] = ()
    lines: tuple[int, int] | None = None
    """The code lines the reply is about (start, end), when it is about code."""


SILENT = Reply(should_respond=False)


@dataclass(frozen=True)
class HintText:
    hint: str
    level: HintLevel
    suggested_approach: str | None = None
    reflection_prompt: str | None = None


@dataclass(frozen=True)
class DimensionScore:
    name: str
    score: int
    comment: str


@dataclass(frozen=True)
class Review:
    overall: int
    summary: str
    dimensions: tuple[DimensionScore, ...]
    annotations: tuple[Annotation, ...]
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class CodeAnalysis:
    summary: str
    complexity: str
    edge_cases: str
    readability: str
    questions: tuple[str, ...]


DIMENSIONS = ("correctness", "efficiency", "codeQuality", "communication", "problemSolving")
"""Review dimensions: the training report's five (ARCHITECTURE §7)."""
