"""Matchmaking use cases at the gateway: enter, poll, cancel, accept, decline, the AI-room fallback, and
the room work the MatchmakerActor hands out.

The actor decides; the gateway executes. A confirmed match comes back to whichever party's request
reaches the actor first (as `Reply.work`, under a lease); that request makes the room through
RoomService — the same path as `POST /api/rooms`, then the partner's join as `POST /rooms/{id}/join`
does — and reports it with `settle`. A report the actor no longer wants (somebody cancelled meanwhile,
or the lease passed to another gateway) is undone: the new room is destroyed, the join is left.
"""

from __future__ import annotations

import contextlib
import logging
import random
import uuid
from dataclasses import dataclass

from actors.matchmaker import MatchmakerRuntime, Reply
from actors.matchmaking_client import MatchmakerClient
from actors.room import Outcome
from engine.errors import Conflict, DomainError, ErrorCode, Unavailable
from engine.matchmaking import PlanKind, Preferences, Status, Work
from engine.matchmaking.pairing import solo_problem
from engine.room import Join, Leave, RoomMode, RoomRole
from engine.room.state import RoomSettings
from gateway.room_service import RoomService
from gateway.services import Services
from storage.matchmaking import MatchStore

log = logging.getLogger(__name__)
MATCH_ROOM = RoomSettings(
    name="Matchmade Interview", max_participants=5, max_duration_min=120, is_private=False
)
"""The reference's matchmade room: peer mode, public, 120 minutes, five seats."""
AI_ROOM = RoomSettings(name="AI Interview", max_participants=2, max_duration_min=120, is_private=True)
DEFAULT_LANGUAGE = "python"


@dataclass
class MatchmakingService:
    services: Services
    rooms: RoomService
    client: MatchmakerClient | None

    @classmethod
    def build(cls, services: Services, rooms: RoomService, with_ray: bool) -> MatchmakingService:
        config = services.config
        runtime = MatchmakerRuntime(mongo_uri=config.mongodb_uri, database=config.settings.mongodb_database)
        return cls(services=services, rooms=rooms, client=MatchmakerClient(runtime) if with_ray else None)

    @property
    def door(self) -> MatchmakerClient:
        if self.client is None:
            raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Ray is not connected")
        return self.client

    # --- use cases ----------------------------------------------------------------------------------
    async def enqueue(self, user_id: str, preferences: Preferences, require_confirmation: bool) -> Status:
        """409 MATCH_IN_ACTIVE_ROOM while the user is active in a live room, MATCH_ALREADY_SEARCHING
        while they hold a ticket or proposal."""
        if await self.services.history.active_room_id(user_id):
            raise Conflict(ErrorCode.MATCH_IN_ACTIVE_ROOM, "Leave your active room before matchmaking")
        now, ticket_id, token = self.services.now(), str(uuid.uuid4()), str(uuid.uuid4())
        reply = await self.door.enqueue(user_id, preferences, require_confirmation, now, ticket_id, token)
        return await self._carry_out(user_id, reply)

    async def status(self, user_id: str) -> Status:
        reply = await self.door.status(user_id, self.services.now(), str(uuid.uuid4()))
        return await self._carry_out(user_id, reply)

    async def cancel(self, user_id: str) -> Status:
        return (await self.door.cancel(user_id, self.services.now())).status

    async def accept(self, user_id: str, match_id: str) -> Status:
        reply = await self.door.accept(user_id, match_id, self.services.now(), str(uuid.uuid4()))
        return await self._carry_out(user_id, reply)

    async def decline(self, user_id: str, match_id: str) -> Status:
        return (await self.door.decline(user_id, match_id, self.services.now())).status

    async def ai_room(self, user_id: str) -> Outcome:
        """Give up on a human partner: the ticket leaves the queue and an AI interviewer room is made
        (as `POST /api/rooms` with `mode: ai`) in the ticket's first language, on a problem the user
        has not solved that fits their preferences."""
        ticket = await self.door.withdraw(user_id, self.services.now())
        catalogue = await MatchStore(self.services.mongo).catalogue()
        problem = solo_problem(ticket, catalogue, random.SystemRandom())
        language = (ticket.preferences.languages or (DEFAULT_LANGUAGE,))[0]
        problem_id = problem.id if problem else None
        starter = await self._starter(problem_id)
        return await self.rooms.create(user_id, RoomMode.AI, AI_ROOM, problem_id, language, starter)

    # --- room work ----------------------------------------------------------------------------------
    async def _carry_out(self, user_id: str, reply: Reply) -> Status:
        if reply.work is None:
            return reply.status
        await self.perform(reply.work)
        return (await self.door.status(user_id, self.services.now())).status

    async def perform(self, work: Work) -> None:
        """Make the room of a confirmed match and report it; banned or deleted users are dropped."""
        door, users = self.door, [user for user, _ in work.seats]
        found = await self.services.users.get_many(users)
        gone = [u for u in users if u not in found or found[u].banned_at or found[u].deleted_at]
        if gone:
            await door.settle(work.match_id, work.token, None, self.services.now(), gone)
            return
        try:
            room_id = await self._make_room(work)
        except DomainError as exc:
            log.warning("matchmade room failed", extra={"match_id": work.match_id, "code": str(exc.code)})
            await door.settle(work.match_id, work.token, None, self.services.now())
            return
        if not await door.settle(work.match_id, work.token, room_id, self.services.now()):
            await self._undo(work, room_id)

    async def _make_room(self, work: Work) -> str:
        plan = work.plan
        if plan.kind is PlanKind.EXISTING_ROOM:
            assert plan.room_id is not None  # noqa: S101 - an existing-room plan names its room
            user_id, role = work.seats[0]
            await self.rooms.execute(
                plan.room_id, Join(user_id, requested_role=role, room_code=plan.room_code)
            )
            return plan.room_id
        roles = {role: user for user, role in work.seats}
        starter = await self._starter(plan.problem_id)
        host = roles[RoomRole.INTERVIEWER]
        outcome = await self.rooms.create(
            host, RoomMode.PEER, MATCH_ROOM, plan.problem_id, plan.language, starter
        )
        room = outcome.room
        try:
            join = Join(roles[RoomRole.CANDIDATE], requested_role=RoomRole.CANDIDATE, room_code=room.code)
            await self.rooms.execute(room.id, join)
        except DomainError:
            with contextlib.suppress(DomainError):
                await self.rooms.destroy(room.id)
            raise
        return room.id

    async def _undo(self, work: Work, room_id: str) -> None:
        with contextlib.suppress(DomainError):
            if work.plan.kind is PlanKind.NEW_ROOM:
                await self.rooms.destroy(room_id)
            else:
                await self.rooms.execute(room_id, Leave(work.seats[0][0]))

    async def _starter(self, problem_id: str | None) -> dict[str, str]:
        if problem_id is None:
            return {}
        problem = await self.services.problems.get(problem_id)
        return dict(problem.starter_code) if problem else {}
