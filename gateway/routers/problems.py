"""Problems routes: list/search, tags, detail, and admin create/update/publish/delete (audited)."""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Response

from engine.errors import Conflict, ErrorCode, InvalidInput, NotFound
from engine.problems.model import AttemptStatus, Difficulty, ProblemSort
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway import accounts, catalogue
from gateway.deps import AdminDep, ClientIp, ServicesDep, UserDep
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.problems import (
    ProblemCreate,
    ProblemDetail,
    ProblemPage,
    ProblemUpdate,
    PublishStatus,
    TagList,
)
from gateway.services import Services
from gateway.views_problems import detail

router = APIRouter(prefix="/problems", tags=["problems"], responses=ERROR_RESPONSES)
Multi = Annotated[list[str], Query()]


E = TypeVar("E", Difficulty, AttemptStatus)


def multi(values: list[str], kind: type[E], field: str) -> tuple[E, ...]:
    """Repeated or comma-separated query values, trimmed and de-duplicated, checked against an enum."""
    items = dict.fromkeys(v.strip() for value in values for v in value.split(",") if v.strip())
    try:
        return tuple(kind(v) for v in items)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, "Validation failed", {field: f"must be one of {allowed}"}
        ) from exc


def _tags(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for value in values for v in value.split(",") if v.strip()))


@router.get("", summary="List and search problems")
async def list_problems(
    user: UserDep,
    services: ServicesDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = PAGE_LIMIT_DEFAULT,
    sort_order: Annotated[str, Query(alias="sortOrder", pattern="^(asc|desc)$")] = "desc",
    sort_by: Annotated[ProblemSort, Query(alias="sortBy")] = ProblemSort.CREATED_AT,
    difficulty: Multi = [],  # noqa: B006 - FastAPI copies defaults
    status: Multi = [],  # noqa: B006
    tags: Multi = [],  # noqa: B006
    company: Annotated[str | None, Query(max_length=100)] = None,
    search: Annotated[str | None, Query(max_length=200)] = None,
    include_drafts: Annotated[bool, Query(alias="includeDrafts")] = False,
) -> ProblemPage:
    request = catalogue.ListRequest(
        difficulties=multi(difficulty, Difficulty, "difficulty"),
        statuses=multi(status, AttemptStatus, "status"),
        tags=_tags(tags),
        company=company or None,
        search=(search or "").strip() or None,
        sort=sort_by,
        descending=sort_order == "desc",
        limit=limit,
        cursor=cursor,
        include_drafts=include_drafts,
    )
    return await catalogue.list_problems(services, user, request)


@router.get("/tags", summary="List all available tags")
async def tags_list(_: UserDep, services: ServicesDep) -> TagList:
    return TagList(data=await catalogue.tag_list(services))


async def _detail(
    services: Services, user_id: str, problem_id: str, admin: bool, include_hidden: bool
) -> ProblemDetail:
    problem = await services.problems.get(problem_id)
    if problem is None:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    marked = await services.bookmarks.marked(user_id, [problem.id])
    attempt = (await services.problems.attempts(user_id, [problem.id])).get(problem.id)
    cases = await services.problems.tests(problem.id, include_hidden=include_hidden)
    return detail(problem, problem.id in marked, attempt, cases, admin)


@router.get("/{problem_id}", summary="Get problem details")
async def get_problem(
    problem_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    include_hidden: Annotated[bool, Query(alias="includeHidden")] = False,
) -> ProblemDetail:
    catalogue.require_hidden_access(user, include_hidden)
    problem = await catalogue.visible_problem(services, user, str(problem_id))
    return await _detail(services, user.id, problem.id, user.is_admin, include_hidden)


@router.post("", status_code=201, summary="Create a problem (admin)")
async def create_problem(
    body: ProblemCreate, admin: AdminDep, services: ServicesDep, ip: ClientIp
) -> ProblemDetail:
    problem, tests = await catalogue.create_problem(services, body)
    await accounts.audit(
        services,
        "admin.problem.create",
        admin.id,
        problem.id,
        ip,
        {
            "title": problem.title,
            "difficulty": problem.difficulty.value,
            "isPublished": problem.is_published,
            "testCaseCount": len(tests),
            "hiddenTestCaseCount": sum(1 for t in tests if t.is_hidden),
        },
        target_type="problem",
    )
    return await _detail(services, admin.id, problem.id, True, True)


@router.patch("/{problem_id}", summary="Update a problem (admin)")
async def update_problem(
    problem_id: uuid.UUID, body: ProblemUpdate, admin: AdminDep, services: ServicesDep, ip: ClientIp
) -> ProblemDetail:
    problem = await services.problems.get(str(problem_id))
    if problem is None:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    changes = body.model_dump(exclude_unset=True)
    if body.title is not None and await services.problems.title_taken(body.title, except_id=problem.id):
        raise Conflict(ErrorCode.PROBLEM_DUPLICATE_TITLE, "A problem with this title exists")
    new = catalogue.updated(problem, changes, services)
    metadata: dict[str, object] = {"title": problem.title, "changedFields": sorted(changes)}
    if body.examples is not None:
        new = catalogue.replace_examples(new, body.examples)
    if body.starterCode is not None:
        new = catalogue.replace_starter(new, body.starterCode)
    if body.tags is not None:
        new = catalogue.replace_tags(new, body.tags)
    tests = catalogue.cases_from(body.testCases) if body.testCases is not None else None
    if tests is not None:
        new = catalogue.with_case_counts(new, tests)
        metadata |= {"testCaseCount": len(tests), "hiddenTestCaseCount": sum(1 for t in tests if t.is_hidden)}
    await services.problems.save(new, tests)
    await accounts.audit(
        services, "admin.problem.update", admin.id, problem.id, ip, metadata, target_type="problem"
    )
    return await _detail(services, admin.id, problem.id, True, True)


@router.patch("/{problem_id}/publish-status", summary="Publish or unpublish a problem (admin)")
async def publish_status(
    problem_id: uuid.UUID, body: PublishStatus, admin: AdminDep, services: ServicesDep, ip: ClientIp
) -> ProblemDetail:
    problem = await services.problems.get(str(problem_id))
    if problem is None:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    await services.problems.save(catalogue.published(problem, body.isPublished, services))
    action = "admin.problem.publish" if body.isPublished else "admin.problem.unpublish"
    await accounts.audit(
        services,
        action,
        admin.id,
        problem.id,
        ip,
        {
            "title": problem.title,
            "previousIsPublished": problem.is_published,
            "isPublished": body.isPublished,
        },
        target_type="problem",
    )
    return await _detail(services, admin.id, problem.id, True, True)


@router.delete("/{problem_id}", status_code=204, summary="Delete a problem (admin)")
async def delete_problem(
    problem_id: uuid.UUID, admin: AdminDep, services: ServicesDep, ip: ClientIp
) -> Response:
    problem = await services.problems.get(str(problem_id))
    if problem is None:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    if await services.problems.in_use(problem.id):
        raise Conflict(ErrorCode.PROBLEM_IN_USE, "A live room or an ongoing session uses this problem")
    await services.problems.soft_delete(problem.id, services.now())
    await accounts.audit(
        services,
        "admin.problem.delete",
        admin.id,
        problem.id,
        ip,
        {
            "title": problem.title,
            "difficulty": problem.difficulty.value,
            "wasPublished": problem.is_published,
        },
        target_type="problem",
    )
    return Response(status_code=204)
