"""`apply` itself: the dispatch table, purity, `updated_at`, and the aware-`now` contract."""

from __future__ import annotations

import copy
import pickle
from datetime import datetime
from typing import get_args

import pytest

from engine.room import Command, Join, LockEditor, RoomStatus, Transition, apply
from engine.room.aggregate import HANDLERS
from tests.engine.room.scenarios import CAND, CODE, HOST, SESSION, at, in_status, lobby, ready_lobby, run


def test_apply_has_a_handler_for_every_command() -> None:
    assert set(HANDLERS) == set(get_args(Command))


def test_apply_never_mutates_its_input() -> None:
    room = ready_lobby()
    before = copy.deepcopy(room)
    apply(room, Transition(HOST, RoomStatus.WARMUP, session_id=SESSION), at(1))
    assert room == before


def test_apply_stamps_updated_at_only_on_change() -> None:
    room = lobby()
    changed, _ = apply(room, LockEditor(HOST), at(7))
    assert changed.updated_at == at(7)
    same, events = apply(changed, LockEditor(HOST), at(8))
    assert same is changed
    assert events == []


def test_apply_refuses_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        apply(lobby(), Join(CAND, room_code=CODE), datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_room_survives_pickling() -> None:
    room = run(in_status(RoomStatus.CODING), LockEditor(HOST))
    assert pickle.loads(pickle.dumps(room)) == room  # noqa: S301 - round trip of our own object
