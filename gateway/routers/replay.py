"""Session replay and whiteboard export (ours): `GET /api/sessions/{id}/replay` and `.../whiteboard`.

Access as the other per-session routes (gateway.views_sessions): participants and admins; a stranger is
403 SESSION_NOT_PARTICIPANT, an unknown or hidden session 404 SESSION_NOT_FOUND; ongoing sessions too
(their replay and whiteboard end now). The replay is built from the room's edit log (storage/edit_log.py)
by engine/replay; the whiteboard is the stored document's `whiteboard` map, drawn by engine/whiteboard.
CPU-heavy steps (rebuilding documents, rasterising) run in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import uuid
from typing import Annotated, Any, Final, Literal

import resvg_py
from fastapi import APIRouter, Query, Response

from engine.collab.document import apply_update, new_document
from engine.replay.frames import ReplayFrames, build_frames, code_at
from engine.replay.gaps import PlaybackClock, playback_clock
from engine.replay.model import EditEntry, TimelineMark
from engine.replay.window import window
from engine.whiteboard.records import store_snapshot, whiteboard_records
from engine.whiteboard.render import render_svg
from gateway.deps import ServicesDep, UserDep
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.replay import (
    ReplayEvent,
    ReplayIdleGap,
    ReplayKeyframe,
    ReplayLog,
    ReplayMoment,
    ReplayUpdate,
    SessionReplay,
    WhiteboardExport,
)
from gateway.services import Services
from gateway.views_sessions import visible_session
from storage.chat import ChatRepository
from storage.documents import DocumentStore
from storage.session_history import SessionRow, epoch_ms
from storage.session_timeline import SessionTimeline

router = APIRouter(prefix="/sessions", tags=["sessions"], responses=ERROR_RESPONSES)
KEYFRAME_EVERY_S_DEFAULT: Final = 30
EVENTS_MAX: Final = 2000
"""Timeline entries interleaved into one replay (past it `eventsTruncated` is true)."""
KEYFRAMES_MAX: Final = 1000
"""A replay has at most this many keyframes: a longer session gets a longer interval than asked."""
MOMENT_MAX: Final = 253_402_300_799_999
PNG_MAX_SIDE: Final = 4096
"""A PNG is scaled down so that neither side exceeds this many pixels."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _end_ms(services: Services, row: SessionRow) -> int:
    return epoch_ms(row.finished_at) if row.finished_at is not None else epoch_ms(services.now())


async def _marks(services: Services, row: SessionRow, end_ms: int) -> tuple[list[TimelineMark], bool]:
    """The session timeline (phases, runs, submissions, snapshots, ...) and its chat, in time order."""
    items = await SessionTimeline(services.mongo).page(row, EVENTS_MAX, None)
    marks = [TimelineMark(i.id, i.type, epoch_ms(i.at), i.actor_id, i.data) for i in items[:EVENTS_MAX]]
    start = epoch_ms(row.started_at)
    for message in await ChatRepository(services.mongo).recent(row.room_id):
        at = int(message.get("createdAt") or 0)
        if start <= at <= end_ms:
            data = {"messageId": message.get("messageId"), "text": message.get("text", "")}
            marks.append(
                TimelineMark(str(message.get("messageId")), "chat-message", at, message.get("userId"), data)
            )
    marks.sort(key=lambda m: (m.at_ms, m.type, m.id))
    return marks[:EVENTS_MAX], len(items) > EVENTS_MAX or len(marks) > EVENTS_MAX


def _replay_view(
    row: SessionRow, frames: ReplayFrames, clock: PlaybackClock, marks: list[TimelineMark], log: ReplayLog
) -> SessionReplay:
    return SessionReplay(
        sessionId=row.id,
        roomId=row.room_id,
        language=row.language,
        startedAt=frames.origin_ms,
        endedAt=frames.end_ms,
        durationMs=frames.end_ms - frames.origin_ms,
        playbackDurationMs=clock.duration_ms,
        keyframeIntervalMs=frames.interval_ms,
        maxIdleMs=clock.max_idle_ms,
        idleGaps=[ReplayIdleGap(start=g.start_ms, end=g.end_ms, savedMs=g.saved_ms) for g in clock.gaps],
        keyframes=[
            ReplayKeyframe(at=k.at_ms, t=clock.play(k.at_ms), seq=k.seq, state=_b64(k.state))
            for k in frames.keyframes
        ],
        updates=[
            ReplayUpdate(
                firstSeq=r.first_seq,
                lastSeq=r.last_seq,
                startAt=r.start_ms,
                endAt=r.end_ms,
                t=clock.play(r.start_ms),
                authorId=r.authors[0] if r.authors else "",
                authors=list(r.authors),
                update=_b64(r.update),
            )
            for r in frames.ranges
        ],
        events=[
            ReplayEvent(
                id=m.id, type=m.type, at=m.at_ms, t=clock.play(m.at_ms), actorId=m.actor_id, data=m.data
            )
            for m in marks
        ],
        eventsTruncated=False,
        log=log,
    )


def _moment(row: SessionRow, entries: list[EditEntry], at: int, clock: PlaybackClock) -> ReplayMoment:
    seq = max((e.seq for e in entries if e.at_ms <= at), default=-1)
    return ReplayMoment(
        sessionId=row.id, at=at, t=clock.play(at), seq=seq, language=row.language, code=code_at(entries, at)
    )


@router.get(
    "/{session_id}/replay",
    summary="Get session replay",
    response_model=SessionReplay | ReplayMoment,
)
async def session_replay(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    at: Annotated[int | None, Query(ge=0, le=MOMENT_MAX, description="epoch ms: the code then")] = None,
    keyframe_every_s: Annotated[int, Query(alias="keyframeEveryS", ge=1, le=3600)] = KEYFRAME_EVERY_S_DEFAULT,
    max_idle_s: Annotated[
        int | None, Query(alias="maxIdleS", ge=1, le=3600, description="compress idle gaps to this")
    ] = None,
    from_ms: Annotated[int | None, Query(alias="from", ge=0, le=MOMENT_MAX)] = None,
    to_ms: Annotated[int | None, Query(alias="to", ge=0, le=MOMENT_MAX)] = None,
) -> SessionReplay | ReplayMoment:
    """The session as frames a client plays: keyframes (whole document) every `keyframeEveryS` and the
    update ranges between them (author, time), with the timeline interleaved; `from`/`to` (epoch ms)
    return only what seeking into that window needs. `?at=` answers the code per language at that moment
    instead. `maxIdleS` shortens every stretch without activity to that many seconds on the playback
    axis `t`."""
    row = await visible_session(services, str(session_id), user, finished=False)
    start, end = epoch_ms(row.started_at), _end_ms(services, row)
    entries = await DocumentStore(services.mongo).edits.read(row.room_id, up_to_ms=end)
    marks, truncated = await _marks(services, row, end)
    moments = [e.at_ms for e in entries] + [m.at_ms for m in marks]
    clock = playback_clock(start, end, moments, max_idle_s * 1000 if max_idle_s else None)
    if at is not None:
        return await asyncio.to_thread(_moment, row, entries, at, clock)
    interval = max(keyframe_every_s * 1000, -(-(end - start) // KEYFRAMES_MAX))
    frames = await asyncio.to_thread(build_frames, entries, start, end, interval)
    frames = window(frames, from_ms, to_ms)
    if from_ms is not None or to_ms is not None:
        low, high = from_ms or start, to_ms or end
        marks = [m for m in marks if low <= m.at_ms <= high]
    log = ReplayLog(entries=len(entries), sizeBytes=sum(len(e.update) for e in entries))
    view = _replay_view(row, frames, clock, marks, log)
    return view.model_copy(update={"eventsTruncated": truncated})


async def _records(services: Services, row: SessionRow) -> dict[str, dict[str, Any]]:
    snapshot, updates, _ = await DocumentStore(services.mongo).load(row.room_id)

    def rebuild() -> dict[str, dict[str, Any]]:
        doc = new_document(snapshot)
        for update in updates:
            apply_update(doc, update)
        return whiteboard_records(doc)

    return await asyncio.to_thread(rebuild)


def _png(svg: str, width: int, height: int) -> bytes:
    scale = min(1.0, PNG_MAX_SIDE / max(width, height))
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            background="#ffffff",
            width=max(1, int(width * scale)),
            height=max(1, int(height * scale)),
        )
    )


@router.get(
    "/{session_id}/whiteboard",
    summary="Get whiteboard export",
    response_model=WhiteboardExport,
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}},
)
async def session_whiteboard(
    session_id: uuid.UUID,
    user: UserDep,
    services: ServicesDep,
    fmt: Annotated[Literal["json", "svg", "png"], Query(alias="format")] = "json",
) -> Any:
    """The whiteboard as the session left it: tldraw records and schema (JSON, what a tldraw client
    loads), or drawn by our renderer as SVG or PNG. An empty whiteboard is an empty export."""
    row = await visible_session(services, str(session_id), user, finished=False)
    records = await _records(services, row)
    if fmt == "json":
        snapshot = store_snapshot(records)
        shapes = sum(1 for r in snapshot["store"].values() if r.get("typeName") == "shape")
        return WhiteboardExport.model_validate(
            {"sessionId": row.id, "roomId": row.room_id, "shapeCount": shapes, **snapshot}
        )
    picture = await asyncio.to_thread(render_svg, records)
    if fmt == "svg":
        return Response(picture.svg, media_type="image/svg+xml")
    png = await asyncio.to_thread(_png, picture.svg, picture.width, picture.height)
    return Response(png, media_type="image/png")
