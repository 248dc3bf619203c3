"""Destroying a room for good: a tombstone first, then everything the room produced, the room last.

Invariant: while any trace of a destroyed room is left in MongoDB, its room document carries
`destroyedAt`, so a restarted actor (or any reader) knows the room is gone and finishes the purge instead
of serving it. Every step is idempotent, so an interrupted purge is simply run again.
"""

from __future__ import annotations

from datetime import datetime

from storage.ai import AiRepository
from storage.analyses import AnalysisRepository
from storage.chat import ChatRepository
from storage.client import Mongo
from storage.documents import DocumentStore
from storage.executions import ExecutionRepository
from storage.feedback import FeedbackRepository
from storage.placements import PlacementRepository
from storage.rooms import RoomRepository
from storage.sessions import SessionRepository


async def mark_destroyed(mongo: Mongo, room_id: str, now: datetime) -> None:
    await RoomRepository(mongo).mark_destroyed(room_id, now)


async def purge(mongo: Mongo, room_id: str) -> None:
    """Delete the room's sessions, document, chat, runs, analyses, feedback and AI conversation, then
    the room itself (and last its placement record)."""
    await SessionRepository(mongo).delete_for_room(room_id)
    await DocumentStore(mongo).delete_room(room_id)
    await ChatRepository(mongo).delete_room(room_id)
    await ExecutionRepository(mongo).delete_room(room_id)
    await AnalysisRepository(mongo).delete_room(room_id)
    await FeedbackRepository(mongo).delete_room(room_id)
    await AiRepository(mongo).delete_room(room_id)
    await RoomRepository(mongo).delete(room_id)
    await PlacementRepository(mongo).delete(room_id)
