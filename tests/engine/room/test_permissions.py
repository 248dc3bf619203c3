"""The permission matrix (§6.8): every capability for every role, with and without the host flag."""

from __future__ import annotations

import itertools

import pytest

from engine.room import HOST_OVERRIDE, ROLE_CAPABILITIES, Capability, RoomRole, capabilities

# The reference table, written out independently of the implementation: capability -> (I, C, O, host adds).
MATRIX: dict[str, tuple[bool, bool, bool, bool]] = {
    "code:view": (True, True, True, False),
    "code:edit": (True, True, False, False),
    "code:run": (True, True, False, False),
    "code:submit": (True, True, False, False),
    "code:change-language": (True, True, False, True),
    "whiteboard:view": (True, True, True, False),
    "whiteboard:draw": (True, True, False, False),
    "whiteboard:annotate": (True, True, True, False),
    "media:audio": (True, True, False, False),
    "media:video": (True, True, False, False),
    "media:screenshare": (True, True, False, False),
    "chat:send": (True, True, True, False),
    "room:change-phase": (True, False, False, True),
    "room:select-problem": (False, False, False, True),
    "room:settings": (False, False, False, True),
    "participant:invite": (False, False, False, True),
    "participant:kick": (False, False, False, True),
    "participant:assign-role": (False, False, False, True),
    "recording:toggle": (False, False, False, True),
    "recording:replay": (True, True, True, True),
    "ai:request-hint": (True, True, False, False),
    "ai:request-review": (True, False, False, False),
}
ROLE_COLUMN = {RoomRole.INTERVIEWER: 0, RoomRole.CANDIDATE: 1, RoomRole.OBSERVER: 2}
CASES = list(itertools.product(MATRIX, RoomRole, [False, True]))


def test_capability_values_are_the_22_api_strings() -> None:
    assert [c.value for c in Capability] == list(MATRIX)
    assert len(Capability) == 22


@pytest.mark.parametrize(
    ("capability", "role", "is_host"), CASES, ids=[f"{c}-{r}-{'host' if h else 'guest'}" for c, r, h in CASES]
)
def test_capabilities_match_the_matrix(capability: str, role: RoomRole, is_host: bool) -> None:
    row = MATRIX[capability]
    expected = row[ROLE_COLUMN[role]] or (is_host and row[3])
    assert (Capability(capability) in capabilities(role, is_host)) is expected


def test_host_override_is_the_host_column() -> None:
    assert {c.value for c in HOST_OVERRIDE} == {c for c, row in MATRIX.items() if row[3]}
    assert set(ROLE_CAPABILITIES) == set(RoomRole)
