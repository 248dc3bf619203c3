"""The y-protocols binary wire format, parsed strictly.

Frames: `[0, sub, varUint8Array(payload)]` sync (sub 0 = step 1 with a state vector, 1 = step 2 with an
update, 2 = update) and `[1, varUint8Array(awareness update)]` awareness. Anything else — unknown type,
truncated varints, trailing bytes — is rejected with InvalidInput, so a malformed frame never reaches
the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from engine.errors import ErrorCode, InvalidInput

MAX_VARUINT_BYTES = 10


class FrameKind(IntEnum):
    SYNC_STEP1 = 0
    SYNC_STEP2 = 1
    SYNC_UPDATE = 2
    AWARENESS = 3


@dataclass(frozen=True)
class Frame:
    kind: FrameKind
    payload: bytes

    @property
    def writes(self) -> bool:
        """Step 2 and updates change the document; step 1 and awareness do not."""
        return self.kind in (FrameKind.SYNC_STEP2, FrameKind.SYNC_UPDATE)


def _malformed(why: str) -> InvalidInput:
    return InvalidInput(ErrorCode.COLLAB_INVALID_REQUEST, f"Malformed frame: {why}")


def read_varuint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    for i in range(MAX_VARUINT_BYTES):
        if pos + i >= len(data):
            raise _malformed("truncated varint")
        byte = data[pos + i]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos + i + 1
        shift += 7
    raise _malformed("varint too long")


def write_varuint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    length, pos = read_varuint(data, pos)
    if pos + length > len(data):
        raise _malformed("truncated payload")
    return data[pos : pos + length], pos + length


def parse_frame(data: bytes) -> Frame:
    message_type, pos = read_varuint(data, 0)
    if message_type == 0:
        sub, pos = read_varuint(data, pos)
        if sub > FrameKind.SYNC_UPDATE:
            raise _malformed(f"unknown sync message {sub}")
        payload, pos = read_bytes(data, pos)
        kind = FrameKind(sub)
    elif message_type == 1:
        payload, pos = read_bytes(data, pos)
        kind = FrameKind.AWARENESS
    else:
        raise _malformed(f"unknown message type {message_type}")
    if pos != len(data):
        raise _malformed("trailing bytes")
    return Frame(kind=kind, payload=payload)


def encode(kind: FrameKind, payload: bytes) -> bytes:
    if kind is FrameKind.AWARENESS:
        return b"\x01" + write_varuint(len(payload)) + payload
    return b"\x00" + write_varuint(int(kind)) + write_varuint(len(payload)) + payload


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str
    """The JSON state text; "null" means the client went away."""


def parse_awareness(payload: bytes) -> list[AwarenessEntry]:
    count, pos = read_varuint(payload, 0)
    entries = []
    for _ in range(count):
        client_id, pos = read_varuint(payload, pos)
        clock, pos = read_varuint(payload, pos)
        raw, pos = read_bytes(payload, pos)
        try:
            state = raw.decode()
        except UnicodeDecodeError as exc:
            raise _malformed("awareness state is not UTF-8") from exc
        entries.append(AwarenessEntry(client_id, clock, state))
    if pos != len(payload):
        raise _malformed("trailing awareness bytes")
    return entries


def encode_awareness(entries: list[AwarenessEntry]) -> bytes:
    out = bytearray(write_varuint(len(entries)))
    for entry in entries:
        state = entry.state.encode()
        out += write_varuint(entry.client_id) + write_varuint(entry.clock) + write_varuint(len(state)) + state
    return bytes(out)


def removal(entries: list[AwarenessEntry]) -> bytes:
    """An awareness update announcing that these clients left (state null, clock + 1)."""
    return encode_awareness([AwarenessEntry(e.client_id, e.clock + 1, "null") for e in entries])
