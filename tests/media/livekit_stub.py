"""A local stub of LiveKit's Twirp API on a real socket: the RoomService and Egress methods SynCode
uses, protobuf or JSON bodies, Twirp error shapes, API-key JWT checks; and a small egress state machine
(starting → active on start, ending → complete on stop) that delivers webhooks signed as LiveKit signs
them (a JWT from the API key whose `sha256` claim is the base64 SHA-256 of the JSON body). An egress
with an `S3Upload` output "uploads" to the stub's own S3-compatible store, which serves objects
path-style (`/bucket/key`) only to SigV4 presigned GETs that verify and have not expired.

Invariant: every call it answers is recorded in `calls` as (method, request message) in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from google.protobuf.json_format import MessageToJson, Parse
from google.protobuf.message import Message
from livekit import api

from actors.media import body_sha256
from engine.media.sigv4 import Credentials, object_location, presign_get

MP4 = b"\x00\x00\x00\x18ftypmp42fake-recording"
Deliver = Callable[[str, str], Coroutine[Any, Any, None]]
"""Posts a webhook (body, authorization) to the app under test."""
M = TypeVar("M", bound=Message)
REQUESTS: dict[str, type[Message]] = {
    "CreateRoom": api.CreateRoomRequest,
    "DeleteRoom": api.DeleteRoomRequest,
    "GetParticipant": api.RoomParticipantIdentity,
    "RemoveParticipant": api.RoomParticipantIdentity,
    "MutePublishedTrack": api.MuteRoomTrackRequest,
    "ListParticipants": api.ListParticipantsRequest,
    "ListRooms": api.ListRoomsRequest,
    "StartRoomCompositeEgress": api.RoomCompositeEgressRequest,
    "StopEgress": api.StopEgressRequest,
}


class TwirpFailureError(Exception):
    def __init__(self, status: int, code: str, msg: str) -> None:
        super().__init__(code, msg)
        self.status, self.code, self.msg = status, code, msg


@dataclass
class LiveKitStub:
    api_key: str
    api_secret: str
    deliver: Deliver | None = None
    calls: list[tuple[str, Message]] = field(default_factory=list)
    rooms: dict[str, api.Room] = field(default_factory=dict)
    participants: dict[tuple[str, str], api.ParticipantInfo] = field(default_factory=dict)
    egresses: dict[str, api.EgressInfo] = field(default_factory=dict)
    s3_keys: dict[str, str] = field(default_factory=dict)
    """S3 access key → secret the object store accepts."""
    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    url: str = ""
    _runner: web.AppRunner | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_post("/twirp/livekit.{service}/{method}", self._handle)
        app.router.add_get("/{bucket}/{key:.+}", self._s3_get)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()

    async def settle(self) -> None:
        """Wait for every webhook delivery scheduled so far."""
        await asyncio.gather(*list(self._tasks))

    def called(self, method: str, kind: type[M]) -> list[M]:
        return [msg for name, msg in self.calls if name == method and isinstance(msg, kind)]

    def join(self, room: str, identity: str, audio_sid: str = "TR_audio") -> None:
        """A participant publishing a microphone track (as a client that connected would)."""
        track = api.TrackInfo(sid=audio_sid, type=api.AUDIO, source=api.TrackSource.MICROPHONE)
        self.participants[(room, identity)] = api.ParticipantInfo(identity=identity, tracks=[track])

    def _authorise(self, request: web.Request) -> None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            api.TokenVerifier(self.api_key, self.api_secret).verify(token)
        except Exception as exc:
            raise TwirpFailureError(401, "unauthenticated", f"invalid token: {exc}") from exc

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            self._authorise(request)
            cls = REQUESTS.get(method)
            if cls is None:
                raise TwirpFailureError(404, "bad_route", f"no method {method}")
            raw = await request.read()
            is_json = request.content_type == "application/json"
            msg = Parse(raw.decode(), cls()) if is_json else cls.FromString(raw)
            self.calls.append((method, msg))
            reply = getattr(self, f"_{method}")(msg)
        except TwirpFailureError as exc:
            return web.json_response({"code": exc.code, "msg": exc.msg}, status=exc.status)
        if is_json:
            return web.Response(body=MessageToJson(reply).encode(), content_type="application/json")
        return web.Response(body=reply.SerializeToString(), content_type="application/protobuf")

    def _CreateRoom(self, msg: api.CreateRoomRequest) -> api.Room:  # noqa: N802 - Twirp method name
        room = self.rooms.setdefault(msg.name, api.Room(sid=f"RM_{msg.name[:8]}", name=msg.name))
        room.empty_timeout, room.max_participants = msg.empty_timeout, msg.max_participants
        return room

    def _DeleteRoom(self, msg: api.DeleteRoomRequest) -> api.DeleteRoomResponse:  # noqa: N802
        if self.rooms.pop(msg.room, None) is None:
            raise TwirpFailureError(404, "not_found", "room not found")
        return api.DeleteRoomResponse()

    def _participant(self, room: str, identity: str) -> api.ParticipantInfo:
        found = self.participants.get((room, identity))
        if found is None:
            raise TwirpFailureError(404, "not_found", "participant not found")
        return found

    def _GetParticipant(self, msg: api.RoomParticipantIdentity) -> api.ParticipantInfo:  # noqa: N802
        return self._participant(msg.room, msg.identity)

    def _RemoveParticipant(self, msg: api.RoomParticipantIdentity) -> api.RemoveParticipantResponse:  # noqa: N802
        self._participant(msg.room, msg.identity)
        del self.participants[(msg.room, msg.identity)]
        return api.RemoveParticipantResponse()

    def _MutePublishedTrack(self, msg: api.MuteRoomTrackRequest) -> api.MuteRoomTrackResponse:  # noqa: N802
        for track in self._participant(msg.room, msg.identity).tracks:
            if track.sid == msg.track_sid:
                track.muted = msg.muted
                return api.MuteRoomTrackResponse(track=track)
        raise TwirpFailureError(404, "not_found", "track not found")

    def _ListParticipants(self, msg: api.ListParticipantsRequest) -> api.ListParticipantsResponse:  # noqa: N802
        found = [p for (room, _), p in self.participants.items() if room == msg.room]
        return api.ListParticipantsResponse(participants=found)

    def _ListRooms(self, msg: api.ListRoomsRequest) -> api.ListRoomsResponse:  # noqa: N802
        return api.ListRoomsResponse(rooms=list(self.rooms.values()))

    def _StartRoomCompositeEgress(self, msg: api.RoomCompositeEgressRequest) -> api.EgressInfo:  # noqa: N802
        if msg.room_name not in self.rooms:
            raise TwirpFailureError(404, "not_found", "room does not exist")
        info = api.EgressInfo(egress_id=f"EG_{uuid.uuid4().hex[:10]}", room_name=msg.room_name)
        info.status, info.started_at = api.EGRESS_STARTING, time.time_ns()
        info.room_composite.CopyFrom(msg)
        self.egresses[info.egress_id] = info
        active = api.EgressInfo()
        active.CopyFrom(info)
        active.status, active.updated_at = api.EGRESS_ACTIVE, time.time_ns()
        self._post("egress_started", active)
        return info

    def _StopEgress(self, msg: api.StopEgressRequest) -> api.EgressInfo:  # noqa: N802
        info = self.egresses.get(msg.egress_id)
        if info is None or info.status not in (api.EGRESS_STARTING, api.EGRESS_ACTIVE):
            raise TwirpFailureError(412, "failed_precondition", "egress not active")
        info.status = api.EGRESS_ENDING
        self._post("egress_ended", self.completed(info))
        return info

    def completed(self, info: api.EgressInfo) -> api.EgressInfo:
        """The egress finished: its MP4 (a small fake file) written where the request asked, a local
        path or an S3 object (location = its URL, filename = its key)."""
        done = api.EgressInfo()
        done.CopyFrom(info)
        output = info.room_composite.file_outputs[0]
        path, location = output.filepath, output.filepath
        if output.HasField("s3"):
            self.objects[(output.s3.bucket, path)] = MP4
            location = f"{output.s3.endpoint or 'https://s3.amazonaws.com'}/{output.s3.bucket}/{path}"
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_bytes(MP4)
        now = time.time_ns()
        done.status, done.ended_at, done.updated_at = api.EGRESS_COMPLETE, now, now
        done.file_results.append(
            api.FileInfo(filename=path, location=location, duration=90 * 10**9, size=len(MP4))
        )
        return done

    async def _s3_get(self, request: web.Request) -> web.Response:
        """A path-style GET of a stored object, answered only to a valid, unexpired presigned URL."""
        bucket, key, q = request.match_info["bucket"], request.match_info["key"], request.query
        try:
            access, day, region, _, _ = q["X-Amz-Credential"].split("/")
            signed = datetime.strptime(q["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            expires = int(q["X-Amz-Expires"])
            where = object_location(bucket, key, region, self.url)
            creds = Credentials(access, self.s3_keys[access])
            expected = presign_get(where, creds, signed, expires).rpartition("X-Amz-Signature=")[2]
        except (KeyError, ValueError):
            return web.Response(status=403, text="AccessDenied")
        if q.get("X-Amz-Signature") != expected or day != q["X-Amz-Date"][:8]:
            return web.Response(status=403, text="SignatureDoesNotMatch")
        if time.time() > signed.timestamp() + expires:
            return web.Response(status=403, text="Request has expired")
        found = self.objects.get((bucket, key))
        return web.Response(body=found, content_type="video/mp4") if found else web.Response(status=404)

    def signed(self, kind: str, created_at: int | None = None, **fields: Any) -> tuple[str, str]:
        """A webhook body and the Authorization LiveKit would send with it (`created_at`: epoch s)."""
        at = int(time.time()) if created_at is None else created_at
        event = api.WebhookEvent(event=kind, id=f"EV_{uuid.uuid4().hex[:10]}", created_at=at)
        for name, value in fields.items():
            getattr(event, name).CopyFrom(value)
        body = MessageToJson(event)
        token = api.AccessToken(self.api_key, self.api_secret).with_sha256(body_sha256(body)).to_jwt()
        return body, token

    def _post(self, kind: str, info: api.EgressInfo) -> None:
        if self.deliver is None:
            return
        body, token = self.signed(kind, egress_info=info)
        task = asyncio.get_running_loop().create_task(self.deliver(body, token))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
