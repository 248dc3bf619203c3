"""Room capabilities: the reference permission matrix (§6.8) as data.

Invariant: a participant's capabilities are exactly `ROLE_CAPABILITIES[role]`, plus `HOST_OVERRIDE` when
they are the host. Nothing else grants a capability.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from engine.room.roles import RoomRole


class Capability(StrEnum):
    CODE_VIEW = "code:view"
    CODE_EDIT = "code:edit"
    CODE_RUN = "code:run"
    CODE_SUBMIT = "code:submit"
    CODE_CHANGE_LANGUAGE = "code:change-language"
    WHITEBOARD_VIEW = "whiteboard:view"
    WHITEBOARD_DRAW = "whiteboard:draw"
    WHITEBOARD_ANNOTATE = "whiteboard:annotate"
    MEDIA_AUDIO = "media:audio"
    MEDIA_VIDEO = "media:video"
    MEDIA_SCREENSHARE = "media:screenshare"
    CHAT_SEND = "chat:send"
    ROOM_CHANGE_PHASE = "room:change-phase"
    ROOM_SELECT_PROBLEM = "room:select-problem"
    ROOM_SETTINGS = "room:settings"
    PARTICIPANT_INVITE = "participant:invite"
    PARTICIPANT_KICK = "participant:kick"
    PARTICIPANT_ASSIGN_ROLE = "participant:assign-role"
    RECORDING_TOGGLE = "recording:toggle"
    RECORDING_REPLAY = "recording:replay"
    AI_REQUEST_HINT = "ai:request-hint"
    AI_REQUEST_REVIEW = "ai:request-review"


_C = Capability

_OBSERVER: Final = frozenset(
    {_C.CODE_VIEW, _C.WHITEBOARD_VIEW, _C.WHITEBOARD_ANNOTATE, _C.CHAT_SEND, _C.RECORDING_REPLAY}
)
_CANDIDATE: Final = _OBSERVER | {
    _C.CODE_EDIT,
    _C.CODE_RUN,
    _C.CODE_SUBMIT,
    _C.CODE_CHANGE_LANGUAGE,
    _C.WHITEBOARD_DRAW,
    _C.MEDIA_AUDIO,
    _C.MEDIA_VIDEO,
    _C.MEDIA_SCREENSHARE,
    _C.AI_REQUEST_HINT,
}

ROLE_CAPABILITIES: Final[dict[RoomRole, frozenset[Capability]]] = {
    RoomRole.INTERVIEWER: _CANDIDATE | {_C.ROOM_CHANGE_PHASE, _C.AI_REQUEST_REVIEW},
    RoomRole.CANDIDATE: _CANDIDATE,
    RoomRole.OBSERVER: _OBSERVER,
}

HOST_OVERRIDE: Final[frozenset[Capability]] = frozenset(
    {
        _C.CODE_CHANGE_LANGUAGE,
        _C.ROOM_CHANGE_PHASE,
        _C.ROOM_SELECT_PROBLEM,
        _C.ROOM_SETTINGS,
        _C.PARTICIPANT_INVITE,
        _C.PARTICIPANT_KICK,
        _C.PARTICIPANT_ASSIGN_ROLE,
        _C.RECORDING_TOGGLE,
        _C.RECORDING_REPLAY,
    }
)


def capabilities(role: RoomRole, is_host: bool) -> frozenset[Capability]:
    """The resolved capability set (`resolveRoomPermissions(role, {isHost})`)."""
    granted = ROLE_CAPABILITIES[role]
    return granted | HOST_OVERRIDE if is_host else granted
