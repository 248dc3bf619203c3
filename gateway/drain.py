"""Graceful drain of one gateway process: what SIGTERM and `syncode drain` start (gateway/cli.py runs it
before uvicorn's own shutdown).

Theory of operation, in order:

1. `draining` is set. From then on a new room socket is accepted and closed at once with RESYNC (its
   client reconnects, through the load balancer, to another gateway); `/api/health` answers 503
   `draining`; every other HTTP request is still served normally.
2. Every frame this gateway relayed is flushed to the room hosts (the forwarder settles each room).
3. Every room socket is closed with RESYNC ("gateway draining; reconnect") after what its queue holds;
   its client reconnects elsewhere and syncs both ways, so a frame that was still in this gateway's
   inbox is not lost either (the client sends it again in its sync step 2).
4. The sockets' ends are awaited, at most `SOCKETS_END_S`.

Then uvicorn stops listening, lets in-flight HTTP requests finish and runs the lifespan shutdown.
Invariant: a socket that registers with the hub after step 3 looked at `draining` with no await in
between and closes itself, so no room socket stays open past the drain. The drain runs once; later
calls wait for the same run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.ws import codes

if TYPE_CHECKING:
    from gateway.ws.feed import FeedHub

log = logging.getLogger(__name__)
CLOSE_REASON = "gateway draining; reconnect"
SOCKETS_END_S = 10.0
"""How long the drain waits for closed sockets to finish their closing handshake."""
SETTLE_S = 5.0
"""How long the drain waits for relayed frames to reach their hosts (a stuck host must not hold it)."""
POLL_S = 0.05


@dataclass(frozen=True)
class DrainReport:
    rooms: int
    sockets: int
    left_open: int
    """Sockets still open when `SOCKETS_END_S` passed (uvicorn's shutdown closes them with 1012)."""
    seconds: float


class Drain:
    """The app's drain (`app.state.drain`): `await drain()` runs it; `drain.draining` is read by the
    websocket endpoint and health."""

    def __init__(self, state: Any) -> None:
        self._state = state
        self.draining = False
        self._run: asyncio.Task[DrainReport] | None = None

    async def __call__(self) -> DrainReport:
        if self._run is None:
            self.draining = True
            self._run = asyncio.get_running_loop().create_task(self._drain())
        return await asyncio.shield(self._run)

    def open_sockets(self) -> int:
        hub: FeedHub | None = getattr(self._state, "hub", None)
        return 0 if hub is None else sum(len(feed.subscribers) for feed in hub.feeds.values())

    async def _drain(self) -> DrainReport:
        started = time.monotonic()
        hub: FeedHub | None = getattr(self._state, "hub", None)
        if hub is None:  # the lifespan has not started: no socket can exist
            return DrainReport(rooms=0, sockets=0, left_open=0, seconds=0.0)
        rooms = list(hub.feeds)
        await self._settle(hub, rooms)
        sockets = 0
        for room_id in rooms:
            feed = hub.feeds.get(room_id)
            for subscriber in list(feed.subscribers.values()) if feed is not None else []:
                subscriber.close(codes.RESYNC, CLOSE_REASON)
                sockets += 1
        await self._settle(hub, rooms)  # what a socket relayed between the first settle and its close
        deadline = time.monotonic() + SOCKETS_END_S
        while self.open_sockets() and time.monotonic() < deadline:  # noqa: ASYNC110 - no event for it
            await asyncio.sleep(POLL_S)  # bounded-poll: a socket ends when its client answers the close
        report = DrainReport(
            rooms=len(rooms),
            sockets=sockets,
            left_open=self.open_sockets(),
            seconds=round(time.monotonic() - started, 3),
        )
        log.info("gateway drained", extra={"rooms": report.rooms, "sockets": report.sockets})
        return report

    async def _settle(self, hub: FeedHub, rooms: list[str]) -> None:
        try:
            await asyncio.wait_for(
                asyncio.gather(*(hub.forwarder.settle(room_id) for room_id in rooms)), SETTLE_S
            )
        except TimeoutError:
            log.warning("relayed frames not flushed before the drain's bound", extra={"rooms": len(rooms)})


def draining(state: Any) -> bool:
    """Whether this gateway is draining (False for an app without a drain, e.g. in some tests)."""
    drain: Drain | None = getattr(state, "drain", None)
    return drain is not None and drain.draining
