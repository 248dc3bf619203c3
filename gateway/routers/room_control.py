"""Room control: phase transitions, problem selection, settings, editor lock, timer, role swaps."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from engine.errors import ErrorCode, NotFound
from engine.room import (
    LockEditor,
    PauseTimer,
    RequestRoleSwap,
    RespondRoleSwap,
    ResumeTimer,
    RoomStatus,
    SelectProblem,
    Transition,
    UnlockEditor,
    UpdateSettings,
)
from gateway.deps import ServicesDep, UserDep
from gateway.room_deps import RoomsDep
from gateway.room_views import room_detail
from gateway.schemas.common import ERROR_RESPONSES
from gateway.schemas.rooms import (
    EditorLockResponse,
    RoleSwapRespondRequest,
    RoleSwapView,
    RoomDetail,
    RoomTransitionResponse,
    SelectProblemRequest,
    SettingsRequest,
    TimerStateResponse,
    TransitionRequest,
)

router = APIRouter(prefix="/rooms/{room_id}/control", tags=["rooms"], responses=ERROR_RESPONSES)


@router.post("/transition", summary="Advance room phase")
async def transition(
    room_id: uuid.UUID, body: TransitionRequest, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> RoomTransitionResponse:
    before = await rooms.state(str(room_id))
    outcome = await rooms.execute(str(room_id), Transition(user.id, RoomStatus(body.targetStatus)))
    return RoomTransitionResponse(
        roomId=outcome.room.id,
        previousStatus=before.status.value,
        currentStatus=outcome.room.status.value,
        transitionedAt=services.now(),
        transitionedBy=user.id,
        sessionId=outcome.room.session_id,
    )


@router.put("/problem", summary="Select or change the problem")
async def select_problem(
    room_id: uuid.UUID, body: SelectProblemRequest, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> RoomDetail:
    problem = await services.problems.get(body.problemId)
    if problem is None or not problem.is_published:
        raise NotFound(ErrorCode.PROBLEM_NOT_FOUND, "Problem not found")
    outcome = await rooms.execute(str(room_id), SelectProblem(user.id, problem.id))
    await rooms.client.seed_document(outcome.room.id, dict(problem.starter_code))
    return await room_detail(services, outcome.room, user.id, await rooms.presence(outcome.room.id))


@router.patch("/settings", summary="Update room settings")
async def settings(
    room_id: uuid.UUID, body: SettingsRequest, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> RoomDetail:
    fields = body.model_fields_set
    command = UpdateSettings(
        user.id,
        name=body.name or None,
        max_participants=body.maxParticipants,
        max_duration_min=body.maxDuration,
        is_private=body.isPrivate,
        clear_name="name" in fields and not body.name,
    )
    outcome = await rooms.execute(str(room_id), command)
    return await room_detail(services, outcome.room, user.id, await rooms.presence(outcome.room.id))


async def _lock(
    room_id: uuid.UUID, user_id: str, rooms: RoomsDep, services: ServicesDep, lock: bool
) -> EditorLockResponse:
    command = LockEditor(user_id) if lock else UnlockEditor(user_id)
    outcome = await rooms.execute(str(room_id), command)
    changed = any(e.type == "editor-lock" for e in outcome.events)
    at, by = (services.now(), user_id) if changed else (None, None)
    return EditorLockResponse(
        roomId=outcome.room.id,
        editorLocked=outcome.room.editor_locked,
        changed=changed,
        lockedAt=at if lock else None,
        lockedBy=by if lock else None,
        unlockedAt=None if lock else at,
        unlockedBy=None if lock else by,
    )


@router.post("/lock-editor", summary="Lock code editor, run, and submit")
async def lock_editor(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> EditorLockResponse:
    return await _lock(room_id, user.id, rooms, services, lock=True)


@router.post("/unlock-editor", summary="Unlock code editor, run, and submit")
async def unlock_editor(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> EditorLockResponse:
    return await _lock(room_id, user.id, rooms, services, lock=False)


async def _timer(
    room_id: uuid.UUID, command: PauseTimer | ResumeTimer, rooms: RoomsDep, services: ServicesDep
) -> TimerStateResponse:
    room = (await rooms.execute(str(room_id), command)).room
    return TimerStateResponse(
        roomId=room.id, timerPaused=room.timer.paused, elapsedMs=room.elapsed_ms_at(services.now())
    )


@router.post("/pause-timer", summary="Pause the coding timer")
async def pause_timer(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> TimerStateResponse:
    return await _timer(room_id, PauseTimer(user.id), rooms, services)


@router.post("/resume-timer", summary="Resume the coding timer")
async def resume_timer(
    room_id: uuid.UUID, user: UserDep, services: ServicesDep, rooms: RoomsDep
) -> TimerStateResponse:
    return await _timer(room_id, ResumeTimer(user.id), rooms, services)


@router.post("/role-swap", status_code=201, summary="Request a role swap (peer mode)")
async def request_swap(room_id: uuid.UUID, user: UserDep, rooms: RoomsDep) -> RoleSwapView:
    outcome = await rooms.execute(str(room_id), RequestRoleSwap(user.id, str(uuid.uuid4())))
    swap = outcome.room.role_swap
    assert swap is not None  # noqa: S101 - the request succeeded
    return RoleSwapView(
        swapId=swap.swap_id,
        requestedBy=swap.requested_by,
        targetUserId=swap.target_user_id,
        requestedAt=swap.requested_at,
        expiresAt=swap.expires_at,
    )


@router.post("/role-swap/{swap_id}/respond", summary="Accept or decline a role swap request")
async def respond_swap(
    room_id: uuid.UUID,
    swap_id: uuid.UUID,
    body: RoleSwapRespondRequest,
    user: UserDep,
    services: ServicesDep,
    rooms: RoomsDep,
) -> RoomDetail:
    outcome = await rooms.execute(str(room_id), RespondRoleSwap(user.id, str(swap_id), body.accept))
    return await room_detail(services, outcome.room, user.id, await rooms.presence(outcome.room.id))
