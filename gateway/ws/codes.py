"""Websocket close codes (the reference's, plus our resync code)."""

from __future__ import annotations

from typing import Final

NORMAL: Final = 1000
MALFORMED: Final = 1007
"""A binary frame that is not valid y-protocols: the sender is closed, the room is unaffected."""
UNAUTHORIZED: Final = 4001
KICKED: Final = 4002
ROOM_CLOSED: Final = 4003
ROOM_NOT_FOUND: Final = 4004
FORBIDDEN: Final = 4007
ALREADY_CONNECTED: Final = 4009
RESYNC: Final = 4011
"""The socket fell too far behind (its send buffer overflowed): reconnect to get a fresh state."""
RATE_LIMITED: Final = 4029
