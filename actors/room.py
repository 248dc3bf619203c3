"""RoomActor: one per live room, named `room:<roomId>`, created idle by the warm pool.

This module holds the actor's shell; the rooms issue gives it the engine Room, the outbox and the
writer. A pooled actor knows its future room id from birth (its name) and answers `ping` so the pool
can prove it is alive before handing it out.
"""

from __future__ import annotations


class RoomActor:
    def __init__(self, room_id: str) -> None:
        self._room_id = room_id

    async def ping(self) -> str:
        return self._room_id
