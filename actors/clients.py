"""What the gateway calls: every Ray call goes through `call`, which bounds it and maps failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError, RayError

from actors import deploy
from actors.feed_waits import Cursor, FeedReply
from actors.gone import RoomActorGone, RoomMoved
from actors.outbox import Batch
from actors.placement import HostDirectory
from actors.room import CreateSpec, Outcome, RoomRuntime
from engine.errors import DomainError, ErrorCode, Unavailable
from storage.client import Mongo

__all__ = ["RoomActorGone", "RoomClient", "bounded", "call"]

T = TypeVar("T")
Observer = Callable[[str, float, str | None], None]
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


RECOVERY_WINDOW_S = 30.0
RECOVERY_STEP_S = 0.25


class RoomClient:
    """The one typed door to rooms: one method per room operation, routed to the room's host.

    Each method says whether it is safe to retry (`retry=`). A call that fails because the host died or
    was unreachable may or may not have applied: a safe method (read-only, idempotent, or deduplicated
    by a command id the caller chose) is sent again once the restarted host answers (bounded by
    RECOVERY_WINDOW_S); an unsafe one is answered with 503 instead, so it never applies twice. A room
    no host serves is reported as RoomActorGone so the caller can decide from storage."""

    def __init__(self, runtime: RoomRuntime, mongo: Mongo | None = None) -> None:
        self._runtime = runtime
        self._hosts = HostDirectory(runtime, mongo)
        self.observe: Observer | None = None
        """Told every call's method, duration and failure reason (None when it worked): metrics."""

    @property
    def runtime(self) -> RoomRuntime:
        return self._runtime

    @property
    def hosts(self) -> HostDirectory:
        return self._hosts

    async def place(self, room_id: str) -> str:
        """Choose a host for a room about to be created (see actors/placement.py)."""
        return await self._hosts.place(room_id)

    async def revive(self, room_id: str) -> None:
        """A room stored as live that no host serves (its host ended for good): place it again; its new
        host reloads it from MongoDB on the next call."""
        self._hosts.forget(room_id)
        await self._hosts.place(room_id)

    # --- room commands and state -------------------------------------------------------------------
    async def state(self, room_id: str) -> Outcome:
        result: Outcome = await self._call(room_id, "state", retry=True)
        return result

    async def create(self, room_id: str, spec: CreateSpec, now: datetime, command_id: str) -> Outcome:
        """Deduplicated by `command_id`: safe to retry. The room must have been placed."""
        result: Outcome = await self._call(room_id, "create", spec, now, command_id, retry=True, on_host=True)
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

    async def relayed_many(
        self, gateway_id: str, rooms: dict[str, list[tuple[str, list[bytes]]]]
    ) -> list[str]:
        """One flush of a gateway: every room's relayed frames, one call per host (all hosts at once).
        Returns the rooms whose frames were not applied (their sockets should resync). Idempotent."""
        by_host: dict[str, tuple[Any, dict[str, list[tuple[str, list[bytes]]]]]] = {}
        failed: list[str] = []
        for room_id, items in rooms.items():
            found = await self._hosts.handle_of(room_id)
            if found is None:
                failed.append(room_id)
                continue
            by_host.setdefault(found[0], (found[1], {}))[1][room_id] = items
        replies = await asyncio.gather(
            *(
                bounded(h.relayed_many.remote(gateway_id, part), DEFAULT_TIMEOUT_S)
                for h, part in by_host.values()
            ),
            return_exceptions=True,
        )
        for (_, part), reply in zip(by_host.values(), replies, strict=True):
            if not isinstance(reply, BaseException):
                failed.extend(reply)
                continue
            for room_id, items in part.items():  # the host failed: room by room, restarts waited out
                try:
                    await self.relayed(room_id, gateway_id, items)
                except DomainError:
                    failed.append(room_id)
        return failed

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

    async def host_name(self, room_id: str) -> str | None:
        """The name of the host serving the room (None when the room is not placed)."""
        found = await self._hosts.handle_of(room_id)
        return None if found is None else found[0]

    def forget_placement(self, room_id: str) -> None:
        """The room moved: the next call looks its placement up again."""
        self._hosts.forget(room_id)

    async def wait_many(
        self, host: str, gateway_id: str, cursors: dict[str, Cursor], timeout_s: float
    ) -> FeedReply:
        """A gateway's one long poll of every room it follows on `host` (see actors/feed_waits.py). Read
        only: safe to repeat. A host that failed or did not answer is 503 (its cached handle dropped)."""
        started, reason = time.perf_counter(), None
        try:
            handle = await self._hosts.handle(host)
            if handle is None:
                raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Room host is gone")
            try:
                reply: FeedReply = await bounded(
                    handle.wait_many.remote(gateway_id, cursors, timeout_s), timeout_s + 15
                )
            except (RayActorError, RayError, TimeoutError) as exc:
                self._hosts.forget_host(host)
                raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Room host did not answer") from exc
            return reply
        except Unavailable:
            reason = "unavailable"
            raise
        finally:
            if self.observe is not None:
                self.observe("wait_many", time.perf_counter() - started, reason)

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

    async def end_document(self, room_id: str) -> bytes:
        """Ends the document once; a repeat returns the same final state and records nothing: safe to
        retry."""
        result: bytes = await self._call(room_id, "final_document", retry=True)
        return result

    async def snapshot_ready(
        self,
        room_id: str,
        trigger: str,
        code: str,
        language: str,
        state: bytes,
        at: datetime,
        phase: str | None,
    ) -> dict[str, Any] | None:
        """Stores a code snapshot per call: not safe to retry."""
        result: dict[str, Any] | None = await self._call(
            room_id, "record_snapshot", trigger, code, language, state, at, phase, retry=False
        )
        return result

    # --- operators and tests -------------------------------------------------------------------------------
    async def pid(self, room_id: str) -> int:
        """The process id of the room's host (operators, crash-recovery tests)."""
        result: int = await self._call(room_id, "pid", retry=True, on_host=True)
        return result

    async def hosted(self, room_id: str) -> bool:
        """Whether the room is in its host's memory now (False when it is not placed)."""
        try:
            result: bool = await self._call(room_id, "hosted", retry=True, on_host=True)
        except RoomActorGone:
            return False
        return result

    async def arm_crash(self, room_id: str, method: str) -> bool:
        """Tests only (fault injection): the host process dies right after the room's next `method`."""
        result: bool = await self._call(room_id, "arm_crash", method, retry=True, on_host=True)
        return result

    async def arm_hold(self, room_id: str, method: str, held: bool) -> bool:
        """Tests only (fault injection): the room's calls of `method` wait until released."""
        result: bool = await self._call(room_id, "arm_hold", method, held, retry=True, on_host=True)
        return result

    # --- the one place that talks to Ray -------------------------------------------------------------
    async def _call(
        self,
        room_id: str,
        method: str,
        *args: Any,
        retry: bool,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        on_host: bool = False,
    ) -> Any:
        """`method` of the room, through its host (`on_host`: a method of the host itself, given the room),
        timed for `observe` (a domain refusal from the room is a call that worked)."""
        started, reason = time.perf_counter(), None
        try:
            return await self._send(room_id, method, args, retry, timeout_s, on_host)
        except RoomActorGone:
            reason = "gone"
            raise
        except Unavailable:
            reason = "unavailable"
            raise
        except DomainError:
            raise
        except Exception:
            reason = "error"
            raise
        finally:
            if self.observe is not None:
                self.observe(method, time.perf_counter() - started, reason)

    async def _send(
        self, room_id: str, method: str, args: tuple[Any, ...], retry: bool, timeout_s: float, on_host: bool
    ) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECOVERY_WINDOW_S
        while True:
            found = await self._hosts.handle_of(room_id)
            if found is None:
                raise RoomActorGone(room_id)
            name, handle = found
            if on_host:
                reply = getattr(handle, method).remote(room_id, *args)
            else:
                reply = handle.call.remote(room_id, method, *args)
            try:
                return await bounded(reply, timeout_s)
            except RoomMoved as exc:  # refused before anything applied: resend to the new host
                self._hosts.forget(room_id)
                _give_up_after(deadline, loop.time(), "Room is moving; retry", exc)
            except RoomActorGone as exc:
                self._hosts.forget(room_id)
                raise RoomActorGone(room_id) from exc
            except (ActorDiedError, ActorUnavailableError) as exc:
                # A restartable host that crashed fails its in-flight calls but keeps its name while Ray
                # restarts it; only a host whose name is gone has really ended. Either way the cached
                # handle is dropped: a name started again (killed for good, then respawned by any
                # gateway) is a new actor, which only a fresh lookup finds.
                self._hosts.forget_host(name)
                if await asyncio.to_thread(deploy.get_actor, name) is None:
                    self._hosts.forget(room_id)
                    raise RoomActorGone(room_id) from exc
                if not retry:
                    raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, UNCERTAIN) from exc
                _give_up_after(deadline, loop.time(), "Room is recovering; retry", exc)
            except TimeoutError as exc:
                raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, "Room did not answer") from exc
            await asyncio.sleep(RECOVERY_STEP_S)


def _give_up_after(deadline: float, now: float, message: str, cause: Exception) -> None:
    if now > deadline:
        raise Unavailable(ErrorCode.SERVICE_UNAVAILABLE, message) from cause


UNCERTAIN = "The room restarted while handling the request; it may or may not have taken effect"
