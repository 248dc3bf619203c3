"""The status table: every (current, target) pair, allowed or refused."""

from __future__ import annotations

import itertools

import pytest

from engine.errors import ErrorCode, InvalidInput
from engine.room import TRANSITIONS, RoomStatus, check_transition

W, WU, C, WR, F = (
    RoomStatus.WAITING,
    RoomStatus.WARMUP,
    RoomStatus.CODING,
    RoomStatus.WRAPUP,
    RoomStatus.FINISHED,
)
ALLOWED = {(W, WU), (W, F), (WU, C), (WU, F), (C, WR), (C, F), (WR, F)}
PAIRS = list(itertools.product(RoomStatus, RoomStatus))


def test_status_values_are_the_api_strings() -> None:
    assert [s.value for s in RoomStatus] == ["waiting", "warmup", "coding", "wrapup", "finished"]


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_check_transition_follows_the_table(current: RoomStatus, target: RoomStatus) -> None:
    if (current, target) in ALLOWED:
        check_transition(current, target)
        assert target in TRANSITIONS[current]
        return
    with pytest.raises(InvalidInput) as info:
        check_transition(current, target)
    assert info.value.code is ErrorCode.ROOM_INVALID_TRANSITION
    assert info.value.details == {"from": current.value, "to": target.value}


def test_transitions_table_covers_every_status_and_finished_absorbs() -> None:
    assert set(TRANSITIONS) == set(RoomStatus)
    assert TRANSITIONS[F] == frozenset()
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
