"""Peer feedback rules, pure: who rates whom, when, and who sees what (see docs/DECISIONS.md "Peer
feedback").

Raters: participants of the room's session (seated when it left `waiting`) whose session role is
interviewer or candidate and who were never removed from the room. Each rater may rate each other rater
once, after the room finished, in peer rooms only. `allSubmitted` is true once every rater has rated every
other rater; before that a non-admin sees only what they wrote, after it a rater also sees what was
written about them. Admins see everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from engine.room import RoomMode, RoomRole, RoomStatus
from engine.room.access import member
from engine.room.state import Room


class Rated(Protocol):
    @property
    def reviewer_id(self) -> str: ...

    @property
    def candidate_id(self) -> str: ...


F = TypeVar("F", bound=Rated)


@dataclass(frozen=True)
class Scope:
    """A room with its session: the session id (None before it started), session roles, the raters."""

    room: Room
    session_id: str | None
    roles: Mapping[str, str]
    raters: tuple[str, ...]


def scope_of(room: Room, session_id: str | None, roles: Mapping[str, str]) -> Scope:
    """`roles`: each session participant's role when the session started."""
    if session_id is None:
        return Scope(room=room, session_id=None, roles={}, raters=())
    raters = tuple(uid for uid, role in roles.items() if role != RoomRole.OBSERVER and _kept(room, uid))
    return Scope(room=room, session_id=session_id, roles=roles, raters=raters)


def _kept(room: Room, user_id: str) -> bool:
    row = room.participant(user_id)
    return row is not None and not row.is_removed


def _open_for_rating(scope: Scope) -> bool:
    room = scope.room
    return room.status is RoomStatus.FINISHED and room.mode is RoomMode.PEER and scope.session_id is not None


def all_submitted(scope: Scope, feedback: Sequence[Rated]) -> bool:
    if scope.room.status is not RoomStatus.FINISHED:
        return False
    done = {(f.reviewer_id, f.candidate_id) for f in feedback}
    return all((a, b) in done for a in scope.raters for b in scope.raters if a != b)


def visible(scope: Scope, feedback: Sequence[F], user_id: str, is_admin: bool, done: bool) -> list[F]:
    if is_admin:
        return list(feedback)
    about_me = done and user_id in scope.raters
    return [f for f in feedback if f.reviewer_id == user_id or (about_me and f.candidate_id == user_id)]


def pending(scope: Scope, mine: Sequence[Rated], user_id: str) -> list[str]:
    """The raters `user_id` may rate right now and has not rated yet."""
    if not _open_for_rating(scope) or user_id not in scope.raters:
        return []
    rated = {f.candidate_id for f in mine}
    return [uid for uid in scope.raters if uid != user_id and uid not in rated]


def check_submit(scope: Scope, reviewer_id: str, candidate_id: str) -> str:
    """Every refusal of a submit, in the room guards' order; the session id to file it under."""
    room = scope.room
    member(room, reviewer_id)
    if room.status is not RoomStatus.FINISHED:
        raise Conflict(ErrorCode.FEEDBACK_ROOM_NOT_FINISHED, "Feedback opens when the room has finished")
    if room.mode is not RoomMode.PEER:
        raise Conflict(ErrorCode.ROOM_NOT_PEER_MODE, "Peer feedback exists only in peer rooms")
    if scope.session_id is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "This room never started an interview session")
    if candidate_id == reviewer_id:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, "You cannot rate yourself", {"candidateId": "Cannot be yourself"}
        )
    _check_reviewer(scope, reviewer_id)
    _check_candidate(scope, candidate_id)
    return scope.session_id


def _check_reviewer(scope: Scope, reviewer_id: str) -> None:
    role = scope.roles.get(reviewer_id)
    if role is None:
        raise Forbidden(ErrorCode.SESSION_NOT_PARTICIPANT, "You were not in this room's interview session")
    if role == RoomRole.OBSERVER:
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Observers do not give peer feedback")


def _check_candidate(scope: Scope, candidate_id: str) -> None:
    role = scope.roles.get(candidate_id)
    if role is None or not _kept(scope.room, candidate_id):
        raise NotFound(ErrorCode.PARTICIPANT_NOT_FOUND, "The candidate was not a participant of this session")
    if role == RoomRole.OBSERVER:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, "Observers cannot be rated", {"candidateId": "Is an observer"}
        )
