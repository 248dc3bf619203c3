"""What the gateway calls: every Ray call goes through `call`, which bounds it and maps failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar

from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError, RayError

from actors import deploy
from actors.outbox import Batch
from actors.room import CreateSpec, Outcome, RoomRuntime
from engine.errors import ErrorCode, NotFound, Unavailable

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 30.0


async def bounded(reply: Awaitable[T], timeout_s: float) -> T:
    """Await a Ray reply for at most `timeout_s`. Unlike `asyncio.wait_for`, a timed-out reply is
    abandoned without waiting for its cancellation (a call stuck on a crashed actor may never settle)."""
    future = asyncio.ensure_future(reply)
    try:
        done, _ = await asyncio.wait({future}, timeout=timeout_s)
    finally:
        if not future.done():  # timed out, or the caller was cancelled: nobody will read the reply
            future.add_done_callback(_discard)
            future.cancel()
    if not done:
        raise TimeoutError
    return future.result()


def _discard(future: asyncio.Future[Any]) -> None:
    """Read an abandoned reply's outcome so that its failure is not reported as never retrieved."""
    if not future.cancelled():
        future.exception()


async def call(reply: Awaitable[T], timeout_s: float = DEFAULT_TIMEOUT_S) -> T:
    """Await an actor reply; a dead actor or a timeout becomes 503 SERVICE_UNAVAILABLE."""
    try:
        return await bounded(reply, timeout_s)
    except (RayActorError, RayError, TimeoutError) as exc:
        raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Actor unavailable") from exc


class PoolClient:
    """The gateway's view of a warm pool."""

    def __init__(self, kind: str, target_idle: int, spawn_args: tuple[Any, ...] = ()) -> None:
        self._handle: Any = deploy.pool(kind, target_idle, spawn_args)

    async def claim(self) -> str:
        return await call(self._handle.claim.remote(), timeout_s=60)

    async def release(self, resource_id: str) -> None:
        await call(self._handle.release.remote(resource_id))

    async def status(self) -> dict[str, Any]:
        return await call(self._handle.status.remote())

    async def probe(self, timeout_s: float = 5.0) -> bool:
        """Health: the pool actor answers within the timeout."""
        try:
            await call(self._handle.ping.remote(), timeout_s)
        except Unavailable:
            return False
        return True


RECOVERY_WINDOW_S = 30.0
RECOVERY_STEP_S = 0.25


class RoomActorGone(NotFound):
    """No actor serves this room (never created, retired after finishing, or lost with its cluster).
    Callers that can decide from storage catch it; anywhere else it is the 404 it is."""

    def __init__(self, room_id: str) -> None:
        super().__init__(ErrorCode.ROOM_NOT_FOUND, "Room not found")
        self.args = (room_id,)
        self.room_id = room_id


class RoomClient:
    """The one typed door from the gateway to room actors: one method per actor operation.

    Each method says whether it is safe to retry (`retry=`). A call that fails because the actor died or
    was unreachable may or may not have applied: a safe method (read-only, idempotent, or deduplicated
    by a command id the caller chose) is sent again once the restarted actor answers (bounded by
    RECOVERY_WINDOW_S); an unsafe one is answered with 503 instead, so it never applies twice. A missing
    actor is reported as RoomActorGone so the caller can decide from storage."""

    def __init__(self, runtime: RoomRuntime) -> None:
        self._runtime = runtime

    @property
    def runtime(self) -> RoomRuntime:
        return self._runtime

    def revive(self, room_id: str) -> None:
        """(Re)create the named actor of a room stored as live; it reloads itself from MongoDB."""
        deploy.spawn_pooled("room", room_id, self._runtime, get_if_exists=True)

    # --- room commands and state -------------------------------------------------------------------
    async def state(self, room_id: str) -> Outcome:
        result: Outcome = await self._call(room_id, "state", retry=True)
        return result

    async def create(self, room_id: str, spec: CreateSpec, now: datetime, command_id: str) -> Outcome:
        result: Outcome = await self._call(room_id, "create", spec, now, command_id, retry=True)
        return result

    async def execute(self, room_id: str, command: Any, now: datetime, command_id: str) -> Outcome:
        result: Outcome = await self._call(room_id, "execute", command, now, command_id, retry=True)
        return result

    async def finish(
        self, room_id: str, actor_id: str, reason: str, now: datetime, command_id: str
    ) -> Outcome:
        result: Outcome = await self._call(room_id, "finish", actor_id, reason, now, command_id, retry=True)
        return result

    async def destroy(self, room_id: str, now: datetime) -> None:
        await self._call(room_id, "destroy", now, retry=True)

    async def presence(self, room_id: str) -> list[str]:
        result: list[str] = await self._call(room_id, "presence", retry=True)
        return result

    # --- sockets ----------------------------------------------------------------------------------
    async def attach(
        self, room_id: str, user_id: str, socket_id: str, now: datetime, command_id: str
    ) -> Outcome:
        result: Outcome = await self._call(room_id, "attach", user_id, socket_id, now, command_id, retry=True)
        return result

    async def disconnected(self, room_id: str, user_id: str, socket_id: str, now: datetime) -> Outcome | None:
        result: Outcome | None = await self._call(
            room_id, "disconnected", user_id, socket_id, now, retry=True
        )
        return result

    async def hello(self, room_id: str) -> list[bytes]:
        result: list[bytes] = await self._call(room_id, "hello", retry=True)
        return result

    async def receive(self, room_id: str, user_id: str, frames: list[bytes]) -> list[bytes]:
        """Yjs updates are idempotent (applying one twice changes nothing): safe to retry."""
        result: list[bytes] = await self._call(room_id, "receive", user_id, frames, retry=True)
        return result

    async def relayed(self, room_id: str, gateway_id: str, batches: list[tuple[str, list[bytes]]]) -> None:
        """Frames a gateway already relayed to its sockets; Yjs updates are idempotent: safe to retry."""
        await self._call(room_id, "relayed", gateway_id, batches, retry=True)

    async def wait_events(
        self,
        room_id: str,
        after_seq: int,
        timeout_s: float,
        gateway_id: str | None = None,
        epoch: str | None = None,
    ) -> Batch:
        result: Batch = await self._call(
            room_id,
            "wait_events",
            after_seq,
            timeout_s,
            gateway_id,
            epoch,
            retry=True,
            timeout_s=timeout_s + 15,
        )
        return result

    async def kick_socket(self, room_id: str, user_id: str, reason: str, code: int | None = None) -> bool:
        result: bool = await self._call(room_id, "kick_socket", user_id, reason, code, retry=True)
        return result

    # --- chat -------------------------------------------------------------------------------------
    async def chat_history(self, room_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._call(room_id, "chat_history", retry=True)
        return result

    async def chat_send(
        self, room_id: str, user_id: str, data: dict[str, Any], message_id: str
    ) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._call(
            room_id, "chat_send", user_id, data, message_id, retry=True
        )
        return result

    async def chat_mark_read(self, room_id: str, user_id: str, up_to: object) -> None:
        await self._call(room_id, "chat_mark_read", user_id, up_to, retry=True)

    async def chat_react(self, room_id: str, user_id: str, message_id: object, emoji: object) -> None:
        """A toggle: repeating it would undo it."""
        await self._call(room_id, "chat_react", user_id, message_id, emoji, retry=False)

    # --- the document -------------------------------------------------------------------------------
    async def code(self, room_id: str) -> tuple[str | None, str]:
        result: tuple[str | None, str] = await self._call(room_id, "code", retry=True)
        return result

    async def document_state(self, room_id: str) -> bytes:
        result: bytes = await self._call(room_id, "document_state", retry=True)
        return result

    async def seed_document(self, room_id: str, starter: dict[str, str]) -> None:
        """Seeds only empty texts: safe to retry."""
        await self._call(room_id, "seed_document", starter, retry=True)

    async def create_document(self, room_id: str, starter: dict[str, str], snapshot: bytes | None) -> bool:
        result: bool = await self._call(room_id, "create_document", starter, snapshot, retry=True)
        return result

    async def code_snapshot(self, room_id: str, trigger: str) -> dict[str, Any] | None:
        """Stores a snapshot per call."""
        result: dict[str, Any] | None = await self._call(room_id, "code_snapshot", trigger, retry=False)
        return result

    async def record_snapshot(
        self, room_id: str, trigger: str, code: str, language: str
    ) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self._call(
            room_id, "record_snapshot", trigger, code, language, retry=False
        )
        return result

    async def final_document(self, room_id: str) -> bytes:
        """Records a `session_end` snapshot."""
        result: bytes = await self._call(room_id, "final_document", retry=False)
        return result

    # --- the one place that talks to Ray -------------------------------------------------------------
    async def _call(
        self, room_id: str, method: str, *args: Any, retry: bool, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECOVERY_WINDOW_S
        while True:
            handle = deploy.get_named("room", room_id)
            if handle is None:
                raise RoomActorGone(room_id)
            try:
                return await bounded(getattr(handle, method).remote(*args), timeout_s)
            except (ActorDiedError, ActorUnavailableError) as exc:
                # A restartable actor that crashed fails its in-flight calls but keeps its name while Ray
                # restarts it; only an actor whose name is gone has really ended.
                if deploy.get_named("room", room_id) is None:
                    raise RoomActorGone(room_id) from exc
                if not retry:
                    raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, UNCERTAIN) from exc
                if loop.time() > deadline:
                    raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Room is recovering; retry") from exc
            except TimeoutError as exc:
                raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Room did not answer") from exc
            await asyncio.sleep(RECOVERY_STEP_S)


UNCERTAIN = "The room restarted while handling the request; it may or may not have taken effect"
