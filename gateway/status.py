"""`syncode status`: what an operator asks first — Ray's nodes, the SynCode actors on them, live rooms,
open execution jobs and the database's health — gathered once and rendered as plain text.

Works against a running `syncode up` (the embedded Ray head on `SYNCODE_EMBEDDED_RAY_PORT`, joined with
the data dir's token) or a cluster (`RAY_ADDRESS`, `SYNCODE_MONGODB_URI`). Gathering never fails as a
whole: a part that cannot be read is reported with its error.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from actors import cluster
from storage.client import Mongo
from storage.ops import OpsReader


@dataclass
class Status:
    nodes: list[cluster.Node] = field(default_factory=list)
    actors: dict[str, int] = field(default_factory=dict)
    live_rooms: int | None = None
    executions: dict[tuple[str, str, str], int] = field(default_factory=dict)
    database_ms: float | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.errors and any(node.alive for node in self.nodes)


def actor_kinds(names: list[str]) -> dict[str, int]:
    """How many named actors of each kind (the part of the name before the first colon)."""
    return dict(sorted(Counter(name.split(":", 1)[0] for name in names).items()))


async def gather(mongo: Mongo) -> Status:
    status, ops = Status(), OpsReader(mongo)
    steps: dict[str, Any] = {
        "ray nodes": lambda: asyncio.to_thread(cluster.nodes),
        "ray actors": lambda: asyncio.to_thread(cluster.named_actors),
        "database": mongo.ping_ms,
        "rooms": ops.live_rooms,
        "executions": ops.open_executions,
    }
    for part, step in steps.items():
        try:
            found = await step()
        except Exception as exc:  # noqa: BLE001 - report the part that failed, keep the rest
            status.errors[part] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        _store(status, part, found)
    return status


def _store(status: Status, part: str, found: Any) -> None:
    if part == "ray nodes":
        status.nodes = found
    elif part == "ray actors":
        status.actors = actor_kinds(found)
    elif part == "database":
        status.database_ms = float(found)
    elif part == "rooms":
        status.live_rooms = int(found)
    else:
        status.executions = found


def render(status: Status) -> str:
    alive = sum(node.alive for node in status.nodes)
    lines = [f"ray nodes  {alive} alive of {len(status.nodes)}"]
    for node in status.nodes:
        memory = node.memory_bytes / 2**30
        state = "alive" if node.alive else "dead"
        lines.append(
            f"  {node.node_id[:12]}  {node.address:<21} {state:<5} {node.cpus:g} cpu {memory:.1f} GiB"
        )
    kinds = ", ".join(f"{kind} {count}" for kind, count in status.actors.items()) or "none"
    lines.append(f"actors     {kinds}")
    lines.append(f"live rooms {status.live_rooms if status.live_rooms is not None else '?'}")
    queued = sum(n for (_, s, _), n in status.executions.items() if s == "queued")
    running = sum(n for (_, s, _), n in status.executions.items() if s == "running")
    lines.append(f"executions queued {queued}, running {running}")
    for (kind, state, language), count in sorted(status.executions.items()):
        lines.append(f"  {kind:<10} {state:<8} {language:<10} {count}")
    database = f"ok ({status.database_ms:.1f} ms ping)" if status.database_ms is not None else "fail"
    lines.append(f"database   {database}")
    lines.extend(f"error      {part}: {reason}" for part, reason in status.errors.items())
    return "\n".join(lines)
