"""A second Ray node on this machine, joined to the test session's cluster (loopback only), that a test
can lose (its raylet and every worker on it SIGKILLed) or stop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from actors import deploy
from actors.ray_config import node_health_env
from tests import processes


@dataclass
class Node:
    node_id: str
    proc: subprocess.Popen[bytes]

    def descendants(self) -> list[int]:
        """Every process started under this node's `ray start` (raylet, agents, workers)."""
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found, frontier = [], [self.proc.pid]
        while frontier:
            pid = frontier.pop()
            kids = [p for p, ppid in parents.items() if ppid == pid]
            found.extend(kids)
            frontier.extend(kids)
        return found

    def lose(self) -> None:
        """The node dies at once: its raylet and every worker on it are SIGKILLed."""
        victims = self.descendants()
        for pid in [self.proc.pid, *victims]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


async def start_node() -> Node:
    """Start a node with one CPU and a resource only it has; returns once the cluster lists it alive."""
    marker = f"syncode_test_node_{uuid.uuid4().hex[:6]}"
    ray_bin = str(Path(sys.executable).with_name("ray"))
    argv = [
        ray_bin,
        "start",
        f"--address={deploy.cluster_address()}",
        "--num-cpus=1",
        f"--resources={json.dumps({marker: 1})}",
        "--node-ip-address=127.0.0.1",
        "--block",
        "--disable-usage-stats",
    ]
    env = {**os.environ, **node_health_env()}
    proc = processes.spawn(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while True:
        nodes = [n for n in ray.nodes() if n["Alive"] and marker in n["Resources"]]  # type: ignore[no-untyped-call]
        if nodes and marker in ray.available_resources():  # type: ignore[no-untyped-call]  # schedulable
            node = Node(node_id=str(nodes[0]["NodeID"]), proc=proc)
            await _warm(node, deadline - loop.time())
            return node
        assert proc.poll() is None, "ray start exited"
        assert loop.time() < deadline, "the second node never joined"
        await asyncio.sleep(0.2)  # bounded-poll: Ray offers no join event


def _pid() -> int:
    return os.getpid()


async def _warm(node: Node, timeout_s: float) -> None:
    """Run one task pinned to the node (hard affinity): its raylet then has a started worker, so a soft
    affinity placement that follows does not fall back to another node while the node's first worker is
    still starting (CI, on a loaded machine, saw three soft placements in a row land on the head)."""
    strategy = NodeAffinitySchedulingStrategy(node.node_id, soft=False)
    task = ray.remote(num_cpus=0)(_pid).options(scheduling_strategy=strategy)
    pid = await asyncio.wait_for(task.remote(), max(timeout_s, 1.0))
    assert pid in node.descendants(), "the warm-up task ran off the new node"
