"""The typed doors of the AI interviewer: `InterviewerClient` (what the gateway calls on an interviewer
actor) and `RoomEvents` (the little the interviewer needs from its room actor).

Each method says whether it is safe to retry. A call that fails because the actor died is sent again,
when safe, once the restarted actor answers (bounded by `RECOVERY_WINDOW_S`); an unsafe one is answered
with 503. The door, not its callers, turns an actor's death into a domain error:
`Unavailable(AI_SERVICE_UNAVAILABLE)` for the interviewer, `RoomGone` for a room with no actor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError

from actors import deploy
from actors.clients import RoomActorGone, RoomClient, bounded
from actors.llm.requests import Accepted, InterviewerRuntime, JobRequest
from actors.outbox import Batch
from actors.room import Outcome, RoomRuntime
from engine.errors import ErrorCode, NotFound, Unavailable
from storage.client import Mongo

RECOVERY_WINDOW_S = 30.0
RECOVERY_STEP_S = 0.25
CALL_TIMEOUT_S = 30.0
CREATE_TIMEOUT_S = 60.0


class RoomGone(NotFound):
    """The room has no actor (finished and retired, destroyed, or never live)."""

    def __init__(self, room_id: str) -> None:
        super().__init__(ErrorCode.ROOM_NOT_FOUND, "Room not found")
        self.args = (room_id,)


async def _call(
    lookup: Callable[[], Any],
    method: str,
    *args: Any,
    retry: bool,
    gone: Callable[[], Exception],
    timeout_s: float = CALL_TIMEOUT_S,
) -> Any:
    """The one place these doors talk to Ray: bounded calls, restarts waited out when safe."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RECOVERY_WINDOW_S
    while True:
        handle = lookup()
        if handle is None:
            raise gone()
        try:
            return await bounded(getattr(handle, method).remote(*args), timeout_s)
        except (ActorDiedError, ActorUnavailableError) as exc:
            if lookup() is None:
                raise gone() from exc
            if not retry or loop.time() > deadline:
                raise Unavailable(
                    ErrorCode.AI_SERVICE_UNAVAILABLE, "The interviewer is restarting; retry"
                ) from exc
        except (RayActorError, TimeoutError) as exc:
            raise Unavailable(ErrorCode.AI_SERVICE_UNAVAILABLE, "The interviewer did not answer") from exc
        await asyncio.sleep(RECOVERY_STEP_S)


class InterviewerClient:
    """The gateway's door to interviewer actors (one per room that uses AI, created on first use)."""

    def __init__(self, runtime: InterviewerRuntime) -> None:
        self._runtime = runtime

    @property
    def runtime(self) -> InterviewerRuntime:
        return self._runtime

    def _lookup(self, room_id: str) -> Callable[[], Any]:
        return lambda: deploy.get_interviewer(room_id)

    def ensure(self, room_id: str) -> None:
        """Create the room's interviewer unless it exists (idempotent: `get_if_exists`)."""
        if deploy.get_interviewer(room_id) is None:
            deploy.spawn_interviewer(room_id, self._runtime)

    async def request(self, room_id: str, job: JobRequest) -> Accepted:
        """Admit one job. Safe to retry: the actor accepts a job id once."""
        self.ensure(room_id)
        result: Accepted = await _call(
            self._lookup(room_id),
            "request",
            job,
            retry=True,
            gone=_gone_interviewer,
            timeout_s=CREATE_TIMEOUT_S,
        )
        return result

    async def status(self, room_id: str) -> dict[str, Any]:
        """Read-only: safe to retry."""
        result: dict[str, Any] = await _call(
            self._lookup(room_id), "status", retry=True, gone=_gone_interviewer
        )
        return result

    async def pid(self, room_id: str) -> int:
        """Read-only: safe to retry."""
        result: int = await _call(self._lookup(room_id), "pid", retry=True, gone=_gone_interviewer)
        return result

    async def retire(self, room_id: str) -> None:
        """Idempotent: retiring twice retires once."""
        if deploy.get_interviewer(room_id) is not None:
            await _call(self._lookup(room_id), "retire", retry=True, gone=_gone_interviewer)


def _gone_interviewer() -> Exception:
    return Unavailable(ErrorCode.AI_SERVICE_UNAVAILABLE, "The interviewer has ended")


class RoomEvents:
    """The interviewer's door to its room (through the room's typed door, RoomClient): all three calls
    are read-only, so safe to retry; a room no host serves is RoomGone."""

    def __init__(self, mongo_uri: str, database: str, mongo: Mongo | None = None) -> None:
        self._rooms = RoomClient(RoomRuntime(mongo_uri, database), mongo)

    async def state(self, room_id: str) -> Outcome:
        try:
            return await self._rooms.state(room_id)
        except RoomActorGone as exc:
            raise RoomGone(room_id) from exc

    async def code(self, room_id: str) -> tuple[str | None, str]:
        try:
            return await self._rooms.code(room_id)
        except RoomActorGone as exc:
            raise RoomGone(room_id) from exc

    async def wait_events(self, room_id: str, after_seq: int, timeout_s: float) -> Batch:
        try:
            return await self._rooms.wait_events(room_id, after_seq, timeout_s)
        except RoomActorGone as exc:
            raise RoomGone(room_id) from exc
