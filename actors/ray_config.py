"""Ray settings of the embedded cluster, importable without importing Ray (the launcher sets up the
environment Ray reads when it is imported)."""

from __future__ import annotations

NODE_HEALTH = {
    "health_check_period_ms": 1000,
    "health_check_timeout_ms": 1000,
    "health_check_failure_threshold": 3,
}
"""How fast the embedded cluster declares a lost node dead (Ray's default is ~15 s: 3 s x 5): its room
hosts are restarted elsewhere only then. Three missed one-second checks; production sets its own (see
ray_cluster.yaml)."""


def node_health_env() -> dict[str, str]:
    """NODE_HEALTH as the environment a `ray start` reads (Ray takes `RAY_<setting>` variables)."""
    return {f"RAY_{k}": str(v) for k, v in NODE_HEALTH.items()}
