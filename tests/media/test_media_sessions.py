"""Media as the rest of the product sees it: `hasRecording` only once a recording ended with a file,
LiveKit presence in the session timeline, the kick's media report, recording events on a room socket,
and a health that asks LiveKit."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from livekit import api

from gateway.services import Services
from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.gateway.ws_support import next_event, open_socket
from tests.media.conftest import WEBHOOK, MediaEnv, webhook_headers
from tests.support import Account, err, ok, register

pytestmark = pytest.mark.anyio


async def _recording_pair(client: httpx.AsyncClient) -> tuple[Account, Account, str, str]:
    """A room in coding with both consents given: (host, guest, roomId, sessionId)."""
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    assert (await join(client, guest, room)).status_code == 200
    await to_coding(client, host, guest, room)
    for who in (host, guest):
        ok(await post(client, who, f"/api/rooms/{rid}/media/recording/consent", {"consent": True}))
    sid = ok(await client.get(f"/api/rooms/{rid}", headers=host.headers))["sessionId"]
    return host, guest, rid, sid


async def _finish(client: httpx.AsyncClient, host: Account, rid: str) -> None:
    for target in ("wrapup", "finished"):
        moved = await post(client, host, f"/api/rooms/{rid}/control/transition", {"targetStatus": target})
        assert moved.status_code == 200, moved.text


async def _deliver(media: MediaEnv, kind: str, created_at: int | None = None, **fields: Any) -> None:
    body, token = media.stub.signed(kind, created_at=created_at, **fields)
    ok(await media.client.post(WEBHOOK, content=body, headers=webhook_headers(token)))


async def _has_recording(client: httpx.AsyncClient, who: Account, sid: str) -> bool:
    flag: bool = ok(await client.get(f"/api/sessions/{sid}", headers=who.headers))["hasRecording"]
    return flag


async def test_has_recording_only_once_an_egress_ended_with_a_file(media: MediaEnv) -> None:
    client = media.client
    host, guest, rid, sid = await _recording_pair(client)
    started = ok(await post(client, host, f"/api/rooms/{rid}/media/recording/start"))
    await media.stub.settle()  # egress_started delivered: the recording is active
    await _finish(client, host, rid)
    assert await _has_recording(client, guest, sid) is False
    failed = api.EgressInfo()
    failed.CopyFrom(media.stub.egresses[started["egressId"]])
    failed.status, failed.error = api.EGRESS_FAILED, "encoder crashed"
    await _deliver(media, "egress_ended", egress_info=failed)
    assert await _has_recording(client, guest, sid) is False  # ended, but without a file
    assert err(await client.get(f"/api/sessions/{sid}/recording", headers=guest.headers), 409) == (
        "RECORDING_FAILED"
    )
    other_host, _, other_rid, other_sid = await _recording_pair(client)
    second = ok(await post(client, other_host, f"/api/rooms/{other_rid}/media/recording/start"))
    await media.stub.settle()
    await _finish(client, other_host, other_rid)
    done = media.stub.completed(media.stub.egresses[second["egressId"]])
    await _deliver(media, "egress_ended", egress_info=done)
    assert await _has_recording(client, other_host, other_sid) is True
    assert await _has_recording(client, host, sid) is False


async def _presence(media: MediaEnv, rid: str, who: str, kind: str, at: int) -> None:
    fields = {"room": api.Room(name=rid), "participant": api.ParticipantInfo(identity=who)}
    await _deliver(media, kind, created_at=at, **fields)


async def _events(client: httpx.AsyncClient, who: Account, sid: str, **query: Any) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        await client.get(f"/api/sessions/{sid}/events", headers=who.headers, params=query)
    )
    return found


async def test_media_presence_enters_the_session_timeline(media: MediaEnv) -> None:
    client = media.client
    host, guest, rid, sid = await _recording_pair(client)
    soon = int(time.time()) + 2  # whole seconds (LiveKit's created_at), after the session started
    await _presence(media, rid, guest.id, "participant_joined", soon)
    body, token = media.stub.signed(
        "participant_left",
        created_at=soon + 1,
        room=api.Room(name=rid),
        participant=api.ParticipantInfo(identity=guest.id),
    )
    for _ in range(2):  # LiveKit retries a webhook: one entry
        ok(await client.post(WEBHOOK, content=body, headers=webhook_headers(token)))
    await _presence(media, "another-room", guest.id, "participant_joined", soon)
    await _presence(media, rid, host.id, "participant_joined", soon - 3600)  # before the session
    items = (await _events(client, host, sid, limit=100))["data"]
    media_items = [i for i in items if i["type"] == "media-presence"]
    assert [(i["actorId"], i["data"]) for i in media_items] == [
        (guest.id, {"userId": guest.id, "kind": "joined"}),
        (guest.id, {"userId": guest.id, "kind": "left"}),
    ]
    assert [i["at"][:19] for i in media_items] == [
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) for t in (soon, soon + 1)
    ]
    walked: list[dict[str, Any]] = []
    cursor = None
    for _ in range(len(items)):  # one item a page: the cursor crosses the media source too
        page = await _events(client, host, sid, limit=1, **({"cursor": cursor} if cursor else {}))
        walked += page["data"]
        cursor = page["pagination"]["nextCursor"]
        if cursor is None:
            break
    assert [i["id"] for i in walked] == [i["id"] for i in items]


async def test_kick_reports_the_media_removal_in_a_header(media: MediaEnv, down: httpx.AsyncClient) -> None:
    host, guest = await register(media.client), await register(media.client)
    room = await create_room(media.client, host)
    assert (await join(media.client, guest, room)).status_code == 200
    media.stub.join(room["roomId"], guest.id)
    path = f"/api/rooms/{room['roomId']}/participants/{guest.id}"
    kicked = await media.client.delete(path, headers=host.headers)
    assert (kicked.status_code, kicked.headers["x-media-updated"], kicked.content) == (204, "true", b"")
    host2, guest2 = await register(down), await register(down)
    room2 = await create_room(down, host2)
    assert (await join(down, guest2, room2)).status_code == 200
    failed = await down.delete(
        f"/api/rooms/{room2['roomId']}/participants/{guest2.id}", headers=host2.headers
    )
    assert (failed.status_code, failed.headers["x-media-updated"]) == (204, "false")
    rejoin = await join(down, guest2, room2)
    assert err(rejoin, 403) == "ROOM_PARTICIPANT_REMOVED"  # the kick stood although LiveKit was down


async def test_kick_audit_records_whether_media_was_updated(
    down: httpx.AsyncClient, services: Services
) -> None:
    host, guest = await register(down), await register(down)
    room = await create_room(down, host)
    assert (await join(down, guest, room)).status_code == 200
    kicked = await down.delete(f"/api/rooms/{room['roomId']}/participants/{guest.id}", headers=host.headers)
    assert kicked.status_code == 204
    entries = await services.audit.for_target("room", room["roomId"])
    kicks = [e.metadata for e in entries if e.action == "room.kick"]
    assert kicks == [{"userId": guest.id, "mediaUpdated": False}]


async def test_recording_events_reach_a_room_socket(media: MediaEnv, live_url: str) -> None:
    client = media.client
    host, guest, rid, _ = await _recording_pair(client)
    token = ok(await client.get(f"/api/rooms/{rid}", headers=guest.headers))["collabToken"]
    ws = await open_socket(live_url, rid, token)
    try:
        await next_event(ws, "room-state")
        started = ok(await post(client, host, f"/api/rooms/{rid}/media/recording/start"))
        event = await next_event(ws, "recording-started", timeout_s=10)
        assert event["data"] == {**event["data"], "recordingId": started["recordingId"], "by": host.id}
        ok(await post(client, host, f"/api/rooms/{rid}/media/recording/stop"))
        event = await next_event(ws, "recording-stopped", timeout_s=10)
        assert event["data"] == {**event["data"], "recordingId": started["recordingId"], "by": host.id}
    finally:
        await ws.close()
    await media.stub.settle()


async def test_health_asks_livekit(media: MediaEnv, down: httpx.AsyncClient) -> None:
    calls = len(media.stub.called("ListRooms", api.ListRoomsRequest))
    up = (await media.client.get("/api/health")).json()
    assert (up["services"]["livekit"], up["details"]["livekit"]["url"]) == ("ok", media.stub.url)
    assert len(media.stub.called("ListRooms", api.ListRoomsRequest)) == calls + 1
    gone = (await down.get("/api/health")).json()
    assert gone["services"]["livekit"] == "down"
    assert gone["details"]["livekit"]["configured"] is True and gone["details"]["livekit"]["error"]
