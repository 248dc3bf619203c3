"""ChangeLanguage, SelectProblem, UpdateSettings, LockEditor/UnlockEditor, and the run/submit guard."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput
from engine.room import (
    Capability,
    ChangeLanguage,
    EditorLockChanged,
    Join,
    LanguageChanged,
    Leave,
    LockEditor,
    ProblemChanged,
    RoomMode,
    RoomRole,
    RoomSettings,
    RoomStatus,
    SelectProblem,
    SettingsChanged,
    UnlockEditor,
    UpdateSettings,
    apply,
    authorize_code_action,
)
from tests.engine.room.scenarios import (
    CAND,
    CODE,
    HOST,
    OBS,
    STRANGER,
    at,
    in_status,
    lobby,
    make_room,
    refused,
    role_of,
    run,
)


def test_change_language_by_participant_with_capability() -> None:
    room, events = apply(lobby(), ChangeLanguage(CAND, "go"), at(1))
    assert room.language == "go"
    assert events == [LanguageChanged("python", "go", CAND, at(1))]
    assert apply(room, ChangeLanguage(HOST, "go"), at(2)) == (room, [])


def test_change_language_allowed_until_finished() -> None:
    assert run(in_status(RoomStatus.WRAPUP), ChangeLanguage(HOST, "rust")).language == "rust"


def test_change_language_by_host_observer() -> None:
    room = run(lobby(RoomMode.AI), Join(CAND, room_code=CODE))
    room = run(room, Leave(HOST), Leave(OBS), Join(OBS, room_code=CODE), Join(HOST))
    assert role_of(room, HOST) is RoomRole.OBSERVER
    assert run(room, ChangeLanguage(HOST, "java")).language == "java"


def test_change_language_refusals() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE))
    refused(room, ChangeLanguage(OBS, "go"), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, ChangeLanguage(STRANGER, "go"), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(run(room, Leave(CAND)), ChangeLanguage(CAND, "go"), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(room, ChangeLanguage(CAND, "cobol"), InvalidInput, ErrorCode.VALIDATION_FAILED)
    done = in_status(RoomStatus.FINISHED)
    refused(done, ChangeLanguage(HOST, "go"), InvalidInput, ErrorCode.ROOM_INVALID_STATE)


@pytest.mark.parametrize("status", [RoomStatus.WAITING, RoomStatus.WARMUP])
def test_select_problem_by_host_before_coding(status: RoomStatus) -> None:
    room, events = apply(in_status(status), SelectProblem(HOST, "p-2"), at(1))
    assert room.problem_id == "p-2"
    assert events == [ProblemChanged("p-1", "p-2", HOST, at(1))]
    assert apply(room, SelectProblem(HOST, "p-2"), at(2)) == (room, [])


@pytest.mark.parametrize("status", [RoomStatus.CODING, RoomStatus.WRAPUP, RoomStatus.FINISHED])
def test_select_problem_refused_from_coding_on(status: RoomStatus) -> None:
    refused(in_status(status), SelectProblem(HOST, "p-2"), InvalidInput, ErrorCode.ROOM_INVALID_STATE)


def test_select_problem_refused_without_capability() -> None:
    refused(lobby(), SelectProblem(CAND, "p-2"), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(lobby(), SelectProblem(STRANGER, "p-2"), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)


def test_update_settings_by_host_merges_given_fields() -> None:
    room, events = apply(lobby(), UpdateSettings(HOST, max_participants=5, is_private=False), at(1))
    expected = RoomSettings("Mock", 5, 120, False)
    assert room.settings == expected
    assert events == [SettingsChanged(expected, HOST, at(1))]
    room = run(room, UpdateSettings(HOST, name="Renamed", max_duration_min=45))
    assert room.settings == RoomSettings("Renamed", 5, 45, False)
    assert run(room, UpdateSettings(HOST, clear_name=True)).settings.name is None
    assert apply(room, UpdateSettings(HOST, name="Renamed"), at(2)) == (room, [])


@pytest.mark.parametrize(
    "command",
    [
        UpdateSettings(HOST, max_participants=1),
        UpdateSettings(HOST, max_participants=9),
        UpdateSettings(HOST, max_duration_min=0),
        UpdateSettings(HOST, name="n" * 101),
        UpdateSettings(HOST, name="n", clear_name=True),
    ],
)
def test_update_settings_rejects_out_of_bounds(command: UpdateSettings) -> None:
    refused(lobby(), command, InvalidInput, ErrorCode.VALIDATION_FAILED)


def test_update_settings_capacity_not_below_active_count() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE))
    refused(room, UpdateSettings(HOST, max_participants=2), InvalidInput, ErrorCode.VALIDATION_FAILED)
    assert run(room, Leave(OBS), UpdateSettings(HOST, max_participants=2)).settings.max_participants == 2


def test_update_settings_refusals() -> None:
    refused(lobby(), UpdateSettings(CAND, name="x"), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(lobby(), UpdateSettings(STRANGER, name="x"), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(in_status(RoomStatus.FINISHED), UpdateSettings(HOST, name="x"), Conflict, ErrorCode.ROOM_FINISHED)


def test_lock_editor_is_idempotent() -> None:
    room, events = apply(in_status(RoomStatus.CODING), LockEditor(HOST), at(1))
    assert room.editor_locked
    assert events == [EditorLockChanged(True, HOST, at(1))]
    assert apply(room, LockEditor(HOST), at(2)) == (room, [])
    room, events = apply(room, UnlockEditor(HOST), at(3))
    assert not room.editor_locked
    assert events == [EditorLockChanged(False, HOST, at(3))]
    assert apply(room, UnlockEditor(HOST), at(4)) == (room, [])


def test_lock_editor_refusals() -> None:
    room = lobby()
    refused(room, LockEditor(CAND), Forbidden, ErrorCode.ROOM_PERMISSION_DENIED)
    refused(room, UnlockEditor(STRANGER), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(run(room, Leave(HOST)), LockEditor(HOST), Forbidden, ErrorCode.ROOM_ACCESS_DENIED)
    refused(in_status(RoomStatus.FINISHED), LockEditor(HOST), Conflict, ErrorCode.ROOM_FINISHED)


def test_authorize_code_action_checks_activity_lock_then_capability() -> None:
    room = run(lobby(), Join(OBS, room_code=CODE))
    assert authorize_code_action(room, CAND, Capability.CODE_RUN).user_id == CAND
    with pytest.raises(Forbidden) as denied:
        authorize_code_action(room, OBS, Capability.CODE_RUN)
    assert denied.value.code is ErrorCode.ROOM_PERMISSION_DENIED
    with pytest.raises(Conflict) as locked:
        authorize_code_action(run(room, LockEditor(HOST)), OBS, Capability.CODE_SUBMIT)
    assert locked.value.code is ErrorCode.ROOM_EDITOR_LOCKED
    with pytest.raises(Forbidden) as outsider:
        authorize_code_action(make_room(), STRANGER, Capability.CODE_RUN)
    assert outsider.value.code is ErrorCode.ROOM_ACCESS_DENIED
