"""Audit log: append-only records of security-relevant actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.client import Document, Mongo


@dataclass(frozen=True)
class AuditEntry:
    id: str
    actor_id: str | None
    action: str
    target_type: str
    target_id: str
    metadata: dict[str, Any] | None
    ip_address: str | None
    created_at: datetime


class AuditRepository:
    def __init__(self, mongo: Mongo) -> None:
        self._logs = mongo.db["audit_logs"]

    async def record(self, entry: AuditEntry) -> None:
        await self._logs.insert_one(
            {
                "_id": entry.id,
                "actorId": entry.actor_id,
                "action": entry.action,
                "targetType": entry.target_type,
                "targetId": entry.target_id,
                "metadata": entry.metadata,
                "ipAddress": entry.ip_address,
                "createdAt": entry.created_at,
            }
        )

    async def for_target(self, target_type: str, target_id: str) -> list[AuditEntry]:
        cursor = self._logs.find({"targetType": target_type, "targetId": target_id}).sort("createdAt", 1)
        return [doc_to_entry(d) async for d in cursor]


def doc_to_entry(d: Document) -> AuditEntry:
    return AuditEntry(
        id=d["_id"],
        actor_id=d.get("actorId"),
        action=d["action"],
        target_type=d["targetType"],
        target_id=d["targetId"],
        metadata=d.get("metadata"),
        ip_address=d.get("ipAddress"),
        created_at=d["createdAt"],
    )
