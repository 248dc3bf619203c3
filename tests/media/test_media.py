"""Media against the real `livekit-api` SDK and a local Twirp stub: token grants, the media room's
life with the room, mute/kick, recording consent/start/stop, signed webhooks and the download; LiveKit
down or not configured."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from livekit import api

from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.media.conftest import API_KEY, API_SECRET, WEBHOOK, MediaEnv, webhook_headers
from tests.support import Account, err, ok, register, wait_until

pytestmark = pytest.mark.anyio


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, API_SECRET, algorithms=["HS256"], issuer=API_KEY)
    return claims


async def _token(client: httpx.AsyncClient, who: Account, rid: str) -> dict[str, Any]:
    return ok(await post(client, who, f"/api/rooms/{rid}/media/token"))


async def _trio(client: httpx.AsyncClient) -> tuple[Account, Account, Account, dict[str, Any]]:
    host, guest, watcher = await register(client), await register(client), await register(client)
    room = await create_room(client, host, config={"maxParticipants": 3})
    assert (await join(client, guest, room)).status_code == 200
    assert (await join(client, watcher, room, requestedRole="observer")).status_code == 200
    return host, guest, watcher, room


async def test_token_grants_follow_role_and_mute(media: MediaEnv) -> None:
    client = media.client
    host, guest, watcher, room = await _trio(client)
    rid = room["roomId"]
    issued = await _token(client, guest, rid)
    assert issued["url"] == "wss://media.example.test"
    claims = _claims(issued["token"])
    video = claims["video"]
    assert (claims["sub"], claims["name"], video["room"], video["roomJoin"]) == (
        guest.id,
        guest.username,
        rid,
        True,
    )
    assert set(video["canPublishSources"]) == {"microphone", "camera", "screen_share", "screen_share_audio"}
    assert video["canSubscribe"] is True and video["canPublishData"] is True
    assert claims["exp"] - claims["nbf"] == 4 * 3600
    observer = _claims((await _token(client, watcher, rid))["token"])["video"]
    assert observer["canPublish"] is False and observer.get("canPublishSources", []) == []
    assert observer["canSubscribe"] is True and observer["canPublishData"] is True
    media.stub.join(rid, guest.id, audio_sid="TR_guest_mic")
    path = f"/api/rooms/{rid}/participants/{guest.id}"
    assert ok(await client.patch(path, headers=host.headers, json={"isMuted": True}))["mediaUpdated"] is True
    muted = media.stub.called("MutePublishedTrack", api.MuteRoomTrackRequest)[-1]
    assert (muted.room, muted.identity, muted.track_sid, muted.muted) == (rid, guest.id, "TR_guest_mic", True)
    sources = _claims((await _token(client, guest, rid))["token"])["video"]["canPublishSources"]
    assert "microphone" not in sources and "camera" in sources


async def test_token_refuses_outsiders(media: MediaEnv) -> None:
    host, outsider = await register(media.client), await register(media.client)
    room = await create_room(media.client, host)
    refused = await post(media.client, outsider, f"/api/rooms/{room['roomId']}/media/token")
    assert err(refused, 403) == "ROOM_ACCESS_DENIED"
    missing = await post(media.client, host, "/api/rooms/00000000-0000-4000-8000-000000000000/media/token")
    assert err(missing, 404) == "ROOM_NOT_FOUND"


async def test_media_room_lives_and_dies_with_the_room(media: MediaEnv) -> None:
    host, guest = await register(media.client), await register(media.client)
    room = await create_room(media.client, host, config={"maxParticipants": 3})
    rid = room["roomId"]
    assert room["mediaCreated"] is True
    assert media.stub.rooms[rid].max_participants == 3 and media.stub.rooms[rid].empty_timeout == 300
    detail = ok(await media.client.get(f"/api/rooms/{rid}", headers=host.headers))
    assert {"media:audio", "recording:toggle"} <= set(detail["myCapabilities"])
    assert (await join(media.client, guest, room)).status_code == 200
    media.stub.join(rid, guest.id)
    kicked = await media.client.delete(f"/api/rooms/{rid}/participants/{guest.id}", headers=host.headers)
    assert kicked.status_code == 204
    assert (rid, guest.id) not in media.stub.participants
    assert media.stub.called("RemoveParticipant", api.RoomParticipantIdentity)[-1].identity == guest.id
    destroyed = ok(await media.client.delete(f"/api/rooms/{rid}", headers=host.headers))
    assert destroyed["mediaDeleted"] is True and rid not in media.stub.rooms


async def _coding_pair(client: httpx.AsyncClient) -> tuple[Account, Account, dict[str, Any]]:
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    assert (await join(client, guest, room)).status_code == 200
    await to_coding(client, host, guest, room)
    detail = ok(await client.get(f"/api/rooms/{room['roomId']}", headers=host.headers))
    return host, guest, detail


async def _consent(client: httpx.AsyncClient, who: Account, rid: str, consent: bool) -> dict[str, Any]:
    return ok(await post(client, who, f"/api/rooms/{rid}/media/recording/consent", {"consent": consent}))


async def test_recording_needs_every_consent_then_downloads(media: MediaEnv) -> None:
    client = media.client
    host, guest, room = await _coding_pair(client)
    rid, sid = room["roomId"], room["sessionId"]
    start = f"/api/rooms/{rid}/media/recording/start"
    refused = await post(client, host, start)
    assert err(refused, 409) == "RECORDING_CONSENT_REQUIRED"
    assert set(refused.json()["details"]["missing"]) == {host.id, guest.id}
    await _consent(client, host, rid, True)
    assert (await post(client, host, start)).json()["details"]["missing"] == [guest.id]
    await _consent(client, guest, rid, True)
    assert err(await post(client, guest, start), 403) == "ROOM_PERMISSION_DENIED"
    started = ok(await post(client, host, start))
    assert started["sessionId"] == sid and started["egressId"].startswith("EG_")
    assert err(await post(client, host, start), 409) == "RECORDING_ALREADY_ACTIVE"
    egress = media.stub.called("StartRoomCompositeEgress", api.RoomCompositeEgressRequest)[-1]
    assert egress.room_name == rid and egress.file_outputs[0].file_type == api.MP4
    assert egress.file_outputs[0].filepath.startswith(str(media.recording_dir))
    await media.stub.settle()
    early = await client.get(f"/api/sessions/{sid}/recording", headers=guest.headers)
    assert err(early, 409) == "RECORDING_NOT_READY"
    ok(await post(client, host, f"/api/rooms/{rid}/media/recording/stop"))
    assert (
        err(await post(client, host, f"/api/rooms/{rid}/media/recording/stop"), 409) == "RECORDING_NOT_ACTIVE"
    )
    await media.stub.settle()
    done = ok(await client.get(f"/api/sessions/{sid}/recording", headers=guest.headers))
    assert done["status"] == "complete" and done["durationSeconds"] == 90.0 and done["sizeBytes"] > 0
    download = await client.get(done["url"].removeprefix("http://127.0.0.1:8000"))
    assert download.status_code == 200 and download.content.startswith(b"\x00\x00\x00\x18ftyp")
    forged = await client.get(done["url"].removeprefix("http://127.0.0.1:8000").replace("sig=", "sig=0"))
    assert err(forged, 403) == "BLOB_SIGNATURE_INVALID"


async def test_withdrawn_consent_stops_the_recording(media: MediaEnv) -> None:
    client = media.client
    host, guest, room = await _coding_pair(client)
    rid = room["roomId"]
    await _consent(client, host, rid, True)
    await _consent(client, guest, rid, True)
    started = ok(await post(client, host, f"/api/rooms/{rid}/media/recording/start"))
    withdrawn = await _consent(client, guest, rid, False)
    assert withdrawn["recordingStopped"] is True
    assert media.stub.called("StopEgress", api.StopEgressRequest)[-1].egress_id == started["egressId"]

    async def completed() -> bool:
        response = await client.get(f"/api/sessions/{room['sessionId']}/recording", headers=host.headers)
        return response.status_code == 200

    await wait_until(completed, timeout_s=10)


async def test_webhook_rejects_bad_signatures(media: MediaEnv) -> None:
    room = api.Room(name="r1")
    body, token = media.stub.signed("room_started", room=room)
    assert ok(await media.client.post(WEBHOOK, content=body, headers=webhook_headers(token)))["received"]
    tampered = body.replace("r1", "r2")
    rejected = await media.client.post(WEBHOOK, content=tampered, headers=webhook_headers(token))
    assert err(rejected, 401) == "MEDIA_WEBHOOK_INVALID"
    wrong = api.AccessToken(API_KEY, "another-secret-entirely-0123456789").with_sha256("x").to_jwt()
    assert err(await media.client.post(WEBHOOK, content=body, headers=webhook_headers(wrong)), 401)
    assert (
        err(await media.client.post(WEBHOOK, content=body, headers=webhook_headers(None)), 401)
        == "MEDIA_WEBHOOK_INVALID"
    )


async def test_webhook_records_media_presence(media: MediaEnv, app: Any) -> None:
    from storage.recordings import RecordingRepository

    who = api.ParticipantInfo(identity="user-1")
    body, token = media.stub.signed("participant_joined", room=api.Room(name="room-p"), participant=who)
    ok(await media.client.post(WEBHOOK, content=body, headers=webhook_headers(token)))
    rows = await RecordingRepository(app.state.services.mongo).presence_of("room-p")
    assert [(r["userId"], r["type"]) for r in rows] == [("user-1", "participant_joined")]


async def test_livekit_down_room_operations_still_succeed(down: httpx.AsyncClient) -> None:
    host, guest = await register(down), await register(down)
    room = await create_room(down, host)
    rid = room["roomId"]
    assert room["mediaCreated"] is False
    assert (await join(down, guest, room)).status_code == 200
    assert _claims((await _token(down, guest, rid))["token"])["sub"] == guest.id
    muted = await down.patch(
        f"/api/rooms/{rid}/participants/{guest.id}", headers=host.headers, json={"isMuted": True}
    )
    assert muted.json()["isMuted"] is True
    assert muted.json()["mediaUpdated"] is False  # reported, and the room operation still succeeded
    assert (
        await down.delete(f"/api/rooms/{rid}/participants/{guest.id}", headers=host.headers)
    ).status_code == 204
    assert ok(await down.delete(f"/api/rooms/{rid}", headers=host.headers))["mediaDeleted"] is False


async def test_media_not_configured(client: httpx.AsyncClient) -> None:
    host = await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    assert room["mediaCreated"] is False
    refused = await post(client, host, f"/api/rooms/{rid}/media/token")
    assert err(refused, 503) == "MEDIA_NOT_CONFIGURED"
    assert "SYNCODE_LIVEKIT_URL" in refused.json()["message"]
    caps = set(ok(await client.get(f"/api/rooms/{rid}", headers=host.headers))["myCapabilities"])
    assert not caps & {"media:audio", "media:video", "media:screenshare", "recording:toggle"}
    assert "code:edit" in caps
    health = (await client.get("/api/health")).json()
    assert health["services"]["livekit"] == "not_configured"
