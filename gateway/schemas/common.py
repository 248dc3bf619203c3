"""Shared shapes: the error envelope, pagination, strict request bodies, UTC timestamps, optional keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from engine.clock import iso_z
from engine.rules import PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX

UtcDatetime = Annotated[datetime, PlainSerializer(iso_z, return_type=str, when_used="json")]
T = TypeVar("T")


def _is_none(value: object) -> bool:
    return value is None


def optional_key(description: str | None = None) -> Any:
    """A response field that is left out of the JSON (not sent as `null`) when it has no value, for
    keys the reference sends only sometimes (strict clients reject an unexpected `null`)."""
    return Field(default=None, exclude_if=_is_none, description=description)


class StrictBody(BaseModel):
    """Base of every request body: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class ApiModel(BaseModel):
    """Base of response models."""

    model_config = ConfigDict(populate_by_name=True)


class ErrorResponse(ApiModel):
    statusCode: int
    code: str
    message: str
    timestamp: UtcDatetime
    details: dict[str, Any] | None = None


class Pagination(ApiModel):
    nextCursor: str | None
    hasMore: bool


class Page(ApiModel, Generic[T]):
    data: list[T]
    pagination: Pagination


class PageQuery(BaseModel):
    """Query parameters of every cursor list."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = None
    limit: int = Field(default=PAGE_LIMIT_DEFAULT, ge=1, le=PAGE_LIMIT_MAX)
    sortOrder: str = Field(default="desc", pattern="^(asc|desc)$")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 403, 404, 409, 413, 415, 429, 503)
}
