"""Session history shapes: the seed's CodeSnapshot."""

from __future__ import annotations

from gateway.schemas.common import ApiModel, Pagination, UtcDatetime


class CodeSnapshot(ApiModel):
    id: str
    sessionId: str
    roomId: str
    trigger: str
    language: str | None
    code: str
    linesOfCode: int
    phase: str | None
    createdAt: UtcDatetime


class CodeSnapshotPage(ApiModel):
    data: list[CodeSnapshot]
    pagination: Pagination
