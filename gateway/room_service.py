"""Room use cases at the gateway: create (with idempotency and unique codes), route commands to the room's
actor, and fall back to storage when no actor serves the room.

A room whose actor is gone is either finished (served read-only from MongoDB: a command is checked by
the pure engine against the stored room, which yields the proper refusal, and is never persisted) or
live (its actor is brought back and reloads itself).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from actors.clients import RoomActorGone, RoomClient
from actors.room import CreateSpec, Outcome, RoomRuntime
from engine.errors import ErrorCode, InvalidInput, NotFound, Unavailable
from engine.room import RoomMode, RoomStatus, apply
from engine.room.state import Room, RoomSettings
from gateway.services import Services
from storage.rooms import RoomRepository

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_ATTEMPTS = 5


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


@dataclass
class RoomService:
    services: Services
    client: RoomClient
    repo: RoomRepository

    @classmethod
    def build(cls, services: Services, runtime: RoomRuntime) -> RoomService:
        return cls(services=services, client=RoomClient(runtime), repo=RoomRepository(services.mongo))

    async def _call(self, room_id: str, method: str, *args: Any) -> Any:
        try:
            return await self.client.call(room_id, method, *args)
        except RoomActorGone:
            stored = await self.repo.load(room_id)
            if stored is None:
                raise NotFound(ErrorCode.ROOM_NOT_FOUND, "Room not found") from None
            room, seq = stored
            if room.status is RoomStatus.FINISHED:
                return self._read_only(room, seq, method, args)
            self.client.revive(room_id)
            return await self.client.call(room_id, method, *args)

    def _read_only(self, room: Room, seq: int, method: str, args: tuple[Any, ...]) -> Outcome:
        if method == "execute":
            apply(room, args[0], self.services.now())  # raises the engine's refusal (e.g. ROOM_FINISHED)
        return Outcome(room=room, events=[], seq=seq)

    async def state(self, room_id: str) -> Room:
        outcome: Outcome = await self._call(room_id, "state")
        return outcome.room

    async def execute(self, room_id: str, command: Any) -> Outcome:
        """One command; its id stays the same across the client's retries (see RoomActor.execute)."""
        command_id = str(uuid.uuid4())
        outcome: Outcome = await self._call(room_id, "execute", command, self.services.now(), command_id)
        return outcome

    async def create(
        self,
        host_id: str,
        mode: RoomMode,
        settings: RoomSettings,
        problem_id: str | None,
        language: str | None,
        starter: dict[str, str] | None = None,
    ) -> Outcome:
        pool = self.services.room_pool
        if pool is None:
            raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Ray is not connected")
        room_id = await pool.claim()
        for _ in range(CODE_ATTEMPTS):
            code = new_code()
            if await self.repo.code_taken(code):
                continue
            spec = CreateSpec(
                code=code,
                mode=mode,
                host_id=host_id,
                settings=settings,
                problem_id=problem_id,
                language=language,
                starter=starter,
            )
            outcome: Outcome = await self.client.call(room_id, "create", spec, self.services.now())
            return outcome
        await pool.release(room_id)
        raise InvalidInput(ErrorCode.ROOM_INVITE_CODE_EXHAUSTED, "Could not allocate a room code")

    async def destroy(self, room_id: str) -> Outcome:
        outcome: Outcome = await self._call(room_id, "destroy", self.services.now())
        return outcome

    async def finish(self, room_id: str, actor_id: str, reason: str) -> Outcome:
        outcome: Outcome = await self._call(room_id, "finish", actor_id, reason, self.services.now())
        return outcome

    async def presence(self, room_id: str) -> list[str]:
        try:
            users: list[str] = await self.client.call(room_id, "presence")
        except RoomActorGone:
            return []
        return users
