"""The room document's layout and the operations on it (pycrdt, no I/O).

Layout (as the reference): a `Y.Text` named `code:<language>` per language, a `Y.Map` `inlineComments`
and a `Y.Map` `whiteboard`. Starter code is seeded only into texts that are empty, so re-seeding never
overwrites what people typed.
"""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, Map, Text
from pycrdt import get_state as update_state
from pycrdt import merge_updates as merge_crdt_updates

from engine.errors import ErrorCode, InvalidInput

EMPTY_UPDATE = b"\x00\x00"


def text_name(language: str) -> str:
    return f"code:{language}"


def new_document(snapshot: bytes | None = None) -> Doc[Any]:
    doc: Doc[Any] = Doc()
    doc.get("inlineComments", type=Map)
    doc.get("whiteboard", type=Map)
    if snapshot:
        apply_update(doc, snapshot)
    return doc


def seed_starter(doc: Doc[Any], starter: dict[str, str]) -> bytes | None:
    """Fill empty language texts with starter code; returns the resulting update (None if nothing)."""
    before = doc.get_state()
    with doc.transaction():
        for language, code in sorted(starter.items()):
            text = doc.get(text_name(language), type=Text)
            if len(text) == 0 and code:
                text.insert(0, code)
    update: bytes = doc.get_update(before)
    return None if update == EMPTY_UPDATE else update


def apply_update(doc: Doc[Any], update: bytes) -> None:
    """Apply a peer's update; a corrupt update is rejected without touching the document."""
    if update == EMPTY_UPDATE:
        return
    try:
        doc.apply_update(update)
    except Exception as exc:
        raise InvalidInput(ErrorCode.COLLAB_INVALID_REQUEST, "Malformed document update") from exc


def check_update(update: bytes) -> None:
    """Refuse an update that does not decode (without any document): a gateway relays only updates
    every peer can apply."""
    try:
        update_state(update)
    except Exception as exc:
        raise InvalidInput(ErrorCode.COLLAB_INVALID_REQUEST, "Malformed document update") from exc


def merge_updates(updates: list[bytes]) -> bytes:
    """One update with the effect of all of them (each already applied, so each is well-formed)."""
    return updates[0] if len(updates) == 1 else merge_crdt_updates(*updates)


def code_of(doc: Doc[Any], language: str | None) -> str:
    if not language:
        return ""
    return str(doc.get(text_name(language), type=Text))


def lines_of_code(code: str) -> int:
    """Non-blank lines."""
    return sum(1 for line in code.splitlines() if line.strip())


def full_update(doc: Doc[Any]) -> bytes:
    update: bytes = doc.get_update()
    return update
