"""Recordings of sessions (collection `recordings`), recording consents (`recording_consents`) and
media presence (`media_presence`, LiveKit's participant joined/left).

A recording row is `{_id, sessionId, roomId, egressId, status, startedBy, startedAt, endedAt,
durationSeconds, sizeBytes, location, filename, error, live}`; `storage/sessions.py` reads it by
`sessionId` for `hasRecording` (a `complete` row with a location). A presence row is
`{_id: uuid5(LiveKit event id), eventId, roomId, userId, type, at}` (read by the session timeline).
Invariants: at most one row per room is `live` (a partial unique index: a second start of the same room
fails to insert); a consent row is one per (room, user), overwritten; webhook updates are keyed by
`egressId` and idempotent, and so are presence rows (by LiveKit's event id).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pymongo.errors import DuplicateKeyError

from storage.client import Document, Mongo

RECORDINGS: Final = "recordings"
CONSENTS: Final = "recording_consents"
PRESENCE: Final = "media_presence"
COMPLETE: Final = "complete"
ENDED: Final = frozenset({COMPLETE, "failed", "aborted", "limit_reached"})
"""Egress statuses after which a recording is no longer live."""
PRESENCE_IDS: Final = uuid.UUID("6f1c1d2e-3a4b-5c6d-8e9f-0a1b2c3d4e5f")
"""uuid5 namespace turning LiveKit's event ids into presence row ids."""


class RecordingActiveError(Exception):
    """The room already has a live recording."""


@dataclass(frozen=True)
class Recording:
    id: str
    session_id: str
    room_id: str
    egress_id: str | None
    status: str
    started_by: str
    started_at: datetime
    ended_at: datetime | None
    duration_s: float | None
    size_bytes: int | None
    location: str | None
    error: str | None
    filename: str | None = None
    """The egress' file name: the object key for an S3 upload."""

    @property
    def complete(self) -> bool:
        return self.status == COMPLETE


def _recording(doc: Document) -> Recording:
    return Recording(
        id=str(doc["_id"]),
        session_id=str(doc["sessionId"]),
        room_id=str(doc["roomId"]),
        egress_id=doc.get("egressId"),
        status=str(doc["status"]),
        started_by=str(doc["startedBy"]),
        started_at=doc["startedAt"],
        ended_at=doc.get("endedAt"),
        duration_s=doc.get("durationSeconds"),
        size_bytes=doc.get("sizeBytes"),
        location=doc.get("location"),
        error=doc.get("error"),
        filename=doc.get("filename"),
    )


class RecordingRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._rows = mongo.db[RECORDINGS]
        self._consents = mongo.db[CONSENTS]
        self._presence = mongo.db[PRESENCE]

    async def set_consent(self, room_id: str, user_id: str, consent: bool, now: datetime) -> None:
        await self._consents.update_one(
            {"_id": f"{room_id}:{user_id}"},
            {"$set": {"roomId": room_id, "userId": user_id, "consent": consent, "updatedAt": now}},
            upsert=True,
        )

    async def consenting(self, room_id: str) -> set[str]:
        """The users of this room whose latest answer is yes."""
        return {d["userId"] async for d in self._consents.find({"roomId": room_id, "consent": True})}

    async def claim(self, row_id: str, session_id: str, room_id: str, user_id: str, now: datetime) -> None:
        """Insert the room's live row (status `starting`); raises RecordingActiveError when one is live."""
        doc: Document = {"_id": row_id, "sessionId": session_id, "roomId": room_id, "egressId": None}
        doc |= {"status": "starting", "startedBy": user_id, "startedAt": now, "live": True}
        try:
            await self._rows.insert_one(doc)
        except DuplicateKeyError as exc:
            raise RecordingActiveError(room_id) from exc

    async def attach_egress(self, row_id: str, egress_id: str, status: str) -> None:
        """The egress LiveKit started; a no-op when its webhook already attached it (newer status)."""
        await self._rows.update_one(
            {"_id": row_id, "egressId": None}, {"$set": {"egressId": egress_id, "status": status}}
        )

    async def drop(self, row_id: str) -> None:
        """Forget a claim whose egress never started."""
        await self._rows.delete_one({"_id": row_id, "egressId": None})

    async def live(self, room_id: str) -> Recording | None:
        doc = await self._rows.find_one({"roomId": room_id, "live": True})
        return _recording(doc) if doc else None

    async def update_egress(
        self, egress_id: str, fields: dict[str, Any], room_id: str | None = None
    ) -> Recording | None:
        """Record what LiveKit reported about an egress; an ended status releases the room's live slot.
        With `room_id` (a webhook), an egress whose start answer has not been stored yet is matched to
        the room's live claim."""
        change: dict[str, Any] = {"$set": {**fields, "egressId": egress_id}}
        query: Document = {"egressId": egress_id}
        if fields.get("status") in ENDED:
            change["$unset"] = {"live": ""}
        else:  # reports arrive out of order: an ended recording never goes back
            query["status"] = {"$nin": sorted(ENDED)}
        doc = await self._rows.find_one_and_update(query, change, return_document=True)
        if doc is None and room_id is not None:
            claim = {"roomId": room_id, "live": True, "egressId": None}
            doc = await self._rows.find_one_and_update(claim, change, return_document=True)
        return _recording(doc) if doc else None

    async def latest_for_session(self, session_id: str) -> Recording | None:
        doc = await self._rows.find_one({"sessionId": session_id}, sort=[("startedAt", -1)])
        return _recording(doc) if doc else None

    async def get(self, row_id: str) -> Recording | None:
        doc = await self._rows.find_one({"_id": row_id})
        return _recording(doc) if doc else None

    async def presence(self, event_id: str, room_id: str, user_id: str, kind: str, at: datetime) -> None:
        """A participant joined/left the media room (idempotent by LiveKit's event id)."""
        fields = {"eventId": event_id, "roomId": room_id, "userId": user_id, "type": kind, "at": at}
        await self._presence.update_one(
            {"_id": str(uuid.uuid5(PRESENCE_IDS, event_id))}, {"$setOnInsert": fields}, upsert=True
        )

    async def presence_of(self, room_id: str) -> list[Document]:
        return [d async for d in self._presence.find({"roomId": room_id}, sort=[("at", 1)])]
