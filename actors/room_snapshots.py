"""A room's code snapshots for its session: on phase changes, submissions and finish, every
PERIODIC_SNAPSHOT_S while the code changes, and those an external collab plane reports."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.collab.document import lines_of_code
from engine.room.state import Room
from engine.room.status import RoomStatus
from storage.documents import DocumentStore

PERIODIC_SNAPSHOT_S = 30.0


def snapshot_doc(
    room: Room, trigger: str, language: str | None, code: str, phase: str, at: datetime
) -> dict[str, Any]:
    return {
        "_id": str(uuid.uuid4()),
        "sessionId": room.session_id,
        "roomId": room.id,
        "trigger": trigger,
        "language": language,
        "code": code,
        "linesOfCode": lines_of_code(code),
        "phase": phase,
        "createdAt": at,
    }


class Snapshots:
    def __init__(self, store: DocumentStore) -> None:
        self._store = store
        self._digest = ""
        self._last_periodic = 0.0

    async def take(self, room: Room, code: str, trigger: str, at: datetime) -> dict[str, Any] | None:
        """Store the active language's code (None before the room has a session)."""
        if room.session_id is None:
            return None
        snapshot = snapshot_doc(room, trigger, room.language, code, room.status.value, at)
        await self._store.add_code_snapshot(snapshot)
        self._digest = hashlib.sha256(code.encode()).hexdigest()
        return snapshot

    async def periodic(self, room: Room, code_of: Callable[[], str], at: datetime) -> None:
        """At most every PERIODIC_SNAPSHOT_S, and only when the code changed since the last snapshot
        (`code_of` is called only then: a host ticks every room every second)."""
        if room.session_id is None or room.status is RoomStatus.FINISHED:
            return
        if time.monotonic() - self._last_periodic < PERIODIC_SNAPSHOT_S:
            return
        self._last_periodic = time.monotonic()
        code = code_of()
        if hashlib.sha256(code.encode()).hexdigest() != self._digest:
            await self.take(room, code, "periodic", at)

    async def reported(
        self,
        room: Room,
        trigger: str,
        code: str,
        language: str,
        state: bytes | None,
        at: datetime,
        phase: str | None,
    ) -> dict[str, Any] | None:
        """An external collab plane's snapshot: its binary state is kept as the room's latest (always),
        its code for the room's session at its time and phase (when it sent a state)."""
        if state is not None:
            await self._store.save_reported_state(room.id, state, at, trigger)
        if room.session_id is None:
            return None
        shown_phase = phase if state is not None and phase else room.status.value
        snapshot = snapshot_doc(room, trigger, language, code, shown_phase, at)
        await self._store.add_code_snapshot(snapshot)
        return snapshot
