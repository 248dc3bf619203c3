"""Bookmarks: list (ProblemSummary with isBookmarked), put and delete — both idempotent."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from engine.errors import ErrorCode, NotFound
from engine.pagination import decode_cursor, time_cursor
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX
from gateway import catalogue
from gateway.deps import ServicesDep, UserDep
from gateway.schemas.common import ERROR_RESPONSES, Pagination
from gateway.schemas.problems import ProblemPage

router = APIRouter(prefix="/users/me/bookmarks", tags=["bookmarks"], responses=ERROR_RESPONSES)


@router.get("", summary="List bookmarked problems")
async def list_bookmarks(
    user: UserDep,
    services: ServicesDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX)] = PAGE_LIMIT_DEFAULT,
) -> ProblemPage:
    after = decode_cursor(cursor) if cursor else None
    visible = await services.problems.visible_ids(published_only=not user.is_admin)
    rows = await services.bookmarks.page(user.id, visible, limit, after)
    page, more = rows[:limit], len(rows) > limit
    by_id = await services.problems.get_many([r["problemId"] for r in page])
    items = await catalogue.summaries(services, user, [by_id[r["problemId"]] for r in page], False)
    last = page[-1] if page else None
    next_cursor = time_cursor(last["createdAt"], last["_id"]) if more and last else None
    return ProblemPage(data=items, pagination=Pagination(nextCursor=next_cursor, hasMore=more))


@router.put("/{problem_id}", status_code=204, summary="Bookmark a problem")
async def add_bookmark(problem_id: uuid.UUID, user: UserDep, services: ServicesDep) -> Response:
    problem = await services.problems.get(str(problem_id))
    if problem is None or not problem.is_published:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    await services.bookmarks.add(user.id, problem.id, services.now())
    return Response(status_code=204)


@router.delete("/{problem_id}", status_code=204, summary="Remove bookmark")
async def remove_bookmark(problem_id: uuid.UUID, user: UserDep, services: ServicesDep) -> Response:
    await services.bookmarks.remove(user.id, str(problem_id))
    return Response(status_code=204)
