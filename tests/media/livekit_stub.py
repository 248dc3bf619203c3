"""A local stub of LiveKit's Twirp API on a real socket: the RoomService and Egress methods SynCode
uses, protobuf or JSON bodies, Twirp error shapes, API-key JWT checks; and a small egress state machine
(starting → active on start, ending → complete on stop) that delivers webhooks signed as LiveKit signs
them (a JWT from the API key whose `sha256` claim is the base64 SHA-256 of the JSON body).

Invariant: every call it answers is recorded in `calls` as (method, request message) in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from google.protobuf.json_format import MessageToJson, Parse
from google.protobuf.message import Message
from livekit import api

from actors.media import body_sha256

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
    url: str = ""
    _runner: web.AppRunner | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_post("/twirp/livekit.{service}/{method}", self._handle)
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
        self._post("egress_ended", self._completed(info))
        return info

    def _completed(self, info: api.EgressInfo) -> api.EgressInfo:
        """The egress finished: its MP4 written where the request asked (a small fake file)."""
        done = api.EgressInfo()
        done.CopyFrom(info)
        path = info.room_composite.file_outputs[0].filepath
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(b"\x00\x00\x00\x18ftypmp42fake-recording")
        now = time.time_ns()
        done.status, done.ended_at, done.updated_at = api.EGRESS_COMPLETE, now, now
        done.file_results.append(
            api.FileInfo(filename=path, location=path, duration=90 * 10**9, size=Path(path).stat().st_size)
        )
        return done

    def signed(self, kind: str, **fields: Any) -> tuple[str, str]:
        """A webhook body and the Authorization LiveKit would send with it."""
        event = api.WebhookEvent(event=kind, id=f"EV_{uuid.uuid4().hex[:10]}", created_at=int(time.time()))
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
