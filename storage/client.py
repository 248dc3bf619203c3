"""The one AsyncMongoClient factory (tz-aware UTC) and index creation at start-up."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from bson.codec_options import CodecOptions
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from storage.insert_batch import InsertBatcher

Document = dict[str, Any]


@dataclass(frozen=True)
class Mongo:
    """A connected client and the application's database."""

    client: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    batchers: dict[str, InsertBatcher] = field(default_factory=dict, compare=False, repr=False)

    def batched(self, collection: str) -> InsertBatcher:
        """The one insert batcher of `collection` for this client (see storage/insert_batch.py)."""
        batcher = self.batchers.get(collection)
        if batcher is None:
            batcher = self.batchers[collection] = InsertBatcher(self.db[collection])
        return batcher

    async def close(self) -> None:
        await self.client.close()

    async def ping_ms(self) -> float:
        """Round-trip a ping; returns latency in milliseconds."""
        started = time.perf_counter()
        await self.db.command("ping")
        return (time.perf_counter() - started) * 1000


def connect(uri: str, database: str, pool_size: int = 50, timeout_ms: int = 5000) -> Mongo:
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        uri,
        tz_aware=True,
        tzinfo=UTC,
        maxPoolSize=pool_size,
        serverSelectionTimeoutMS=timeout_ms,
        uuidRepresentation="standard",
    )
    options: CodecOptions[Document] = CodecOptions(tz_aware=True, tzinfo=UTC)
    return Mongo(client=client, db=client.get_database(database, codec_options=options))


NOT_DELETED = {"deletedAt": None}

INDEXES: dict[str, list[IndexModel]] = {
    "users": [
        IndexModel(
            [("emailKey", ASCENDING)],
            unique=True,
            name="email_active_unique",
            partialFilterExpression={"active": True},
        ),
        IndexModel(
            [("username", ASCENDING)],
            unique=True,
            name="username_active_unique",
            partialFilterExpression={"active": True},
        ),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="created"),
    ],
    "refresh_tokens": [
        IndexModel([("userId", ASCENDING)], name="user"),
        IndexModel([("familyId", ASCENDING)], name="family"),
        IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0, name="ttl"),
    ],
    "password_resets": [
        IndexModel([("tokenHash", ASCENDING)], unique=True, name="token"),
        IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0, name="ttl"),
    ],
    "audit_logs": [
        IndexModel([("action", ASCENDING)], name="action"),
        IndexModel([("targetType", ASCENDING), ("targetId", ASCENDING)], name="target"),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="created"),
        IndexModel([("actorId", ASCENDING), ("createdAt", DESCENDING)], name="actor"),
    ],
    "usage_counters": [
        IndexModel([("userId", ASCENDING), ("kind", ASCENDING), ("day", ASCENDING)], unique=True, name="key"),
    ],
    "idempotency_keys": [IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0, name="ttl")],
    "rate_limits": [
        IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0, name="ttl"),
    ],
    "runs": [
        IndexModel([("roomId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)], name="room"),
        IndexModel([("createdAt", DESCENDING)], name="created"),
        IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)], name="user"),
    ],
    "submissions": [
        IndexModel([("roomId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)], name="room"),
        IndexModel([("createdAt", DESCENDING)], name="created"),
        IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)], name="user"),
        IndexModel([("problemId", ASCENDING)], name="problem"),
    ],
    "static_analyses": [
        IndexModel([("roomId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)], name="room"),
        IndexModel([("runId", ASCENDING)], name="run", sparse=True),
        IndexModel([("submissionId", ASCENDING)], name="submission", sparse=True),
    ],
    "problems": [
        IndexModel(
            [("titleKey", ASCENDING)],
            unique=True,
            name="title_live_unique",
            partialFilterExpression={"live": True},
        ),
        IndexModel([("slug", ASCENDING)], name="slug"),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="created"),
        IndexModel([("tags", ASCENDING)], name="tags"),
    ],
    "problem_tests": [IndexModel([("problemId", ASCENDING), ("index", ASCENDING)], name="problem")],
    "problem_attempts": [IndexModel([("userId", ASCENDING), ("problemId", ASCENDING)], name="user")],
    "bookmarks": [IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)], name="user")],
    "room_placements": [IndexModel([("host", ASCENDING)], name="host")],
    "rooms": [
        IndexModel(
            [("code", ASCENDING)],
            unique=True,
            name="code_unique",
            partialFilterExpression={"code": {"$type": "string"}},
        ),
        IndexModel([("participantIds", ASCENDING), ("createdAt", DESCENDING)], name="participant"),
        IndexModel(
            [("isPrivate", ASCENDING), ("status", ASCENDING), ("createdAt", DESCENDING)], name="public"
        ),
        IndexModel([("problemId", ASCENDING), ("status", ASCENDING)], name="problem"),
        IndexModel([("createdAt", DESCENDING), ("_id", DESCENDING)], name="created"),
        IndexModel([("hostId", ASCENDING), ("createdAt", DESCENDING)], name="host"),
        IndexModel([("status", ASCENDING), ("finishedAt", DESCENDING)], name="status"),
    ],
    "room_events": [IndexModel([("roomId", ASCENDING), ("seq", ASCENDING)], name="room_seq")],
    "doc_updates": [IndexModel([("roomId", ASCENDING), ("seq", ASCENDING)], name="room_seq")],
    "code_snapshots": [
        IndexModel([("sessionId", ASCENDING), ("createdAt", ASCENDING)], name="session"),
        IndexModel([("roomId", ASCENDING), ("createdAt", DESCENDING)], name="room"),
    ],
    "chat_messages": [IndexModel([("roomId", ASCENDING), ("createdAt", ASCENDING)], name="room")],
    "sessions": [
        IndexModel([("participantIds", ASCENDING), ("finishedAt", DESCENDING)], name="participant"),
        IndexModel([("startedAt", DESCENDING)], name="started"),
        IndexModel(
            [("participantIds", ASCENDING), ("startedAt", DESCENDING), ("_id", DESCENDING)],
            name="participant_started",
        ),
        IndexModel(
            [("participantIds", ASCENDING), ("durationMs", DESCENDING), ("_id", DESCENDING)],
            name="participant_duration",
        ),
    ],
    "peer_feedback": [
        IndexModel(
            [("sessionId", ASCENDING), ("reviewerId", ASCENDING), ("candidateId", ASCENDING)],
            unique=True,
            name="session_pair_unique",
        ),
        IndexModel([("roomId", ASCENDING), ("createdAt", ASCENDING)], name="room"),
    ],
    "match_tickets": [IndexModel([("seq", ASCENDING)], name="seq")],
    "ai_jobs": [
        IndexModel(
            [("roomId", ASCENDING), ("status", ASCENDING), ("createdAt", ASCENDING)], name="room_open"
        ),
        IndexModel(
            [("roomId", ASCENDING), ("userId", ASCENDING), ("kind", ASCENDING), ("completedAt", DESCENDING)],
            name="room_user_kind",
        ),
    ],
    "reports": [
        IndexModel([("sessionId", ASCENDING), ("userId", ASCENDING)], unique=True, name="session_user"),
        IndexModel([("status", ASCENDING), ("requestedAt", ASCENDING)], name="status_requested"),
        IndexModel([("userId", ASCENDING), ("status", ASCENDING), ("generatedAt", DESCENDING)], name="user"),
    ],
    "weaknesses": [IndexModel([("userId", ASCENDING), ("category", ASCENDING)], name="user_category")],
    "ai_messages": [
        IndexModel([("roomId", ASCENDING), ("seq", ASCENDING)], unique=True, name="room_seq"),
        IndexModel([("sessionId", ASCENDING), ("seq", ASCENDING)], name="session"),
    ],
    "recordings": [
        IndexModel(
            [("roomId", ASCENDING)], unique=True, partialFilterExpression={"live": True}, name="room_live"
        ),
        IndexModel([("egressId", ASCENDING)], name="egress"),
        IndexModel([("sessionId", ASCENDING), ("startedAt", DESCENDING)], name="session"),
    ],
    "recording_consents": [IndexModel([("roomId", ASCENDING), ("consent", ASCENDING)], name="room")],
    "media_presence": [IndexModel([("roomId", ASCENDING), ("at", ASCENDING)], name="room_at")],
}


async def ensure_indexes(mongo: Mongo) -> None:
    """Create every index the repositories rely on (idempotent)."""
    for collection, models in INDEXES.items():
        await mongo.db[collection].create_indexes(models)
