"""Room chat inside the room actor: validated by engine.chat, persisted in MongoDB, published to the
room's outbox (volatile: the messages themselves are the durable record)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from engine.chat.rules import EMOJIS, normalise, toggle_reaction
from storage.chat import ChatRepository

Publish = Callable[[list[tuple[str, dict[str, Any]]]], None]


def _ms() -> int:
    return int(time.time() * 1000)


class RoomChat:
    def __init__(self, room_id: str, repo: ChatRepository, publish: Publish) -> None:
        self._room_id = room_id
        self._repo = repo
        self._publish = publish

    async def history(self) -> dict[str, Any]:
        return {
            "messages": await self._repo.recent(self._room_id),
            "readStates": await self._repo.read_states(self._room_id),
        }

    async def send(self, user_id: str, data: object, message_id: str | None = None) -> dict[str, Any] | None:
        """Store and publish a message. `message_id` (chosen by the gateway) makes a retried send return
        the stored message instead of posting it twice."""
        accepted = normalise(data)
        if accepted is None:
            return None
        if message_id is not None:
            existing = await self._repo.get(self._room_id, message_id)
            if existing is not None:
                return existing
        reply = accepted["replyToMessageId"]
        if reply is not None and await self._repo.get(self._room_id, reply) is None:
            accepted["replyToMessageId"] = None
        now = _ms()
        message = {
            "messageId": message_id or str(uuid.uuid4()),
            "roomId": self._room_id,
            "userId": user_id,
            **accepted,
            "reactions": [],
            "createdAt": now,
            "updatedAt": now,
        }
        await self._repo.add(message)
        read = await self._repo.mark_read(self._room_id, user_id, now)
        self._publish(
            [
                ("chat-message-created", {"message": message}),
                ("chat-read-updated", {"userId": user_id, "lastReadAt": read}),
            ]
        )
        return message

    async def mark_read(self, user_id: str, up_to: object) -> None:
        now = _ms()
        moment = int(up_to) if isinstance(up_to, int | float) else now
        read = await self._repo.mark_read(self._room_id, user_id, max(0, min(moment, now)))
        self._publish([("chat-read-updated", {"userId": user_id, "lastReadAt": read})])

    async def react(self, user_id: str, message_id: object, emoji: object) -> None:
        if not isinstance(message_id, str) or emoji not in EMOJIS:
            return
        message = await self._repo.get(self._room_id, message_id)
        if message is None:
            return
        reactions = toggle_reaction(message.get("reactions", []), str(emoji), user_id)
        now = _ms()
        await self._repo.set_reactions(message_id, reactions, now)
        self._publish(
            [("chat-reaction-updated", {"messageId": message_id, "reactions": reactions, "updatedAt": now})]
        )
