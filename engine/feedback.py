"""Peer feedback rules, pure: who rates whom, when, what resolves a pair, and who sees what (see
docs/DECISIONS.md "Peer feedback").

Raters: participants of the room's session (seated when it left `waiting`) whose session role is
interviewer or candidate and who were never removed from the room. Each rater resolves each other rater
once the session finished, in peer sessions only: by submitting feedback (final) or by skipping (a later
submit overrides the skip; a skip never overrides a submit). `allSubmitted` is true once every ordered
pair of raters is resolved (vacuously in AI sessions); before that a non-admin sees only the feedback
they wrote, after it everyone who may read sees all of it. Skipped rows are never shown. Admins see
everything.

Two refusal vocabularies: the room routes (`check_submit`, our design) and the session routes
(`check_session_write`, the reference's codes).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from engine.errors import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound
from engine.room import RoomMode, RoomRole, RoomStatus
from engine.room.access import member
from engine.room.state import Room


class FeedbackStatus(StrEnum):
    """A stored row's state (a row exists once the pair is resolved)."""

    SUBMITTED = "submitted"
    SKIPPED = "skipped"


class TargetState(StrEnum):
    """A pair's state in the reviewer's progress."""

    PENDING = "pending"
    SUBMITTED = "submitted"
    SKIPPED = "skipped"


class Rated(Protocol):
    @property
    def reviewer_id(self) -> str: ...

    @property
    def candidate_id(self) -> str: ...

    @property
    def status(self) -> FeedbackStatus: ...


F = TypeVar("F", bound=Rated)


@dataclass(frozen=True)
class Scope:
    """A session as feedback sees it: its id (None: the room never started one), whether it finished,
    whether it is a peer session, each participant's session role, and the raters."""

    session_id: str | None
    finished: bool
    peer: bool
    roles: Mapping[str, str]
    raters: tuple[str, ...]
    removed: frozenset[str] = frozenset()


def session_scope(
    session_id: str | None, finished: bool, peer: bool, roles: Mapping[str, str], removed: Collection[str]
) -> Scope:
    """`roles`: each session participant's role when the session started; `removed`: users removed
    from the room (they neither give nor receive)."""
    if session_id is None:
        return Scope(session_id=None, finished=finished, peer=peer, roles={}, raters=())
    raters = tuple(uid for uid, role in roles.items() if role != RoomRole.OBSERVER and uid not in removed)
    return Scope(session_id, finished, peer, roles, raters, frozenset(removed))


def scope_of(room: Room, session_id: str | None, roles: Mapping[str, str]) -> Scope:
    """The scope of a room (its live state decides finished, mode and removals)."""
    removed = {p.user_id for p in room.participants if p.is_removed}
    finished, peer = room.status is RoomStatus.FINISHED, room.mode is RoomMode.PEER
    return session_scope(session_id, finished, peer, roles, removed)


def _open(scope: Scope) -> bool:
    return scope.finished and scope.peer and scope.session_id is not None


def all_submitted(scope: Scope, feedback: Sequence[Rated]) -> bool:
    """Every ordered pair of raters resolved (submitted or skipped); true in finished AI sessions."""
    if not scope.finished:
        return False
    if not scope.peer:
        return True
    done = {(f.reviewer_id, f.candidate_id) for f in feedback}
    return all((a, b) in done for a in scope.raters for b in scope.raters if a != b)


def visible(feedback: Sequence[F], user_id: str, is_admin: bool, done: bool) -> list[F]:
    """The submitted feedback `user_id` may read: everything for admins and once `done`, else their own."""
    submitted = [f for f in feedback if f.status is FeedbackStatus.SUBMITTED]
    if is_admin or done:
        return submitted
    return [f for f in submitted if f.reviewer_id == user_id]


def progress(scope: Scope, feedback: Sequence[F], user_id: str) -> list[tuple[str, F | None]]:
    """Each other rater `user_id` is expected to resolve, with the row that resolved it (None: pending);
    empty for non-raters and sessions not open for feedback."""
    if not _open(scope) or user_id not in scope.raters:
        return []
    mine = {f.candidate_id: f for f in feedback if f.reviewer_id == user_id}
    return [(uid, mine.get(uid)) for uid in scope.raters if uid != user_id]


def state_of(row: Rated | None) -> TargetState:
    if row is None:
        return TargetState.PENDING
    return TargetState.SUBMITTED if row.status is FeedbackStatus.SUBMITTED else TargetState.SKIPPED


def pending(scope: Scope, feedback: Sequence[Rated], user_id: str) -> list[str]:
    """The raters `user_id` may still submit feedback about now (skipped ones included)."""
    return [
        uid for uid, row in progress(scope, feedback, user_id) if state_of(row) is not TargetState.SUBMITTED
    ]


def unresolved(scope: Scope, feedback: Sequence[Rated], user_id: str) -> list[str]:
    """The raters `user_id` has neither submitted nor skipped (what skip-all skips)."""
    return [uid for uid, row in progress(scope, feedback, user_id) if row is None]


def check_submit(room: Room, scope: Scope, reviewer_id: str, candidate_id: str) -> str:
    """Every refusal of a submit through the room route, in the room guards' order; the session id."""
    member(room, reviewer_id)
    if room.status is not RoomStatus.FINISHED:
        raise Conflict(ErrorCode.FEEDBACK_ROOM_NOT_FINISHED, "Feedback opens when the room has finished")
    if room.mode is not RoomMode.PEER:
        raise Conflict(ErrorCode.ROOM_NOT_PEER_MODE, "Peer feedback exists only in peer rooms")
    if scope.session_id is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "This room never started an interview session")
    _check_not_self(reviewer_id, candidate_id)
    _check_reviewer(scope, reviewer_id)
    _check_candidate(scope, candidate_id)
    return scope.session_id


def check_session_write(scope: Scope, reviewer_id: str, candidate_id: str | None = None) -> str:
    """Every refusal of a submit or skip through the session routes (the reference's codes; no
    `candidate_id`: skip-all); the session id."""
    if not scope.finished or scope.session_id is None:
        raise NotFound(ErrorCode.SESSION_NOT_FOUND, "Session not found")
    if not scope.peer:
        raise Forbidden(ErrorCode.ROOM_NOT_PEER_MODE, "Peer feedback exists only in peer sessions")
    if reviewer_id not in scope.raters:
        raise Forbidden(ErrorCode.FORBIDDEN, "Only the session's interviewers and candidates give feedback")
    if candidate_id is not None:
        _check_not_self(reviewer_id, candidate_id)
        if candidate_id not in scope.raters:
            raise Forbidden(
                ErrorCode.FORBIDDEN, "Feedback is only about the session's interviewers and candidates"
            )
    return scope.session_id


def _check_not_self(reviewer_id: str, candidate_id: str) -> None:
    if candidate_id == reviewer_id:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, "You cannot rate yourself", {"candidateId": "Cannot be yourself"}
        )


def _check_reviewer(scope: Scope, reviewer_id: str) -> None:
    role = scope.roles.get(reviewer_id)
    if role is None:
        raise Forbidden(ErrorCode.SESSION_NOT_PARTICIPANT, "You were not in this room's interview session")
    if role == RoomRole.OBSERVER:
        raise Forbidden(ErrorCode.ROOM_PERMISSION_DENIED, "Observers do not give peer feedback")


def _check_candidate(scope: Scope, candidate_id: str) -> None:
    role = scope.roles.get(candidate_id)
    if role is None or candidate_id in scope.removed:
        raise NotFound(ErrorCode.PARTICIPANT_NOT_FOUND, "The candidate was not a participant of this session")
    if role == RoomRole.OBSERVER:
        raise InvalidInput(
            ErrorCode.VALIDATION_FAILED, "Observers cannot be rated", {"candidateId": "Is an observer"}
        )
