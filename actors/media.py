"""The LiveKit runner: the one module that talks to a LiveKit server (RoomService and Egress over Twirp,
access tokens, signed webhooks) through the `livekit-api` SDK, behind the small typed `MediaPort`.

Not a Ray actor: every call is a short HTTP request the gateway makes in-process, so there is no state
to own. Invariants: room-side calls (`ensure_room`, `delete_room`, `mute_audio`, `remove`) never raise —
they are idempotent on LiveKit's side, retried once, and answer whether LiveKit did it; the recording
calls (`start_recording`, `stop_recording`) are not retried and raise `MediaUnavailableError`; `probe`
(health) is one short call that answers whether LiveKit answered.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol, TypeVar

import aiohttp
from livekit import api

log = logging.getLogger(__name__)
T = TypeVar("T")

ROOM_CALL_ATTEMPTS: Final = 2
"""Idempotent room calls (create, delete, mute, remove) are tried this many times."""
RETRY_PAUSE_S: Final = 0.1
PROBE_TIMEOUT_S: Final = 2.0
"""Health asks LiveKit with at most this timeout (or the configured one when shorter)."""
SOURCE_MICROPHONE: Final = "microphone"
_NOT_FOUND: Final = api.ServerErrorCode.NOT_FOUND


class MediaUnavailableError(RuntimeError):
    """LiveKit did not accept a recording call (down, refused, or an error answer)."""


class WebhookRejectedError(ValueError):
    """A webhook whose signature or body hash does not verify."""


@dataclass(frozen=True)
class LiveKitSettings:
    url: str
    api_key: str
    api_secret: str
    timeout_s: float = 5.0
    empty_timeout_s: int = 300


@dataclass(frozen=True)
class MediaGrant:
    """What one participant may do in the media room: the sources they may publish (LiveKit's
    `canPublishSources` names), subscribing and data always."""

    room: str
    identity: str
    name: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class FileTarget:
    """Where an egress writes its MP4: a path on the egress host, or an S3 object (bucket set)."""

    filepath: str
    s3_bucket: str | None = None
    s3_region: str = ""
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret: str = ""


@dataclass(frozen=True)
class EgressState:
    egress_id: str
    status: str
    """`EgressStatus` name without the `EGRESS_` prefix, lower-case (`starting`, `active`, `complete`...)."""


class MediaPort(Protocol):
    def token(self, grant: MediaGrant, ttl: timedelta) -> str: ...
    async def ensure_room(self, name: str, max_participants: int) -> bool: ...
    async def delete_room(self, name: str) -> bool: ...
    async def mute_audio(self, room: str, identity: str, muted: bool) -> bool: ...
    async def remove(self, room: str, identity: str) -> bool: ...
    async def start_recording(self, room: str, target: FileTarget) -> EgressState: ...
    async def stop_recording(self, egress_id: str) -> EgressState: ...
    def receive(self, body: str, authorization: str) -> api.WebhookEvent: ...
    async def probe(self) -> str | None: ...


def egress_state(info: api.EgressInfo) -> EgressState:
    name = api.EgressStatus.Name(info.status)
    return EgressState(info.egress_id, name.removeprefix("EGRESS_").lower())


def _output(target: FileTarget) -> api.EncodedFileOutput:
    out = api.EncodedFileOutput(file_type=api.MP4, filepath=target.filepath)
    if target.s3_bucket:
        out.s3.CopyFrom(
            api.S3Upload(
                bucket=target.s3_bucket,
                region=target.s3_region,
                endpoint=target.s3_endpoint,
                access_key=target.s3_access_key,
                secret=target.s3_secret,
            )
        )
    return out


class LiveKitMedia:
    """`MediaPort` over a LiveKit server; one short-lived SDK client per call."""

    def __init__(self, settings: LiveKitSettings) -> None:
        self._s = settings

    def token(self, grant: MediaGrant, ttl: timedelta) -> str:
        video = api.VideoGrants(
            room_join=True,
            room=grant.room,
            can_publish=bool(grant.sources),
            can_publish_sources=list(grant.sources),
            can_subscribe=True,
            can_publish_data=True,
        )
        token = api.AccessToken(self._s.api_key, self._s.api_secret)
        token = token.with_identity(grant.identity).with_name(grant.name).with_grants(video)
        return token.with_ttl(ttl).to_jwt()

    def receive(self, body: str, authorization: str) -> api.WebhookEvent:
        receiver = api.WebhookReceiver(api.TokenVerifier(self._s.api_key, self._s.api_secret))
        try:
            return receiver.receive(body, authorization.removeprefix("Bearer ").strip())
        except Exception as exc:  # the SDK raises bare Exception / jwt errors
            raise WebhookRejectedError(str(exc)) from exc

    async def probe(self) -> str | None:
        """None when LiveKit answers an authenticated `ListRooms`, else what went wrong."""
        try:
            await self._call(lambda lk: lk.room.list_rooms(api.ListRoomsRequest()), PROBE_TIMEOUT_S)
        except api.ServerError as exc:
            return f"{exc.code}: {exc.message}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return type(exc).__name__
        return None

    async def _call(self, use: Callable[[api.LiveKitAPI], Awaitable[T]], limit_s: float | None = None) -> T:
        timeout = aiohttp.ClientTimeout(total=min(self._s.timeout_s, limit_s or self._s.timeout_s))
        async with api.LiveKitAPI(self._s.url, self._s.api_key, self._s.api_secret, timeout=timeout) as lk:
            return await use(lk)

    async def _best_effort(self, what: str, use: Callable[[api.LiveKitAPI], Awaitable[object]]) -> bool:
        """An idempotent call, retried; LiveKit's `not_found` counts as done (nothing left to undo)."""
        for attempt in range(1, ROOM_CALL_ATTEMPTS + 1):
            try:
                await self._call(use)
            except api.ServerError as exc:
                if exc.code == _NOT_FOUND:
                    return True
                log.warning("livekit %s failed (attempt %d): %s", what, attempt, exc)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning("livekit %s failed (attempt %d): %r", what, attempt, exc)
            else:
                return True
            if attempt < ROOM_CALL_ATTEMPTS:
                await asyncio.sleep(RETRY_PAUSE_S)  # a short pause before the one retry
        return False

    async def ensure_room(self, name: str, max_participants: int) -> bool:
        request = api.CreateRoomRequest(
            name=name, empty_timeout=self._s.empty_timeout_s, max_participants=max_participants
        )
        return await self._best_effort("create_room", lambda lk: lk.room.create_room(request))

    async def delete_room(self, name: str) -> bool:
        request = api.DeleteRoomRequest(room=name)
        return await self._best_effort("delete_room", lambda lk: lk.room.delete_room(request))

    async def remove(self, room: str, identity: str) -> bool:
        request = api.RoomParticipantIdentity(room=room, identity=identity)
        return await self._best_effort("remove_participant", lambda lk: lk.room.remove_participant(request))

    async def mute_audio(self, room: str, identity: str, muted: bool) -> bool:
        async def mute(lk: api.LiveKitAPI) -> None:
            who = await lk.room.get_participant(api.RoomParticipantIdentity(room=room, identity=identity))
            for track in who.tracks:
                if track.type == api.AUDIO:
                    request = api.MuteRoomTrackRequest(
                        room=room, identity=identity, track_sid=track.sid, muted=muted
                    )
                    await lk.room.mute_published_track(request)

        return await self._best_effort("mute_published_track", mute)

    async def start_recording(self, room: str, target: FileTarget) -> EgressState:
        request = api.RoomCompositeEgressRequest(
            room_name=room, layout="grid", file_outputs=[_output(target)]
        )
        return egress_state(
            await self._recording_call(lambda lk: lk.egress.start_room_composite_egress(request))
        )

    async def stop_recording(self, egress_id: str) -> EgressState:
        request = api.StopEgressRequest(egress_id=egress_id)
        return egress_state(await self._recording_call(lambda lk: lk.egress.stop_egress(request)))

    async def _recording_call(
        self, use: Callable[[api.LiveKitAPI], Awaitable[api.EgressInfo]]
    ) -> api.EgressInfo:
        try:
            return await self._call(use)
        except (api.ServerError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("livekit egress call failed: %s", exc)
            raise MediaUnavailableError(str(exc)) from exc


def body_sha256(body: str) -> str:
    """The `sha256` claim LiveKit puts in a webhook's token: base64 of the body's SHA-256 digest."""
    return base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()


def _ns(value: int) -> datetime | None:
    return datetime.fromtimestamp(value / 1e9, UTC) if value else None


def egress_fields(info: api.EgressInfo) -> dict[str, Any]:
    """What an egress report says about its recording: status, times, error and the first file's
    duration, size, location and file name (the object key for an S3 upload)."""
    fields: dict[str, Any] = {"status": egress_state(info).status, "updatedAt": _ns(info.updated_at)}
    if info.ended_at:
        fields["endedAt"] = _ns(info.ended_at)
    if info.error:
        fields["error"] = info.error
    if info.file_results:
        result = info.file_results[0]
        fields |= {
            "durationSeconds": round(result.duration / 1e9, 3),
            "sizeBytes": int(result.size),
            "location": result.location or result.filename,
            "filename": result.filename,
        }
    return fields
