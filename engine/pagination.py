"""Opaque keyset cursors: `(sort value, id)` pairs, base64url-encoded JSON.

Invariant: decode(encode(v, i)) == (v, i); anything else given to decode is rejected (the API answers
400 rather than silently restarting at the first page).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from engine.errors import ErrorCode, InvalidInput

CursorValue = str | int | float | None


@dataclass(frozen=True)
class Cursor:
    """Position after the last row of a page."""

    value: CursorValue
    id: str

    @property
    def moment(self) -> datetime:
        """The position of a time-keyed cursor (see `time_cursor`)."""
        return datetime.fromtimestamp(float(self.value or 0) / 1000, tz=UTC)


def encode_cursor(value: CursorValue, row_id: str) -> str:
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def time_cursor(moment: datetime, row_id: str) -> str:
    """A cursor after a row sorted by a timestamp (kept as epoch milliseconds, MongoDB's precision)."""
    return encode_cursor(int(moment.timestamp() * 1000), row_id)


def decode_cursor(token: str) -> Cursor:
    """Parse a cursor made by encode_cursor or raise VALIDATION_FAILED."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, row_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise _invalid() from exc
    if not isinstance(row_id, str) or not row_id or not isinstance(value, str | int | float | None):
        raise _invalid()
    if encode_cursor(value, row_id) != token:
        raise _invalid()
    return Cursor(value=value, id=row_id)


def _invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.VALIDATION_FAILED, "Invalid cursor", {"cursor": "Invalid cursor"})
