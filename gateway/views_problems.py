"""Problem domain objects -> ProblemSummary / ProblemDetail responses."""

from __future__ import annotations

from engine.problems.model import Problem, TestCase, acceptance_rate, attempt_status
from gateway.schemas.problems import ProblemDetail, ProblemExample, ProblemSummary
from gateway.schemas.problems import TestCase as TestCaseOut
from storage.client import Document

CASE_TEXT_LIMIT = 20_000


def summary(p: Problem, bookmarked: bool, attempt: Document | None, admin_view: bool) -> ProblemSummary:
    status = attempt_status(bool(attempt and attempt.get("solved")), attempt is not None)
    return ProblemSummary(
        id=p.id,
        title=p.title,
        difficulty=p.difficulty,
        isPublished=p.is_published,
        tags=sorted(p.tags),
        company=p.company,
        acceptanceRate=acceptance_rate(p.total_submissions, p.accepted_submissions),
        totalSubmissions=p.total_submissions,
        isBookmarked=bookmarked,
        attemptStatus=status.value if status else None,
        updatedAt=p.updated_at,
        testCaseCount=p.test_case_count if admin_view else None,
        hiddenTestCaseCount=p.hidden_test_case_count if admin_view else None,
    )


def case_out(case: TestCase) -> TestCaseOut:
    """Cases from the bank can be large; responses carry at most 20,000 characters of each text."""
    truncated = len(case.input) > CASE_TEXT_LIMIT or len(case.expected_output) > CASE_TEXT_LIMIT
    return TestCaseOut(
        input=case.input[:CASE_TEXT_LIMIT],
        expectedOutput=case.expected_output[:CASE_TEXT_LIMIT],
        description=case.description,
        isHidden=case.is_hidden,
        timeoutMs=case.timeout_ms,
        memoryMb=case.memory_mb,
        isTruncated=truncated,
    )


def detail(
    p: Problem, bookmarked: bool, attempt: Document | None, cases: list[TestCase], admin: bool
) -> ProblemDetail:
    head = summary(p, bookmarked, attempt, admin)
    return ProblemDetail(
        **head.model_dump(),
        description=p.description,
        constraints=p.constraints,
        examples=[
            ProblemExample(input=e.input, output=e.output, explanation=e.explanation) for e in p.examples
        ],
        testCases=[case_out(c) for c in cases],
        starterCode=p.starter_code or None,
        timeLimit=p.time_limit_ms,
        memoryLimit=p.memory_limit_mb,
        userAttempts=int(attempt.get("submissions", 0)) if attempt else 0,
        createdAt=p.created_at,
    )
