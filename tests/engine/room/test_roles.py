"""Role selection on join (§6.4) and the role configuration check (§6.5)."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, ErrorCode
from engine.room import AssignmentReason, RoomMode, RoomRole, RoomStatus, check_role_config, host_role
from engine.room import select_join_role as select

IV, CA, OB = RoomRole.INTERVIEWER, RoomRole.CANDIDATE, RoomRole.OBSERVER
PEER, AI = RoomMode.PEER, RoomMode.AI
REQ, AUTO, FALL = (
    AssignmentReason.REQUESTED,
    AssignmentReason.AUTO_ASSIGNED,
    AssignmentReason.FALLBACK_OBSERVER,
)


def test_enums_are_the_api_strings() -> None:
    assert [r.value for r in RoomRole] == ["interviewer", "candidate", "observer"]
    assert [m.value for m in RoomMode] == ["peer", "ai"]
    assert [r.value for r in AssignmentReason] == ["requested", "auto-assigned", "fallback-observer"]


def test_host_role_by_mode() -> None:
    assert host_role(PEER) is IV
    assert host_role(AI) is CA


@pytest.mark.parametrize(
    ("mode", "active", "requested", "expected"),
    [
        (PEER, [], None, (IV, AUTO)),
        (PEER, [IV], None, (CA, AUTO)),
        (PEER, [CA], None, (IV, AUTO)),
        (PEER, [IV, CA], None, (OB, FALL)),
        (PEER, [IV, CA, OB], None, (OB, FALL)),
        (AI, [], None, (CA, AUTO)),
        (AI, [CA], None, (OB, FALL)),
        (AI, [OB], None, (CA, AUTO)),
        (PEER, [IV], CA, (CA, REQ)),
        (PEER, [CA], IV, (IV, REQ)),
        (PEER, [IV, CA], OB, (OB, REQ)),
        (AI, [CA], OB, (OB, REQ)),
        (AI, [], CA, (CA, REQ)),
    ],
)
def test_select_join_role_assigns(
    mode: RoomMode,
    active: list[RoomRole],
    requested: RoomRole | None,
    expected: tuple[RoomRole, AssignmentReason],
) -> None:
    assert select(mode, active, requested) == expected


@pytest.mark.parametrize(
    ("mode", "active", "requested", "code"),
    [
        (AI, [], IV, ErrorCode.ROOM_NOT_PEER_MODE),
        (AI, [CA], IV, ErrorCode.ROOM_NOT_PEER_MODE),
        (PEER, [IV], IV, ErrorCode.ROOM_ROLE_UNAVAILABLE),
        (PEER, [CA], CA, ErrorCode.ROOM_ROLE_UNAVAILABLE),
        (AI, [CA], CA, ErrorCode.ROOM_ROLE_UNAVAILABLE),
    ],
)
def test_select_join_role_refuses(
    mode: RoomMode, active: list[RoomRole], requested: RoomRole, code: ErrorCode
) -> None:
    with pytest.raises(Conflict) as info:
        select(mode, active, requested)
    assert info.value.code is code


W, WU, CO = RoomStatus.WAITING, RoomStatus.WARMUP, RoomStatus.CODING


@pytest.mark.parametrize(
    ("mode", "status", "roles", "strict", "ok"),
    [
        (PEER, W, [], False, True),
        (PEER, W, [IV, CA, OB, OB], False, True),
        (PEER, W, [IV, IV], False, False),
        (PEER, W, [CA, CA], False, False),
        (PEER, CO, [IV], False, True),
        (PEER, W, [IV], True, True),
        (PEER, W, [IV, IV], True, False),
        (PEER, WU, [IV, CA], True, True),
        (PEER, WU, [IV, CA, OB], True, True),
        (PEER, WU, [IV], True, False),
        (PEER, WU, [CA, OB], True, False),
        (PEER, CO, [], True, False),
        (AI, W, [CA, OB], False, True),
        (AI, W, [IV], False, False),
        (AI, W, [CA, CA], False, False),
        (AI, WU, [CA], True, True),
        (AI, WU, [OB], True, False),
        (AI, WU, [CA, IV], True, False),
        (AI, W, [], True, True),
    ],
)
def test_check_role_config_strict_and_non_strict(
    mode: RoomMode, status: RoomStatus, roles: list[RoomRole], strict: bool, ok: bool
) -> None:
    if ok:
        check_role_config(mode, status, roles, strict)
        return
    with pytest.raises(Conflict) as info:
        check_role_config(mode, status, roles, strict)
    assert info.value.code is ErrorCode.ROOM_ROLE_CONSTRAINT_VIOLATION
