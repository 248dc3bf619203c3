"""What a room's persisted events cause outside the room: its session record follows the room (started,
language or problem changed, finished) and a finished session queues its training reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from actors.outbox import Entry
from actors.reports import queue_reports
from engine.room.state import Room
from engine.room.status import RoomStatus
from storage.client import Mongo
from storage.sessions import SessionRepository


async def session_effects(
    mongo: Mongo, runtime: Any, room: Room, entries: list[Entry], now: datetime
) -> None:
    """Run after the room's state and these events are durable (in event order)."""
    sessions = SessionRepository(mongo)
    for entry in entries:
        if entry.type == "session-started":
            await sessions.start(room, now)
        elif entry.type in {"language-change", "problem-change"}:
            await sessions.sync(room)
        elif entry.type == "phase-change" and entry.data.get("current") == RoomStatus.FINISHED.value:
            await sessions.finish(room, now, room.timer.elapsed_ms)
            await queue_reports(mongo, runtime, room, now)
