"""Room scenarios for the room tests: a clock origin, user names, and rooms at each point of their life."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import DomainError, ErrorCode
from engine.room import (
    Command,
    Event,
    Join,
    Room,
    RoomMode,
    RoomRole,
    RoomSettings,
    RoomStatus,
    SetReady,
    Transition,
    apply,
    new_room,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HOST = "u-host"
CAND = "u-cand"
OBS = "u-obs"
OTHER = "u-other"
STRANGER = "u-stranger"
CODE = "ABC234"
SESSION = "s-1"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def make_room(
    mode: RoomMode = RoomMode.PEER,
    *,
    private: bool = True,
    max_participants: int = 4,
    language: str | None = "python",
    max_duration_min: int = 120,
) -> Room:
    settings = RoomSettings(
        name="Mock", max_participants=max_participants, max_duration_min=max_duration_min, is_private=private
    )
    return new_room("r-1", CODE, mode, HOST, settings, T0, problem_id="p-1", language=language)


def run(room: Room, *commands: Command, now: datetime = T0) -> Room:
    """Apply commands in order at `now`, returning the final room."""
    for command in commands:
        room, _ = apply(room, command, now)
    return room


def events_of(room: Room, command: Command, now: datetime = T0) -> tuple[Room, list[Event]]:
    return apply(room, command, now)


def refused(
    room: Room, command: Command, kind: type[DomainError], code: ErrorCode, now: datetime = T0
) -> None:
    with pytest.raises(kind) as info:
        apply(room, command, now)
    assert type(info.value) is kind
    assert info.value.code is code


def lobby(mode: RoomMode = RoomMode.PEER, *, private: bool = True, language: str | None = "python") -> Room:
    """Host plus a candidate (peer) or an observer (AI), nobody ready yet."""
    room = make_room(mode, private=private, language=language)
    joiner = CAND if mode is RoomMode.PEER else OBS
    return run(room, Join(joiner, room_code=CODE))


def ready_lobby(mode: RoomMode = RoomMode.PEER) -> Room:
    room = run(lobby(mode), SetReady(HOST, True))
    return run(room, SetReady(CAND, True)) if mode is RoomMode.PEER else room


_ROUTE: dict[RoomStatus, tuple[RoomStatus, ...]] = {
    RoomStatus.WAITING: (),
    RoomStatus.WARMUP: (RoomStatus.WARMUP,),
    RoomStatus.CODING: (RoomStatus.WARMUP, RoomStatus.CODING),
    RoomStatus.WRAPUP: (RoomStatus.WARMUP, RoomStatus.CODING, RoomStatus.WRAPUP),
    RoomStatus.FINISHED: (RoomStatus.FINISHED,),
}


def in_status(status: RoomStatus, mode: RoomMode = RoomMode.PEER, now: datetime = T0) -> Room:
    """A ready room driven by the host from waiting to `status` (every step at `now`)."""
    room = ready_lobby(mode)
    for target in _ROUTE[status]:
        room = run(room, Transition(HOST, target, session_id=SESSION), now=now)
    return room


def role_of(room: Room, user_id: str) -> RoomRole:
    found = room.participant(user_id)
    assert found is not None
    return found.role
