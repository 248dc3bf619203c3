"""Problem, test case, tag and bookmark shapes (the seed's ProblemSummary, ProblemDetail, ProblemExample,
TestCase, TagInfo)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from engine.problems.model import LANGUAGES, Difficulty
from gateway.schemas.common import ApiModel, Pagination, StrictBody, UtcDatetime

TagSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class ProblemExample(ApiModel):
    input: str
    output: str
    explanation: str | None = None


class TestCase(ApiModel):
    input: str
    expectedOutput: str
    description: str | None = None
    isHidden: bool
    timeoutMs: int | None = None
    memoryMb: int | None = None
    isTruncated: bool = False


class ProblemSummary(ApiModel):
    id: str
    title: str
    difficulty: Difficulty
    isPublished: bool
    tags: list[str]
    company: str | None
    acceptanceRate: float | None
    totalSubmissions: int
    isBookmarked: bool
    attemptStatus: str | None
    updatedAt: UtcDatetime
    testCaseCount: int | None = None
    hiddenTestCaseCount: int | None = None


class ProblemDetail(ProblemSummary):
    description: str
    constraints: str | None
    examples: list[ProblemExample]
    testCases: list[TestCase]
    starterCode: dict[str, str] | None
    timeLimit: int | None
    memoryLimit: int | None
    userAttempts: int
    createdAt: UtcDatetime


class ProblemPage(ApiModel):
    data: list[ProblemSummary]
    pagination: Pagination


class TagInfo(ApiModel):
    slug: str
    name: str
    count: int


class TagList(ApiModel):
    data: list[TagInfo]


class ExampleBody(StrictBody):
    input: Annotated[str, Field(max_length=20_000)]
    output: Annotated[str, Field(max_length=20_000)]
    explanation: Annotated[str, Field(max_length=5_000)] | None = None


class TestCaseBody(StrictBody):
    input: Annotated[Text, Field(min_length=1, max_length=20_000)]
    expectedOutput: Annotated[Text, Field(min_length=1, max_length=20_000)]
    description: Annotated[str, Field(max_length=255)] | None = None
    isHidden: bool = False
    timeoutMs: Annotated[int, Field(ge=1, le=60_000)] | None = None
    memoryMb: Annotated[int, Field(ge=1, le=4096)] | None = None


StarterCode = dict[
    Annotated[str, StringConstraints(pattern="^(" + "|".join(LANGUAGES) + ")$")],
    Annotated[str, Field(max_length=64 * 1024)],
]


class ProblemCreate(StrictBody):
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(min_length=1, max_length=100_000)]
    difficulty: Difficulty
    isPublished: bool = False
    company: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    constraints: Annotated[str, Field(min_length=1, max_length=50_000)] | None = None
    examples: Annotated[list[ExampleBody], Field(max_length=20)] = []
    starterCode: StarterCode | None = None
    timeLimit: Annotated[int, Field(ge=1, le=60_000)] | None = None
    memoryLimit: Annotated[int, Field(ge=1, le=4096)] | None = None
    testCases: Annotated[list[TestCaseBody], Field(min_length=1, max_length=100)]
    tags: Annotated[list[TagSlug], Field(max_length=10)] = []


class ProblemUpdate(StrictBody):
    title: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Field(min_length=1, max_length=100_000)] | None = None
    difficulty: Difficulty | None = None
    company: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    constraints: Annotated[str, Field(min_length=1, max_length=50_000)] | None = None
    examples: Annotated[list[ExampleBody], Field(max_length=20)] | None = None
    starterCode: StarterCode | None = None
    timeLimit: Annotated[int, Field(ge=1, le=60_000)] | None = None
    memoryLimit: Annotated[int, Field(ge=1, le=4096)] | None = None
    testCases: Annotated[list[TestCaseBody], Field(min_length=1, max_length=100)] | None = None
    tags: Annotated[list[TagSlug], Field(max_length=10)] | None = None

    @field_validator("title", "description", "difficulty", "examples", "testCases", "tags", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may not be null")
        return value


class PublishStatus(StrictBody):
    isPublished: bool
