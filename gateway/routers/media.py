"""Media: LiveKit tokens, the media room's life beside the room (hooks called by the room routers),
recording consent / start / stop, LiveKit's signed webhooks and a session's recording download.

Invariants: without LiveKit configured every media route answers 503 MEDIA_NOT_CONFIGURED and the
hooks do nothing (report False); a LiveKit failure never fails a room operation (the hooks log and
report); a recording starts only with the consent of every active non-observer participant and stops
when one of them withdraws it; a webhook is acted on only when its token signs its body.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from actors import deploy
from actors.media import (
    LiveKitMedia,
    LiveKitSettings,
    MediaGrant,
    MediaPort,
    MediaUnavailableError,
    WebhookRejectedError,
    egress_fields,
)
from engine.errors import Conflict, ErrorCode, Forbidden, NotFound, Unauthenticated, Unavailable
from engine.room import RoomRole
from engine.room.permissions import Capability
from engine.room.state import Room
from engine.room.status import RoomStatus
from gateway import accounts, recording_storage
from gateway.deps import ClientIp, ServicesDep, UserDep
from gateway.room_deps import RoomsDep
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.media import (
    ConsentRequest,
    ConsentResponse,
    MediaTokenResponse,
    RecordingView,
    SessionRecording,
    WebhookAck,
)
from gateway.services import Services
from gateway.settings import Config
from gateway.views import shown_name
from gateway.views_sessions import visible_session
from storage.recordings import Recording, RecordingActiveError, RecordingRepository

router = APIRouter(tags=["media"], responses=ERROR_RESPONSES)
TOKEN_TTL: Final = timedelta(hours=4)
SOURCES: Final = {
    Capability.MEDIA_AUDIO: ("microphone",),
    Capability.MEDIA_VIDEO: ("camera",),
    Capability.MEDIA_SCREENSHARE: ("screen_share", "screen_share_audio"),
}
_EXTRA_KEY: Final = "media"
MEDIA_UPDATED_HEADER: Final = "X-Media-Updated"
KICK_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    204: {
        "description": "Removed. `X-Media-Updated` says whether LiveKit removed them from the media room "
        "too (false: LiveKit not configured or not reachable; the kick stands either way).",
        "headers": {MEDIA_UPDATED_HEADER: {"schema": {"type": "string", "enum": ["true", "false"]}}},
    }
}


def livekit_settings(config: Config) -> LiveKitSettings | None:
    s = config.settings
    if not (s.livekit_url and s.livekit_api_key and s.livekit_api_secret):
        return None
    return LiveKitSettings(
        url=s.livekit_url,
        api_key=s.livekit_api_key,
        api_secret=s.livekit_api_secret.get_secret_value(),
        timeout_s=s.livekit_timeout_s,
        empty_timeout_s=s.livekit_empty_timeout_s,
    )


def media_of(services: Services) -> MediaPort | None:
    """The app's LiveKit runner (built once per app), None when LiveKit is not configured."""
    if _EXTRA_KEY not in services.extras:
        settings = livekit_settings(services.config)
        services.extras[_EXTRA_KEY] = LiveKitMedia(settings) if settings else None
    media: MediaPort | None = services.extras[_EXTRA_KEY]
    return media


def _require(services: Services) -> MediaPort:
    media = media_of(services)
    if media is None:
        raise Unavailable(
            ErrorCode.MEDIA_NOT_CONFIGURED,
            "Voice/video is not configured on this server (set SYNCODE_LIVEKIT_URL, "
            "SYNCODE_LIVEKIT_API_KEY and SYNCODE_LIVEKIT_API_SECRET)",
        )
    return media


# --- hooks called by the room routers: never raise, report whether LiveKit did it -----------------


async def open_media_room(services: Services, room: Room) -> bool:
    media = media_of(services)
    return await media.ensure_room(room.id, room.settings.max_participants) if media else False


async def close_media_room(services: Services, room_id: str) -> bool:
    media = media_of(services)
    return await media.delete_room(room_id) if media else False


async def mute_member(services: Services, room_id: str, user_id: str, muted: bool) -> bool:
    media = media_of(services)
    return await media.mute_audio(room_id, user_id, muted) if media else False


async def remove_member(services: Services, room_id: str, user_id: str) -> bool:
    media = media_of(services)
    return await media.remove(room_id, user_id) if media else False


def media_updated_header(updated: bool) -> dict[str, str]:
    """How a 204 answer (kick: no body by §4.4.1) reports whether LiveKit did its part."""
    return {MEDIA_UPDATED_HEADER: "true" if updated else "false"}


async def livekit_health(services: Services) -> tuple[str, dict[str, Any]]:
    """`not_configured`, or LiveKit asked now: `ok` when it answered, `down` (with why) otherwise."""
    media = media_of(services)
    if media is None:
        return "not_configured", {"configured": False}
    url = services.config.settings.livekit_url
    problem = await media.probe()
    if problem is None:
        return "ok", {"configured": True, "url": url}
    return "down", {"configured": True, "url": url, "error": problem}


# --- tokens ---------------------------------------------------------------------------------------


def _grant(room: Room, user_id: str, name: str) -> MediaGrant:
    member = room.participant(user_id)
    granted = room.capabilities_of(user_id)
    muted = member is not None and member.is_muted
    sources = [
        src
        for cap, srcs in SOURCES.items()
        if cap in granted
        for src in srcs
        if not (muted and src == "microphone")
    ]
    return MediaGrant(room=room.id, identity=user_id, name=name, sources=tuple(sources))


def _require_active(room: Room, user_id: str) -> None:
    """§4.4.3's order: not a participant → ROOM_ACCESS_DENIED, finished → ROOM_FINISHED, left →
    ROOM_ACCESS_DENIED."""
    member = room.participant(user_id)
    if member is None or member.is_removed:
        raise Forbidden(ErrorCode.ROOM_ACCESS_DENIED, "Not a participant of this room")
    if room.status is RoomStatus.FINISHED:
        raise Forbidden(ErrorCode.ROOM_FINISHED, "The room has finished")
    if not member.is_active:
        raise Forbidden(ErrorCode.ROOM_ACCESS_DENIED, "Join the room first")


@router.post("/rooms/{room_id}/media/token", summary="Get a LiveKit access token for the room")
async def media_token(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> MediaTokenResponse:
    room = await rooms.state(str(room_id))
    _require_active(room, user.id)
    media = _require(services)
    s = services.config.settings
    token = media.token(_grant(room, user.id, shown_name(user)), TOKEN_TTL)
    url = s.livekit_client_url or s.livekit_url or ""
    return MediaTokenResponse(token=token, url=url, expiresAt=services.now() + TOKEN_TTL)


# --- recording ------------------------------------------------------------------------------------


def missing_consents(room: Room, consenting: set[str]) -> list[str]:
    """Active non-observer participants who have not consented, in participant order."""
    return [
        p.user_id for p in room.active() if p.role is not RoomRole.OBSERVER and p.user_id not in consenting
    ]


def _view(rec: Recording) -> RecordingView:
    return RecordingView(
        recordingId=rec.id,
        roomId=rec.room_id,
        sessionId=rec.session_id,
        egressId=rec.egress_id,
        status=rec.status,
        startedAt=rec.started_at,
        startedBy=rec.started_by,
    )


def _require_toggle(room: Room, user_id: str) -> None:
    _require_active(room, user_id)
    if Capability.RECORDING_TOGGLE not in room.capabilities_of(user_id):
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Only the host can start or stop recording")


async def _stop(services: Services, media: MediaPort, rec: Recording, by: str) -> Recording:
    if rec.egress_id is None:
        raise Conflict(ErrorCode.RECORDING_NOT_ACTIVE, "The recording is still starting")
    try:
        state = await media.stop_recording(rec.egress_id)
    except MediaUnavailableError as exc:
        raise Unavailable(ErrorCode.MEDIA_SERVICE_UNAVAILABLE, "LiveKit did not stop the recording") from exc
    fields = {"status": state.status, "stoppedBy": by, "stoppedAt": services.now()}
    repo = RecordingRepository(services.mongo)
    await repo.update_egress(rec.egress_id, fields)
    updated = await repo.get(rec.id) or rec
    await deploy.announce(rec.room_id, "recording-stopped", {"recordingId": rec.id, "by": by})
    return updated


@router.post("/rooms/{room_id}/media/recording/consent", summary="Give or withdraw recording consent")
async def recording_consent(
    room_id: uuid.UUID,
    body: ConsentRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
    ip: ClientIp,
) -> ConsentResponse:
    room = await rooms.state(str(room_id))
    _require_active(room, user.id)
    repo = RecordingRepository(services.mongo)
    now = services.now()
    await repo.set_consent(room.id, user.id, body.consent, now)
    await accounts.audit(
        services,
        "room.recording_consent",
        user.id,
        room.id,
        ip,
        {"consent": body.consent},
        target_type="room",
    )
    live = None if body.consent else await repo.live(room.id)
    media = media_of(services)
    stopped = live is not None and media is not None and live.egress_id is not None
    if stopped and live is not None and media is not None:
        await _stop(services, media, live, user.id)
    return ConsentResponse(
        roomId=room.id, userId=user.id, consent=body.consent, updatedAt=now, recordingStopped=stopped
    )


@router.post("/rooms/{room_id}/media/recording/start", summary="Start recording the room (host)")
async def recording_start(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep, ip: ClientIp
) -> RecordingView:
    room = await rooms.state(str(room_id))
    _require_toggle(room, user.id)
    media = _require(services)
    if room.session_id is None:
        raise Conflict(ErrorCode.ROOM_INVALID_STATE, "Recording starts once the session has started")
    repo = RecordingRepository(services.mongo)
    missing = missing_consents(room, await repo.consenting(room.id))
    if missing:
        raise Conflict(
            ErrorCode.RECORDING_CONSENT_REQUIRED,
            "Every participant must consent to recording",
            {"missing": missing},
        )
    rec_id = str(uuid.uuid4())
    try:
        await repo.claim(rec_id, room.session_id, room.id, user.id, services.now())
    except RecordingActiveError as exc:
        raise Conflict(ErrorCode.RECORDING_ALREADY_ACTIVE, "The room is already being recorded") from exc
    try:
        target = recording_storage.target(services.config, room.id, rec_id)
        state = await media.start_recording(room.id, target)
    except MediaUnavailableError as exc:
        await repo.drop(rec_id)
        raise Unavailable(ErrorCode.MEDIA_SERVICE_UNAVAILABLE, "LiveKit did not start the recording") from exc
    await repo.attach_egress(rec_id, state.egress_id, state.status)
    await accounts.audit(
        services, "room.recording_start", user.id, room.id, ip, {"recordingId": rec_id}, target_type="room"
    )
    await deploy.announce(room.id, "recording-started", {"recordingId": rec_id, "by": user.id})
    rec = await repo.get(rec_id)
    assert rec is not None  # noqa: S101 - claimed above
    return _view(rec)


@router.post("/rooms/{room_id}/media/recording/stop", summary="Stop recording the room (host)")
async def recording_stop(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep, ip: ClientIp
) -> RecordingView:
    room = await rooms.state(str(room_id))
    _require_toggle(room, user.id)
    media = _require(services)
    live = await RecordingRepository(services.mongo).live(room.id)
    if live is None or live.status == "ending":
        raise Conflict(ErrorCode.RECORDING_NOT_ACTIVE, "The room is not being recorded")
    stopped = await _stop(services, media, live, user.id)
    await accounts.audit(
        services, "room.recording_stop", user.id, room.id, ip, {"recordingId": live.id}, target_type="room"
    )
    return _view(stopped)


# --- LiveKit webhooks -----------------------------------------------------------------------------


@router.post("/internal/livekit/webhook", summary="LiveKit webhook receiver (signed)", include_in_schema=True)
async def livekit_webhook(
    request: Request, services: ServicesDep, authorization: Annotated[str, Header()] = ""
) -> WebhookAck:
    media = media_of(services)
    if media is None:  # no LiveKit key here, so no signature can verify
        raise Unauthenticated(ErrorCode.MEDIA_WEBHOOK_INVALID, "No LiveKit is configured to sign webhooks")
    body = (await request.body()).decode("utf-8", "replace")
    try:
        event = media.receive(body, authorization)
    except WebhookRejectedError as exc:
        raise Unauthenticated(ErrorCode.MEDIA_WEBHOOK_INVALID, "Webhook signature does not verify") from exc
    repo = RecordingRepository(services.mongo)
    if event.event.startswith("egress_") and event.egress_info.egress_id:
        info = event.egress_info
        await repo.update_egress(info.egress_id, egress_fields(info), room_id=info.room_name)
    elif event.event in ("participant_joined", "participant_left"):
        at = datetime.fromtimestamp(event.created_at, UTC) if event.created_at else services.now()
        await repo.presence(
            event.id or str(uuid.uuid4()), event.room.name, event.participant.identity, event.event, at
        )
    return WebhookAck(received=True)


# --- downloads ------------------------------------------------------------------------------------


@router.get("/sessions/{session_id}/recording", summary="Signed download URL of the session's recording")
async def session_recording(session_id: uuid.UUID, user: UserDep, services: ServicesDep) -> SessionRecording:
    """Our signed link to the file route (local files) or an S3 presigned GET (S3 configured)."""
    row = await visible_session(services, str(session_id), user, finished=False)
    rec = await RecordingRepository(services.mongo).latest_for_session(row.id)
    if rec is None:
        raise NotFound(ErrorCode.SESSION_RECORDING_NOT_FOUND, "This session has no recording")
    if rec.status in ("failed", "aborted", "limit_reached") and not rec.location:
        raise Conflict(ErrorCode.RECORDING_FAILED, f"The recording ended without a file ({rec.status})")
    if not rec.complete:
        raise Conflict(ErrorCode.RECORDING_NOT_READY, f"The recording is not ready yet ({rec.status})")
    link = recording_storage.download_link(services.config, rec, services.now())
    return SessionRecording(
        sessionId=rec.session_id,
        recordingId=rec.id,
        status=rec.status,
        url=link.url,
        expiresAt=link.expires_at,
        durationSeconds=rec.duration_s,
        sizeBytes=rec.size_bytes,
    )


@router.get("/media/recordings/{recording_id}/file", summary="Download a recording through a signed URL")
async def recording_file(
    recording_id: uuid.UUID,
    services: ServicesDep,
    expires: Annotated[int, Query()],
    sig: Annotated[str, Query(max_length=128)],
) -> Response:
    config, now = services.config, services.now()
    if not recording_storage.verify_file_link(config, str(recording_id), expires, sig, now):
        raise Forbidden(ErrorCode.BLOB_SIGNATURE_INVALID, "Invalid or expired download link")
    rec = await RecordingRepository(services.mongo).get(str(recording_id))
    if rec is not None and recording_storage.uses_s3(config) and not recording_storage.is_local(rec):
        return RedirectResponse(recording_storage.presigned(config, rec, now).url, status_code=307)
    if rec is not None and rec.location and rec.location.startswith(("https://", "http://")):
        return RedirectResponse(rec.location, status_code=307)
    path = await asyncio.to_thread(recording_storage.local_file, config, rec)
    if path is None or rec is None:
        raise NotFound(ErrorCode.SESSION_RECORDING_NOT_FOUND, "The recording file is not available here")
    return FileResponse(path, media_type="video/mp4", filename=f"session-{rec.session_id}.mp4")
