"""Recordings on S3-compatible storage: the egress gets an `S3Upload` output, and the download is a
SigV4 presigned GET that the stub's object store (a real socket) serves until it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from livekit import api

from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.media.conftest import S3_ACCESS_KEY, S3_BUCKET, S3_SECRET, MediaEnv
from tests.support import Account, AdjustableClock, ok, register

pytestmark = pytest.mark.anyio


async def _recorded(s3media: MediaEnv) -> tuple[Account, str, dict[str, Any]]:
    """A session recorded start to stop: (guest, sessionId, the start answer)."""
    client = s3media.client
    host, guest = await register(client), await register(client)
    room = await create_room(client, host)
    rid = room["roomId"]
    assert (await join(client, guest, room)).status_code == 200
    await to_coding(client, host, guest, room)
    for who in (host, guest):
        ok(await post(client, who, f"/api/rooms/{rid}/media/recording/consent", {"consent": True}))
    started = ok(await post(client, host, f"/api/rooms/{rid}/media/recording/start"))
    await s3media.stub.settle()
    ok(await post(client, host, f"/api/rooms/{rid}/media/recording/stop"))
    await s3media.stub.settle()
    return guest, started["sessionId"], started


async def test_egress_uploads_to_s3(s3media: MediaEnv) -> None:
    _, _, started = await _recorded(s3media)
    request = s3media.stub.called("StartRoomCompositeEgress", api.RoomCompositeEgressRequest)[-1]
    output = request.file_outputs[0]
    assert output.WhichOneof("output") == "s3" and output.file_type == api.MP4
    assert (output.s3.bucket, output.s3.region, output.s3.endpoint) == (
        S3_BUCKET,
        "eu-west-1",
        s3media.stub.url,
    )
    assert (output.s3.access_key, output.s3.secret) == (S3_ACCESS_KEY, S3_SECRET)
    assert output.filepath == f"syncode/{request.room_name}/{started['recordingId']}.mp4"
    assert (S3_BUCKET, output.filepath) in s3media.stub.objects


async def test_download_is_a_presigned_s3_get(s3media: MediaEnv) -> None:
    guest, sid, started = await _recorded(s3media)
    link = ok(await s3media.client.get(f"/api/sessions/{sid}/recording", headers=guest.headers))
    url = urlsplit(link["url"])
    query = dict(parse_qsl(url.query))
    assert f"{url.scheme}://{url.netloc}" == s3media.stub.url
    assert url.path == f"/{S3_BUCKET}/syncode/{started['roomId']}/{started['recordingId']}.mp4"
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert query["X-Amz-Credential"] == f"{S3_ACCESS_KEY}/{signed_at:%Y%m%d}/eu-west-1/s3/aws4_request"
    assert (query["X-Amz-Algorithm"], query["X-Amz-SignedHeaders"]) == ("AWS4-HMAC-SHA256", "host")
    assert query["X-Amz-Expires"] == "3600"
    expires_at = datetime.fromisoformat(link["expiresAt"].replace("Z", "+00:00"))
    assert abs(expires_at - (signed_at + timedelta(seconds=3600))) < timedelta(seconds=1)
    async with httpx.AsyncClient() as outside:  # as a browser would: straight to the object store
        fetched = await outside.get(link["url"])
        assert fetched.status_code == 200 and fetched.content.startswith(b"\x00\x00\x00\x18ftyp")
        forged = await outside.get(link["url"].replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"))
        assert (forged.status_code, forged.text) == (403, "SignatureDoesNotMatch")


async def test_presigned_download_expires(s3media: MediaEnv, clock: AdjustableClock) -> None:
    guest, sid, _ = await _recorded(s3media)
    clock.advance(-7200)  # the link is made two hours ago: its hour is over
    link = ok(await s3media.client.get(f"/api/sessions/{sid}/recording", headers=guest.headers))
    async with httpx.AsyncClient() as outside:
        expired = await outside.get(link["url"])
    assert (expired.status_code, expired.text) == (403, "Request has expired")
