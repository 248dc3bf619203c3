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


LOG_MONITOR = {"RAY_LOG_MONITOR_MANY_FILES_THRESHOLD": "0", "LOG_NAME_UPDATE_INTERVAL_S": "5"}
"""Ray's log monitor (it forwards the actors' output to the gateway's terminal) looks for new log files
every 5 s instead of globbing the log directory ten times a second, which cost ~0.8 % of a core on an
idle node; a new actor's first lines reach the terminal up to 5 s later (they are in its log file at
once)."""


def head_env() -> dict[str, str]:
    """The environment of an embedded `ray start --head`: NODE_HEALTH and LOG_MONITOR."""
    return {**node_health_env(), **LOG_MONITOR}
