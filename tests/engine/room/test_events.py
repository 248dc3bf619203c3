"""Event payloads: websocket names, camelCase keys, JSON-ready values."""

from __future__ import annotations

import json
import pickle
import re
from typing import get_args

import pytest

from engine.room import (
    AssignmentReason,
    EditorLockChanged,
    Event,
    LanguageChanged,
    LeaveReason,
    OwnershipTransferred,
    Participant,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantReady,
    ParticipantRemoved,
    ParticipantUpdated,
    PhaseChanged,
    ProblemChanged,
    RoleSwapRequested,
    RoleSwapResolved,
    RoomClosed,
    RoomRole,
    RoomSettings,
    RoomStatus,
    SessionStarted,
    SettingsChanged,
    SwapOutcome,
    TimerChanged,
)
from tests.engine.room.scenarios import CAND, HOST, T0, at

STAMP = "2026-01-05T09:00:00.000Z"
SAMPLES: list[tuple[Event, str, dict[str, object]]] = [
    (
        ParticipantJoined(CAND, RoomRole.CANDIDATE, AssignmentReason.AUTO_ASSIGNED, None, False, T0),
        "participant-joined",
        {
            "userId": CAND,
            "role": "candidate",
            "assignmentReason": "auto-assigned",
            "requestedRole": None,
            "rejoined": False,
            "at": STAMP,
        },
    ),
    (
        ParticipantLeft(CAND, LeaveReason.DISCONNECTED, T0),
        "participant-left",
        {"userId": CAND, "reason": "disconnected", "at": STAMP},
    ),
    (ParticipantReady(CAND, True, T0), "participant-ready", {"userId": CAND, "isReady": True, "at": STAMP}),
    (ParticipantRemoved(CAND, HOST, T0), "participant-removed", {"userId": CAND, "by": HOST, "at": STAMP}),
    (
        ParticipantUpdated(CAND, RoomRole.CANDIDATE, RoomRole.OBSERVER, True, False, HOST, T0),
        "participant-updated",
        {
            "userId": CAND,
            "previousRole": "candidate",
            "role": "observer",
            "isMuted": True,
            "isReady": False,
            "by": HOST,
            "at": STAMP,
        },
    ),
    (
        PhaseChanged(RoomStatus.WARMUP, RoomStatus.CODING, T0, HOST),
        "phase-change",
        {
            "phase": "coding",
            "previousPhase": "warmup",
            "previous": "warmup",
            "current": "coding",
            "at": STAMP,
            "by": HOST,
        },
    ),
    (
        SessionStarted("s-1", (Participant(HOST, RoomRole.INTERVIEWER, T0),), T0),
        "session-started",
        {
            "sessionId": "s-1",
            "participants": [{"userId": HOST, "role": "interviewer", "joinedAt": STAMP}],
            "at": STAMP,
        },
    ),
    (
        EditorLockChanged(True, HOST, T0),
        "editor-lock",
        {"locked": True, "lockedBy": HOST, "editorLocked": True, "by": HOST, "at": STAMP},
    ),
    (
        LanguageChanged(None, "go", HOST, T0),
        "language-change",
        {"previous": None, "language": "go", "changedBy": HOST, "by": HOST, "at": STAMP},
    ),
    (
        ProblemChanged("p-1", "p-2", HOST, T0),
        "problem-change",
        {"previous": "p-1", "problemId": "p-2", "by": HOST, "at": STAMP},
    ),
    (
        SettingsChanged(RoomSettings("Mock", 3, 60, False), HOST, T0),
        "settings-change",
        {
            "name": "Mock",
            "config": {"maxParticipants": 3, "maxDuration": 60, "isPrivate": False},
            "by": HOST,
            "at": STAMP,
        },
    ),
    (
        TimerChanged(True, 1_500, HOST, T0),
        "timer",
        {"paused": True, "elapsedMs": 1_500, "by": HOST, "at": STAMP},
    ),
    (
        RoleSwapRequested("w-1", HOST, CAND, T0, at(60)),
        "role-swap-requested",
        {
            "swapId": "w-1",
            "requestedBy": HOST,
            "targetUserId": CAND,
            "at": STAMP,
            "expiresAt": "2026-01-05T09:01:00.000Z",
        },
    ),
    (
        RoleSwapResolved("w-1", SwapOutcome.EXPIRED, HOST, CAND, "system", T0),
        "role-swap-resolved",
        {
            "swapId": "w-1",
            "outcome": "expired",
            "requestedBy": HOST,
            "targetUserId": CAND,
            "by": "system",
            "at": STAMP,
        },
    ),
    (
        OwnershipTransferred(HOST, CAND, HOST, T0),
        "ownership-transferred",
        {"previousHostId": HOST, "currentHostId": CAND, "by": HOST, "at": STAMP},
    ),
    (RoomClosed("idle", "system", T0), "room-closed", {"reason": "idle", "by": "system", "at": STAMP}),
]


@pytest.mark.parametrize(("event", "name", "payload"), SAMPLES, ids=[name for _, name, _ in SAMPLES])
def test_event_payload_is_json_ready_camel_case(event: Event, name: str, payload: dict[str, object]) -> None:
    assert event.type == name
    assert event.payload() == payload
    assert json.loads(json.dumps(event.payload())) == payload
    assert all(re.fullmatch(r"[a-z][A-Za-z]*", key) for key in payload)
    assert pickle.loads(pickle.dumps(event)) == event  # noqa: S301 - round trip of our own object


def test_event_samples_cover_every_event_type() -> None:
    assert {type(event) for event, _, _ in SAMPLES} == set(get_args(Event))
