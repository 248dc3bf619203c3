"""The Ray cluster as operators see it: its nodes and the named actors in it (for `syncode status`, the
orphan sweep and health). Plain data out, so no caller above `actors/` touches Ray."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ray

from actors.deploy import NAMESPACE


@dataclass(frozen=True)
class Node:
    node_id: str
    address: str
    alive: bool
    cpus: float
    memory_bytes: int
    labels: dict[str, str]


def nodes() -> list[Node]:
    """Every node Ray knows (dead ones too, until the GCS forgets them). Blocking: run it in a thread."""
    return [_node(raw) for raw in ray.nodes()]  # type: ignore[no-untyped-call]


def _node(raw: dict[str, Any]) -> Node:
    resources = raw.get("Resources") or {}
    return Node(
        node_id=str(raw.get("NodeID", "")),
        address=f"{raw.get('NodeManagerAddress', '?')}:{raw.get('NodeManagerPort', '?')}",
        alive=bool(raw.get("Alive")),
        cpus=float(resources.get("CPU", 0.0)),
        memory_bytes=int(resources.get("memory", 0)),
        labels={str(k): str(v) for k, v in (raw.get("Labels") or {}).items()},
    )


def named_actors() -> list[str]:
    """The names of the live named actors in SynCode's namespace. Blocking: run it in a thread."""
    listed = ray.util.list_named_actors(all_namespaces=True)
    return sorted(str(a["name"]) for a in listed if a.get("namespace") == NAMESPACE)


def connected() -> bool:
    return bool(ray.is_initialized())


def get_actor(name: str) -> Any | None:
    """The handle of the named actor in SynCode's namespace; None when there is none."""
    try:
        return ray.get_actor(name, namespace=NAMESPACE)
    except ValueError:
        return None


def end_actor(name: str) -> None:
    """End the named actor for good (no restart); a missing one is ignored. Blocking."""
    handle = get_actor(name)
    if handle is not None:
        ray.kill(handle, no_restart=True)
