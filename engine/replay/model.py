"""What a replay is built from: the edit log's entries and the session's timeline marks.

Invariant: entries are in log order (`seq` ascending) and their times never decrease along it; a mark is
anything else that happened in the session (phase change, run, submission, chat message, snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EditEntry:
    """One accepted Yjs update (or, past the log's cap, the merge of a window's updates)."""

    seq: int
    at_ms: int
    authors: tuple[str, ...]
    update: bytes

    @property
    def author(self) -> str:
        return self.authors[0] if self.authors else ""


@dataclass(frozen=True)
class TimelineMark:
    id: str
    type: str
    at_ms: int
    actor_id: str | None
    data: dict[str, Any] = field(default_factory=dict)
