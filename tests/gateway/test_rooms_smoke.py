"""A room's life through the real gateway, a real local Ray and the real database."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.rooms_support import create_room, join, post, to_coding
from tests.support import register

pytestmark = pytest.mark.anyio


async def test_room_lifecycle_end_to_end(client: httpx.AsyncClient) -> None:
    host = await register(client)
    guest = await register(client)
    room = await create_room(client, host, name="Mock interview")
    rid = room["roomId"]
    assert len(room["roomCode"]) == 6
    detail = (await client.get(f"/api/rooms/{rid}", headers=host.headers)).json()
    assert detail["myRole"] == "interviewer"
    assert detail["collabToken"]
    joined = await join(client, guest, room)
    assert joined.status_code == 200, joined.text
    assert joined.json()["assignedRole"] == "candidate"
    await to_coding(client, host, guest, room)
    finished = await post(client, host, f"/api/rooms/{rid}/control/transition", {"targetStatus": "finished"})
    assert finished.status_code == 200, finished.text
    after = await client.get(f"/api/rooms/{rid}", headers=guest.headers)
    assert after.status_code == 200
    assert after.json()["status"] == "finished"
