"""The only module that calls `ray.remote` / `.options`: connecting, naming and creating actors.

Actors live in namespace `syncode` and are found by name: `room:<roomId>`, `pool:<kind>`.
"""

from __future__ import annotations

import logging
from typing import Any

import ray

from actors.pool import ActorPool
from actors.room import RoomActor

NAMESPACE = "syncode"
log = logging.getLogger(__name__)

_POOLED: dict[str, type] = {"room": RoomActor}


def connect(address: str | None, *, runtime_env: dict[str, Any] | None = None) -> None:
    """Join the Ray cluster at `address` (or start a private local one when None). Idempotent."""
    if ray.is_initialized():
        return
    ray.init(
        address=address or "local",
        namespace=NAMESPACE,
        log_to_driver=False,
        include_dashboard=False if not address else None,
        runtime_env=runtime_env,
        configure_logging=False,
    )
    log.info("ray connected", extra={"address": address or "local"})


def disconnect() -> None:
    if ray.is_initialized():
        ray.shutdown()


def actor_name(kind: str, resource_id: str) -> str:
    return f"{kind}:{resource_id}"


def spawn_pooled(kind: str, resource_id: str, *args: Any, get_if_exists: bool = False) -> Any:
    """Create a detached, restartable actor of `kind` for `resource_id` (the pool's spawn; also used to
    bring back a live room whose actor is gone)."""
    cls = _POOLED[kind]
    return (
        ray.remote(cls)
        .options(
            name=actor_name(kind, resource_id),
            namespace=NAMESPACE,
            lifetime="detached",
            num_cpus=0,
            max_restarts=-1,
            max_concurrency=1000,
        )
        .remote(resource_id, *args)
    )


def kill_named(kind: str, resource_id: str) -> None:
    """End the named actor for good (no restart). Missing actors are ignored."""
    try:
        handle = ray.get_actor(actor_name(kind, resource_id), namespace=NAMESPACE)
    except ValueError:
        return
    ray.kill(handle, no_restart=True)


def get_named(kind: str, resource_id: str) -> Any | None:
    try:
        return ray.get_actor(actor_name(kind, resource_id), namespace=NAMESPACE)
    except ValueError:
        return None


def pool(kind: str, target_idle: int, spawn_args: tuple[Any, ...] = (), probe_interval_s: float = 1.0) -> Any:
    """The shared warm pool actor for `kind` (created on first use, found by name afterwards)."""
    return (
        ray.remote(ActorPool)
        .options(
            name=actor_name("pool", kind),
            namespace=NAMESPACE,
            lifetime="detached",
            num_cpus=0,
            max_restarts=-1,
            get_if_exists=True,
            max_concurrency=1000,
        )
        .remote(kind, target_idle, spawn_pooled, kill_named, probe_interval_s, spawn_args)
    )


def submit_execution(job: dict[str, Any], runtime: Any) -> Any:
    """Queue an execution job as a Ray task (`num_cpus=1`, so the cluster queues what it cannot run)."""
    from actors.execution import execute_job

    return ray.remote(num_cpus=1, max_retries=0)(execute_job).remote(job, runtime)


async def announce(room_id: str, kind: str, event: dict[str, Any]) -> None:
    """Push an event produced outside a room (a job's result) to the room's sockets, best effort: the
    room may have finished meanwhile."""
    handle = get_named("room", room_id)
    if handle is None:
        return
    try:
        await handle.publish_event.remote(kind, event)
    except Exception:  # noqa: BLE001 - an ended room just misses the event
        log.warning("could not announce %s to room %s", kind, room_id)


ANALYSIS_CPUS = 0.5
"""Analysis tools are short and capped per tool (`ANALYSIS_LIMITS`); half a CPU lets one analysis run
beside each execution instead of queueing behind it."""


def submit_analysis(job: dict[str, Any], runtime: Any) -> Any:
    """Queue a static-analysis job as a Ray task."""
    from actors.analysis import analyse_job

    return ray.remote(num_cpus=ANALYSIS_CPUS, max_retries=0)(analyse_job).remote(job, runtime)


def cluster_address() -> str:
    """The GCS address of the connected cluster (what another gateway sets as RAY_ADDRESS)."""
    address: str = ray.get_runtime_context().gcs_address
    return address


# --- matchmaking ---------------------------------------------------------------------------------------
MATCHMAKER = "matchmaker"


def matchmaker(runtime: Any) -> Any:
    """The one matchmaker actor of a database (`matchmaker:<database>`): created on first use, found by
    name afterwards; detached and restartable (it reloads its queue from MongoDB)."""
    from actors.matchmaker import MatchmakerActor

    return (
        ray.remote(MatchmakerActor)
        .options(
            name=actor_name(MATCHMAKER, runtime.database),
            namespace=NAMESPACE,
            lifetime="detached",
            num_cpus=0,
            max_restarts=-1,
            get_if_exists=True,
            max_concurrency=1000,
        )
        .remote(runtime)
    )


# --- the AI interviewer (one detached actor per room that uses AI) -----------------------------------
INTERVIEWER = "interviewer"


def spawn_interviewer(room_id: str, runtime: Any) -> Any:
    """Create (or find, when another gateway just created it) the room's interviewer actor."""
    from actors.interviewer import InterviewerActor

    return (
        ray.remote(InterviewerActor)
        .options(
            name=actor_name(INTERVIEWER, room_id),
            namespace=NAMESPACE,
            lifetime="detached",
            num_cpus=0,
            max_restarts=-1,
            max_concurrency=100,
            get_if_exists=True,
        )
        .remote(room_id, runtime)
    )


def get_interviewer(room_id: str) -> Any | None:
    try:
        return ray.get_actor(actor_name(INTERVIEWER, room_id), namespace=NAMESPACE)
    except ValueError:
        return None


def kill_interviewer(room_id: str) -> None:
    """End the room's interviewer for good (no restart); a missing one is ignored."""
    handle = get_interviewer(room_id)
    if handle is not None:
        ray.kill(handle, no_restart=True)


REPORT_CPUS = 0.5
"""Report generation is offline and short (rubric + prose, well under 2 s); half a CPU as analysis."""


def submit_report(job: dict[str, Any], runtime: Any) -> Any:
    """Queue a training-report generation as a Ray task (`actors.reports.generate_report_job`)."""
    from actors.reports import generate_report_job

    return ray.remote(num_cpus=REPORT_CPUS, max_retries=0)(generate_report_job).remote(job, runtime)
