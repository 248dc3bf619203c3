"""The only module that calls `ray.remote` / `.options`: connecting, naming and creating actors.

Actors live in namespace `syncode` and are found by name: `roomhost:<database>:<n>` (room hosts, see
actors/room_host.py and actors/placement.py), `matchmaker:<database>`, `interviewer:<roomId>`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from actors.ray_config import NODE_HEALTH
from actors.room_host import HostConfig, RoomHost

NAMESPACE = "syncode"
log = logging.getLogger(__name__)
ROOM_HOST = "roomhost"
HOST_CONCURRENCY = 20_000
"""Calls one host serves at once: a long poll per room per gateway plus commands (all async)."""
HOSTS_LIST_TTL_S = 1.0
_hosts_listed: tuple[float, list[str]] = (0.0, [])


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
        _system_config=None if address else NODE_HEALTH,
    )
    log.info("ray connected", extra={"address": address or "local"})


def disconnect() -> None:
    if ray.is_initialized():
        ray.shutdown()


def actor_name(kind: str, resource_id: str) -> str:
    return f"{kind}:{resource_id}"


# --- room hosts -------------------------------------------------------------------------------------
def host_name(database: str, index: int) -> str:
    return f"{ROOM_HOST}:{database}:{index}"


def spawn_host(config: HostConfig, node_id: str | None = None) -> Any:
    """Start (or find, when another gateway just started it) the named room host: detached and
    restartable, so Ray brings it back (on another node if its node is lost). Hosts are spread over the
    cluster's nodes (`SPREAD`), or preferably on `node_id` when given (a drain moving rooms off a node;
    soft, so Ray can still restart it elsewhere when that node is lost)."""
    global _hosts_listed
    _hosts_listed = (0.0, [])
    strategy: Any = "SPREAD" if node_id is None else NodeAffinitySchedulingStrategy(node_id, soft=True)
    return (
        ray.remote(RoomHost)
        .options(
            name=config.name,
            namespace=NAMESPACE,
            lifetime="detached",
            num_cpus=0,
            max_restarts=-1,
            max_concurrency=HOST_CONCURRENCY,
            get_if_exists=True,
            scheduling_strategy=strategy,
        )
        .remote(config)
    )


def room_hosts(database: str | None = None) -> list[str]:
    """Names of the room hosts (of one database, or all), by number; listed at most once a second."""
    global _hosts_listed
    listed_at, names = _hosts_listed
    if time.monotonic() - listed_at > HOSTS_LIST_TTL_S:
        names = [n for n in ray.util.list_named_actors() if n.startswith(f"{ROOM_HOST}:")]
        _hosts_listed = (time.monotonic(), names)
    prefix = f"{ROOM_HOST}:{database}:" if database is not None else f"{ROOM_HOST}:"
    chosen = [n for n in names if n.startswith(prefix)]
    return sorted(chosen, key=_host_order)


def _host_order(name: str) -> tuple[str, int, str]:
    """By database, then number; a name that does not end in a number (not one this code made) last."""
    head, _, tail = name.rpartition(":")
    return head, int(tail) if tail.isdigit() else sys.maxsize, tail


def alive_nodes() -> list[str]:
    """Ids of the cluster's live nodes."""
    return [str(n["NodeID"]) for n in ray.nodes() if n.get("Alive")]  # type: ignore[no-untyped-call]


def get_actor(name: str) -> Any | None:
    try:
        return ray.get_actor(name, namespace=NAMESPACE)
    except ValueError:
        return None


def kill_actor(name: str) -> None:
    """End the named actor for good (no restart). Missing actors are ignored."""
    handle = get_actor(name)
    if handle is not None:
        ray.kill(handle, no_restart=True)
    global _hosts_listed
    _hosts_listed = (0.0, [])


def submit_execution(job: dict[str, Any], runtime: Any) -> Any:
    """Queue an execution job as a Ray task (`num_cpus=1`, so the cluster queues what it cannot run)."""
    from actors.execution import execute_job

    return ray.remote(num_cpus=1, max_retries=0)(execute_job).remote(job, runtime)


async def announce(room_id: str, kind: str, event: dict[str, Any]) -> None:
    """Push an event produced outside a room (a job's result) to the room's sockets, best effort: the
    room may have finished meanwhile. Told to every room host; only the one holding the room in memory
    publishes it (a room out of memory has no sockets to tell)."""
    handles = [h for h in (get_actor(n) for n in room_hosts()) if h is not None]
    replies = await asyncio.gather(
        *(h.announce.remote(room_id, kind, event) for h in handles), return_exceptions=True
    )
    if not any(r is True for r in replies):
        log.info("no live room %s for %s", room_id, kind)


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
