"""Rooms in MongoDB: the room actor's state document, its ordered event log, and history reads.

The state document is written only by the room's actor (one writer per room, in sequence order), so a
plain replace is safe; events are keyed `<roomId>:<seq>`, which makes re-writing a batch idempotent.
Derived fields (`participantIds`, `activeParticipantIds`) serve the history queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from engine.room.roles import RoomMode, RoomRole
from engine.room.state import Participant, RoleSwap, Room, RoomSettings, Timer
from engine.room.status import RoomStatus
from storage.client import Document, Mongo

STATUS_ORDER = {s.value: i for i, s in enumerate(RoomStatus)}
LIVE: Document = {"destroyedAt": {"$exists": False}}
"""Matches rooms that are not being destroyed (a destroyed room keeps a tombstone until its purge ends)."""


def _participant_doc(p: Participant) -> Document:
    return {
        "userId": p.user_id,
        "role": p.role.value,
        "joinedAt": p.joined_at,
        "isActive": p.is_active,
        "isReady": p.is_ready,
        "isMuted": p.is_muted,
        "leftAt": p.left_at,
        "removedAt": p.removed_at,
    }


def _participant(d: Document) -> Participant:
    return Participant(
        user_id=d["userId"],
        role=RoomRole(d["role"]),
        joined_at=d["joinedAt"],
        is_active=d["isActive"],
        is_ready=d["isReady"],
        is_muted=d.get("isMuted", False),
        left_at=d.get("leftAt"),
        removed_at=d.get("removedAt"),
    )


def room_to_doc(room: Room, seq: int) -> Document:
    swap = room.role_swap
    return {
        "_id": room.id,
        "code": room.code,
        "mode": room.mode.value,
        "hostId": room.host_id,
        "status": room.status.value,
        "statusOrder": STATUS_ORDER[room.status.value],
        "name": room.settings.name,
        "maxParticipants": room.settings.max_participants,
        "maxDuration": room.settings.max_duration_min,
        "isPrivate": room.settings.is_private,
        "createdAt": room.created_at,
        "updatedAt": room.updated_at or room.created_at,
        "problemId": room.problem_id,
        "language": room.language,
        "participants": [_participant_doc(p) for p in room.participants],
        "participantIds": [p.user_id for p in room.participants],
        "activeParticipantIds": [p.user_id for p in room.participants if p.is_active],
        "openSeats": room.settings.max_participants - sum(p.is_active for p in room.participants),
        "editorLocked": room.editor_locked,
        "timer": {
            "phaseStartedAt": room.timer.phase_started_at,
            "elapsedMs": room.timer.elapsed_ms,
            "paused": room.timer.paused,
            "pausedAt": room.timer.paused_at,
        },
        "roleSwap": None
        if swap is None
        else {
            "swapId": swap.swap_id,
            "requestedBy": swap.requested_by,
            "targetUserId": swap.target_user_id,
            "requestedAt": swap.requested_at,
            "expiresAt": swap.expires_at,
        },
        "sessionId": room.session_id,
        "finishedAt": room.finished_at,
        "seq": seq,
    }


def doc_to_room(d: Document) -> Room:
    timer, swap = d.get("timer") or {}, d.get("roleSwap")
    return Room(
        id=d["_id"],
        code=d["code"],
        mode=RoomMode(d["mode"]),
        host_id=d["hostId"],
        status=RoomStatus(d["status"]),
        settings=RoomSettings(
            name=d.get("name"),
            max_participants=d["maxParticipants"],
            max_duration_min=d["maxDuration"],
            is_private=d["isPrivate"],
        ),
        created_at=d["createdAt"],
        problem_id=d.get("problemId"),
        language=d.get("language"),
        participants=tuple(_participant(p) for p in d.get("participants", ())),
        editor_locked=d.get("editorLocked", False),
        timer=Timer(
            phase_started_at=timer.get("phaseStartedAt"),
            elapsed_ms=int(timer.get("elapsedMs", 0)),
            paused=bool(timer.get("paused", False)),
            paused_at=timer.get("pausedAt"),
        ),
        role_swap=None
        if not swap
        else RoleSwap(
            swap_id=swap["swapId"],
            requested_by=swap["requestedBy"],
            target_user_id=swap["targetUserId"],
            requested_at=swap["requestedAt"],
            expires_at=swap["expiresAt"],
        ),
        session_id=d.get("sessionId"),
        finished_at=d.get("finishedAt"),
        updated_at=d.get("updatedAt"),
    )


class RoomRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._rooms = mongo.db["rooms"]
        self._events = mongo.db["room_events"]

    async def load(self, room_id: str) -> tuple[Room, int] | None:
        """The stored room and its event seq; None when there is none or it is being destroyed."""
        doc = await self._rooms.find_one({"_id": room_id, **LIVE})
        return (doc_to_room(doc), int(doc.get("seq", 0))) if doc else None

    async def destroyed(self, room_id: str) -> bool:
        """True while a destroyed room's purge has not finished (its tombstone is still there)."""
        query = {"_id": room_id, "destroyedAt": {"$exists": True}}
        return await self._rooms.find_one(query, {"_id": 1}) is not None

    async def mark_destroyed(self, room_id: str, now: datetime) -> None:
        """The tombstone: from now on nothing may recreate or serve the room (see `save`)."""
        await self._rooms.update_one({"_id": room_id}, {"$set": {"destroyedAt": now}})

    async def recent_commands(self, room_id: str) -> list[Document]:
        """The ids of the last commands applied to the room, with the event seqs each produced."""
        doc = await self._rooms.find_one({"_id": room_id}, {"recentCommands": 1})
        return list(doc.get("recentCommands") or []) if doc else []

    async def code_taken(self, code: str) -> bool:
        return await self._rooms.find_one({"code": code}, {"_id": 1}) is not None

    async def by_code(self, code: str) -> Room | None:
        doc = await self._rooms.find_one({"code": code.upper(), **LIVE})
        return doc_to_room(doc) if doc else None

    async def save(
        self, room: Room, seq: int, events: list[Document], commands: list[Document] | None = None
    ) -> None:
        """Persist the state at `seq` (with the recent command ids, so a retried command is recognised
        after a restart) and the events that led to it (idempotent)."""
        doc = room_to_doc(room, seq) | {"recentCommands": commands or []}
        try:
            await self._rooms.replace_one({"_id": room.id, **LIVE}, doc, upsert=True)
        except DuplicateKeyError:  # the room is tombstoned: a late write must not bring it back
            return
        if not events:
            return
        docs = [{"_id": f"{room.id}:{e['seq']}", "roomId": room.id, **e} for e in events]
        try:
            await self._events.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(err.get("code") != 11000 for err in exc.details.get("writeErrors", [])):
                raise

    async def events(self, room_id: str, after_seq: int = 0, limit: int = 1000) -> list[Document]:
        cursor = self._events.find({"roomId": room_id, "seq": {"$gt": after_seq}}).sort("seq", ASCENDING)
        return [d async for d in cursor.limit(limit)]

    async def for_participant(
        self, user_id: str, query: Document, sort: list[tuple[str, int]], limit: int
    ) -> list[Document]:
        full = {"$and": [{"participantIds": user_id}, LIVE, query]}
        return [d async for d in self._rooms.find(full).sort(sort).limit(limit + 1)]

    async def public(self, query: Document, limit: int) -> list[Document]:
        full = {
            "$and": [
                {"isPrivate": False, "status": {"$ne": "finished"}, "openSeats": {"$gt": 0}},
                LIVE,
                query,
            ]
        }
        cursor = (
            self._rooms.find(full).sort([("createdAt", DESCENDING), ("_id", DESCENDING)]).limit(limit + 1)
        )
        return [d async for d in cursor]

    async def delete(self, room_id: str) -> None:
        """The event log, then the state document (last: it carries the tombstone)."""
        await self._events.delete_many({"roomId": room_id})
        await self._rooms.delete_one({"_id": room_id})

    async def unfinished_ids(self) -> list[str]:
        query = {"status": {"$ne": "finished"}, **LIVE}
        return [d["_id"] async for d in self._rooms.find(query, {"_id": 1})]


def events_as_docs(entries: list[Any], at: datetime) -> list[Document]:
    return [{"seq": e.seq, "type": e.type, "data": e.data, "at": at} for e in entries]
