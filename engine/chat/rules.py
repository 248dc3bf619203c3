"""Chat message rules as the reference: text trimmed and cut at 4,000 characters, mentions and
attachments filtered to their allowed shapes, four reaction emojis toggled per user."""

from __future__ import annotations

from typing import Any

MAX_TEXT = 4000
EMOJIS = ("👍", "🔥", "✅", "💡")
MENTION_KINDS = {"user", "ai"}
ATTACHMENT_KINDS = {"image", "video", "audio", "file"}


def _mentions(raw: object) -> list[dict[str, Any]]:
    items = raw if isinstance(raw, list) else []
    kept = []
    for m in items[:20]:
        if (
            isinstance(m, dict)
            and m.get("kind") in MENTION_KINDS
            and isinstance(m.get("value"), str)
            and m["value"]
        ):
            entry: dict[str, Any] = {"kind": m["kind"], "value": m["value"][:100]}
            if isinstance(m.get("userId"), str):
                entry["userId"] = m["userId"]
            kept.append(entry)
    return kept


def _attachment_ok(a: object) -> bool:
    if not isinstance(a, dict) or a.get("kind") not in ATTACHMENT_KINDS:
        return False
    url = a.get("url")
    size = a.get("sizeBytes")
    return (
        isinstance(a.get("key"), str)
        and isinstance(url, str)
        and url.startswith(("http://", "https://"))
        and isinstance(a.get("fileName"), str)
        and isinstance(a.get("mimeType"), str)
        and isinstance(size, int | float)
        and size > 0
    )


def normalise(data: object) -> dict[str, Any] | None:
    """The accepted parts of a `chat-send` payload, or None when there is nothing to send."""
    if not isinstance(data, dict):
        return None
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    text = str(text).strip()[:MAX_TEXT]
    raw_attachments = data.get("attachments")
    attachments = [
        a for a in (raw_attachments if isinstance(raw_attachments, list) else [])[:10] if _attachment_ok(a)
    ]
    if not text and not attachments:
        return None
    reply = data.get("replyToMessageId")
    return {
        "text": text,
        "mentions": _mentions(data.get("mentions")),
        "attachments": attachments,
        "replyToMessageId": reply if isinstance(reply, str) else None,
    }


def toggle_reaction(reactions: list[dict[str, Any]], emoji: str, user_id: str) -> list[dict[str, Any]]:
    """Add or remove `user_id` under `emoji`; empty reactions disappear; sorted by emoji."""
    table = {r["emoji"]: list(r["userIds"]) for r in reactions}
    users = table.setdefault(emoji, [])
    if user_id in users:
        users.remove(user_id)
    else:
        users.append(user_id)
    return [{"emoji": e, "userIds": u} for e, u in sorted(table.items()) if u]
