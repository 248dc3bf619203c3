"""Problem catalogue use cases: list/search relative to the caller, detail, admin edits, bookmarks.

Visibility: deleted problems are invisible to everyone; drafts only to admins (404 otherwise). Hidden
test cases are returned only to admins who ask with includeHidden.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from engine.errors import Conflict, ErrorCode, Forbidden, NotFound
from engine.identity import User
from engine.pagination import Cursor, decode_cursor, encode_cursor
from engine.problems.model import AttemptStatus, Difficulty, Example, Problem, ProblemSort, TestCase, tag_name
from gateway.schemas.common import Pagination
from gateway.schemas.problems import (
    ExampleBody,
    ProblemCreate,
    ProblemPage,
    ProblemSummary,
    TagInfo,
    TestCaseBody,
)
from gateway.services import Services
from gateway.views_problems import summary
from storage.problems import ProblemQuery, cursor_value, from_document


@dataclass(frozen=True)
class ListRequest:
    difficulties: tuple[Difficulty, ...]
    statuses: tuple[AttemptStatus, ...]
    tags: tuple[str, ...]
    company: str | None
    search: str | None
    sort: ProblemSort
    descending: bool
    limit: int
    cursor: str | None
    include_drafts: bool


async def _status_clauses(
    services: Services, user: User, statuses: tuple[AttemptStatus, ...]
) -> tuple[dict[str, object], ...]:
    attempts = await services.problems.attempts(user.id)
    solved = [pid for pid, a in attempts.items() if a.get("solved")]
    attempted = [pid for pid, a in attempts.items() if not a.get("solved")]
    clauses: dict[AttemptStatus, dict[str, object]] = {
        AttemptStatus.SOLVED: {"_id": {"$in": solved}},
        AttemptStatus.ATTEMPTED: {"_id": {"$in": attempted}},
        AttemptStatus.TODO: {"_id": {"$nin": solved + attempted}},
    }
    return tuple(clauses[s] for s in statuses)


async def list_problems(services: Services, user: User, request: ListRequest) -> ProblemPage:
    after: Cursor | None = decode_cursor(request.cursor) if request.cursor else None
    admin_view = user.is_admin and request.include_drafts
    query = ProblemQuery(
        published_only=not admin_view,
        difficulties=request.difficulties,
        tags=request.tags,
        company=request.company,
        search=request.search,
        ids_any_of=await _status_clauses(services, user, request.statuses) if request.statuses else (),
    )
    rows = await services.problems.search(query, request.sort, request.descending, request.limit, after)
    page, more = rows[: request.limit], len(rows) > request.limit
    problems = [from_document(d) for d in page]
    items = await summaries(services, user, problems, admin_view)
    next_cursor = (
        encode_cursor(cursor_value(page[-1], request.sort), page[-1]["_id"]) if more and page else None
    )
    return ProblemPage(data=items, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


async def summaries(
    services: Services, user: User, problems: list[Problem], admin_view: bool
) -> list[ProblemSummary]:
    ids = [p.id for p in problems]
    marked = await services.bookmarks.marked(user.id, ids)
    attempts = await services.problems.attempts(user.id, ids)
    return [summary(p, p.id in marked, attempts.get(p.id), admin_view) for p in problems]


async def visible_problem(services: Services, user: User, problem_id: str) -> Problem:
    problem = await services.problems.get(problem_id)
    if problem is None or (not problem.is_published and not user.is_admin):
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    return problem


async def tag_list(services: Services) -> list[TagInfo]:
    return [
        TagInfo(slug=slug, name=tag_name(slug), count=count) for slug, count in await services.problems.tags()
    ]


def require_hidden_access(user: User, include_hidden: bool) -> None:
    if include_hidden and not user.is_admin:
        raise Forbidden(ErrorCode.FORBIDDEN, "Admin access required")


def cases_from(bodies: list[TestCaseBody]) -> tuple[TestCase, ...]:
    return tuple(
        TestCase(
            input=b.input,
            expected_output=b.expectedOutput,
            is_hidden=b.isHidden,
            description=b.description,
            timeout_ms=b.timeoutMs,
            memory_mb=b.memoryMb,
        )
        for b in bodies
    )


def examples_from(bodies: list[ExampleBody]) -> tuple[Example, ...]:
    return tuple(Example(b.input, b.output, b.explanation) for b in bodies)


async def create_problem(services: Services, body: ProblemCreate) -> tuple[Problem, tuple[TestCase, ...]]:
    if await services.problems.title_taken(body.title):
        raise Conflict(ErrorCode.PROBLEM_DUPLICATE_TITLE, "A problem with this title exists")
    now = services.now()
    tests = cases_from(body.testCases)
    problem = Problem(
        id=str(uuid.uuid4()),
        title=body.title,
        description=body.description,
        difficulty=body.difficulty,
        tags=tuple(dict.fromkeys(body.tags)),
        company=body.company,
        constraints=body.constraints,
        examples=examples_from(body.examples),
        starter_code=dict(body.starterCode or {}),
        time_limit_ms=body.timeLimit,
        memory_limit_mb=body.memoryLimit,
        is_published=body.isPublished,
        created_at=now,
        updated_at=now,
        test_case_count=len(tests),
        hidden_test_case_count=sum(1 for t in tests if t.is_hidden),
    )
    return await services.problems.insert(problem, tests), tests


FIELD_MAP = {
    "title": "title",
    "description": "description",
    "difficulty": "difficulty",
    "company": "company",
    "constraints": "constraints",
    "timeLimit": "time_limit_ms",
    "memoryLimit": "memory_limit_mb",
}


def updated(problem: Problem, changes: dict[str, object], services: Services) -> Problem:
    """Apply the scalar fields of a PATCH body to a problem."""
    kwargs = {FIELD_MAP[k]: v for k, v in changes.items() if k in FIELD_MAP}
    return replace(problem, **kwargs, updated_at=services.now())  # type: ignore[arg-type]


def replace_examples(problem: Problem, bodies: list[ExampleBody]) -> Problem:
    return replace(problem, examples=examples_from(bodies))


def replace_starter(problem: Problem, starter: dict[str, str]) -> Problem:
    return replace(problem, starter_code=dict(starter))


def replace_tags(problem: Problem, tags: list[str]) -> Problem:
    return replace(problem, tags=tuple(dict.fromkeys(tags)))


def with_case_counts(problem: Problem, tests: tuple[TestCase, ...]) -> Problem:
    return replace(
        problem, test_case_count=len(tests), hidden_test_case_count=sum(1 for t in tests if t.is_hidden)
    )


def published(problem: Problem, is_published: bool, services: Services) -> Problem:
    return replace(problem, is_published=is_published, updated_at=services.now())
