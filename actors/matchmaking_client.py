"""The one typed door to the MatchmakerActor: one method per actor operation, each saying whether it is
safe to retry.

A call that fails because the actor died may or may not have applied. Safe methods (reads, idempotent
ones, and those deduplicated by an id the caller chose: the ticket id of an enqueue, the lease token of
a poll or an accept) are sent again once the restarted actor answers, within RECOVERY_WINDOW_S; unsafe
ones answer 503 instead, so they never apply twice. A timeout is 503 too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError

from actors import deploy
from actors.clients import bounded
from actors.matchmaker import MatchmakerRuntime, Reply
from engine.errors import ErrorCode, Unavailable
from engine.matchmaking import Preferences, Ticket

CALL_TIMEOUT_S = 30.0
RECOVERY_WINDOW_S = 60.0
RECOVERY_STEP_S = 0.25
UNCERTAIN = "The matchmaker restarted while handling the request; it may or may not have taken effect"


class MatchmakerClient:
    def __init__(self, runtime: MatchmakerRuntime) -> None:
        self._runtime = runtime
        self._handle: Any = deploy.matchmaker(runtime)

    @property
    def database(self) -> str:
        return self._runtime.database

    async def ping(self) -> str:
        result: str = await self._call("ping", retry=True)
        return result

    async def pid(self) -> int:
        result: int = await self._call("pid", retry=True)
        return result

    async def counts(self) -> dict[str, int]:
        result: dict[str, int] = await self._call("counts", retry=True)
        return result

    async def enqueue(
        self,
        user_id: str,
        preferences: Preferences,
        require_confirmation: bool,
        now: datetime,
        ticket_id: str,
        token: str,
    ) -> Reply:
        """Deduplicated by `ticket_id`: safe."""
        args = (user_id, preferences, require_confirmation, now, ticket_id, token)
        result: Reply = await self._call("enqueue", *args, retry=True)
        return result

    async def status(self, user_id: str, now: datetime, token: str | None = None) -> Reply:
        """A poll (extends the ticket); work is leased under `token`, which a retry reuses: safe."""
        result: Reply = await self._call("status", user_id, now, token, retry=True)
        return result

    async def cancel(self, user_id: str, now: datetime) -> Reply:
        """Leaving twice leaves once: safe."""
        result: Reply = await self._call("cancel", user_id, now, retry=True)
        return result

    async def accept(self, user_id: str, match_id: str, now: datetime, token: str) -> Reply:
        """Accepting twice accepts once: safe."""
        result: Reply = await self._call("accept", user_id, match_id, now, token, retry=True)
        return result

    async def decline(self, user_id: str, match_id: str, now: datetime) -> Reply:
        """A second decline finds the match closed (410): not safe."""
        result: Reply = await self._call("decline", user_id, match_id, now, retry=False)
        return result

    async def withdraw(self, user_id: str, now: datetime) -> Ticket:
        """A second withdraw finds no ticket (404): not safe."""
        result: Ticket = await self._call("withdraw", user_id, now, retry=False)
        return result

    async def settle(
        self, match_id: str, token: str, room_id: str | None, now: datetime, drop: Sequence[str] = ()
    ) -> bool:
        """A repeated report answers as the first one did: safe."""
        result: bool = await self._call("settle", match_id, token, room_id, now, tuple(drop), retry=True)
        return result

    async def _call(self, method: str, *args: Any, retry: bool) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECOVERY_WINDOW_S
        while True:
            try:
                return await bounded(getattr(self._handle, method).remote(*args), CALL_TIMEOUT_S)
            except (ActorDiedError, ActorUnavailableError) as exc:
                if not retry:
                    raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, UNCERTAIN) from exc
                if loop.time() > deadline:
                    raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Matchmaker is recovering") from exc
            except RayActorError as exc:
                raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Matchmaker unavailable") from exc
            except TimeoutError as exc:
                raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Matchmaker did not answer") from exc
            await asyncio.sleep(RECOVERY_STEP_S)
