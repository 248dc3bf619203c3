"""Room use cases at the gateway: create (with idempotency and unique codes), route commands to the room's
actor, and fall back to storage when no actor serves the room.

A room no host serves is either finished (served read-only from MongoDB: a command is checked by the
pure engine against the stored room, which yields the proper refusal, and is never persisted) or live
(it is placed on a host again, which reloads it).
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from actors.clients import RoomActorGone, RoomClient
from actors.room import CreateSpec, Outcome, RoomRuntime
from engine.errors import Conflict, DomainError, ErrorCode, Forbidden, InvalidInput, NotFound, Unavailable
from engine.room import RoomMode, RoomStatus, apply
from engine.room.access import admission
from engine.room.commands import Finish
from engine.room.state import Room, RoomSettings
from gateway.services import Services
from storage.rooms import RoomRepository

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_ATTEMPTS = 5
USER_ROOMS_MAX = 100
"""A user is in a handful of live rooms at most (quotas.rooms.maxActive); a bound for the sweep."""
T = TypeVar("T")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


@dataclass
class RoomService:
    services: Services
    client: RoomClient
    repo: RoomRepository
    listeners: list[Callable[[Room], None]] = field(default_factory=list)
    """Told the room after every command this gateway ran (the websocket hub's write check follows)."""

    @classmethod
    def build(cls, services: Services, runtime: RoomRuntime) -> RoomService:
        return cls(
            services=services,
            client=RoomClient(runtime, services.mongo),
            repo=RoomRepository(services.mongo),
        )

    async def _live(self, room_id: str, call: Callable[[], Awaitable[T]]) -> T | Room:
        """Run `call` against the room's actor; when no actor serves the room, its stored state decides:
        gone → 404, finished → the stored room (the caller answers read-only), live → the actor is
        brought back and the call is made again."""
        try:
            return await call()
        except RoomActorGone:
            stored = await self.repo.load(room_id)
            if stored is None:
                raise NotFound(ErrorCode.ROOM_NOT_FOUND, "Room not found") from None
            if stored[0].status is RoomStatus.FINISHED:
                return stored[0]
            await self.client.revive(room_id)
            return await call()

    async def state(self, room_id: str) -> Room:
        found = await self._live(room_id, lambda: self.client.state(room_id))
        return found if isinstance(found, Room) else found.room

    async def outcome(self, room_id: str) -> Outcome:
        """The room and its outbox position (what a socket subscribes from)."""
        found = await self._live(room_id, lambda: self.client.state(room_id))
        return Outcome(room=found, events=[], seq=0) if isinstance(found, Room) else found

    async def execute(self, room_id: str, command: Any) -> Outcome:
        """One command; its id stays the same across the door's retries (see RoomActor.execute). On a
        finished room without an actor the pure engine gives the refusal (e.g. ROOM_FINISHED)."""
        command_id, now = str(uuid.uuid4()), self.services.now()
        found = await self._live(room_id, lambda: self.client.execute(room_id, command, now, command_id))
        if isinstance(found, Room):
            apply(found, command, now)  # raises the engine's refusal; nothing is persisted
            return Outcome(room=found, events=[], seq=0)
        for listener in self.listeners:
            listener(found.room)
        return found

    async def attach(self, room_id: str, user_id: str, socket_id: str) -> Outcome:
        """Admit and count a socket (see RoomActor.attach); a finished room without an actor refuses."""
        now, command_id = self.services.now(), str(uuid.uuid4())
        found = await self._live(
            room_id, lambda: self.client.attach(room_id, user_id, socket_id, now, command_id)
        )
        if isinstance(found, Room):
            raise Forbidden(ErrorCode.ROOM_NOT_PARTICIPANT, admission(found, user_id) or "room-finished")
        return found

    async def close_user_sockets(self, user_id: str, reason: str, code: int) -> int:
        """Close every live socket of the user (a ban or an account deletion); how many rooms had one."""
        query: dict[str, Any] = {"status": {"$ne": RoomStatus.FINISHED.value}}
        docs = await self.repo.for_participant(user_id, query, [("_id", 1)], USER_ROOMS_MAX)
        closed = 0
        for doc in docs:
            with contextlib.suppress(DomainError):
                closed += await self.client.kick_socket(str(doc["_id"]), user_id, reason, code)
        return closed

    async def create(
        self,
        host_id: str,
        mode: RoomMode,
        settings: RoomSettings,
        problem_id: str | None,
        language: str | None,
        starter: dict[str, str] | None = None,
    ) -> Outcome:
        if self.services.room_hosts is None:
            raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Ray is not connected")
        room_id = str(uuid.uuid4())
        placed = False
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
            if not placed:
                await self.client.place(room_id)
                placed = True
            return await self.client.create(room_id, spec, self.services.now(), str(uuid.uuid4()))
        raise InvalidInput(ErrorCode.ROOM_INVITE_CODE_EXHAUSTED, "Could not allocate a room code")

    async def destroy(self, room_id: str) -> None:
        now = self.services.now()
        found = await self._live(room_id, lambda: self.client.destroy(room_id, now))
        if isinstance(found, Room):
            raise Conflict(ErrorCode.ROOM_FINISHED, "Finished rooms cannot be destroyed")

    async def finish(self, room_id: str, actor_id: str, reason: str) -> Outcome:
        return await self.execute(room_id, Finish(actor_id, reason))

    async def presence(self, room_id: str) -> list[str]:
        try:
            return await self.client.presence(room_id)
        except RoomActorGone:
            return []
