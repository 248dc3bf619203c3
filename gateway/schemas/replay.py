"""Session replay and whiteboard export shapes (ours: `GET /api/sessions/{id}/replay|whiteboard`).

Times in a replay are epoch milliseconds (`at`, as `?at=` takes them); `t` is the playback position in
ms from the session's start after idle-gap compression (equal to `at - startedAt` without it). Document
states and updates are Yjs updates, base64.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from gateway.schemas.common import ApiModel


class ReplayKeyframe(ApiModel):
    at: int
    t: int
    seq: int = Field(description="The last edit-log entry the state contains (-1: none)")
    state: str = Field(description="The whole document at `at` (Yjs update, base64)")


class ReplayUpdate(ApiModel):
    firstSeq: int
    lastSeq: int
    startAt: int
    endAt: int
    t: int
    authorId: str = Field(description="The user who typed it (`server` for starter code)")
    authors: list[str]
    update: str = Field(description="The range's updates merged (Yjs update, base64)")


class ReplayEvent(ApiModel):
    id: str
    type: str
    at: int
    t: int
    actorId: str | None
    data: dict[str, Any]


class ReplayIdleGap(ApiModel):
    start: int
    end: int
    savedMs: int


class ReplayLog(ApiModel):
    entries: int
    sizeBytes: int


class SessionReplay(ApiModel):
    sessionId: str
    roomId: str
    language: str | None
    startedAt: int
    endedAt: int
    durationMs: int
    playbackDurationMs: int
    keyframeIntervalMs: int
    maxIdleMs: int | None
    idleGaps: list[ReplayIdleGap]
    keyframes: list[ReplayKeyframe]
    updates: list[ReplayUpdate]
    events: list[ReplayEvent]
    eventsTruncated: bool
    log: ReplayLog


class ReplayMoment(ApiModel):
    sessionId: str
    at: int
    t: int
    seq: int
    language: str | None
    code: dict[str, str] = Field(description="The code per language at `at`")


class WhiteboardExport(ApiModel):
    sessionId: str
    roomId: str
    shapeCount: int
    store: dict[str, dict[str, Any]] = Field(description="tldraw records by id (a tldraw store snapshot)")
    tldraw_schema: dict[str, Any] = Field(alias="schema", description="tldraw's serialized schema (v2)")
