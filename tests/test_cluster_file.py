"""ray_cluster.yaml is a valid Ray cluster-launcher file that installs the project and starts the gateway."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import ray.autoscaler
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _cluster() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "ray_cluster.yaml").read_text())
    return data


def test_cluster_file_validates_against_ray_schema() -> None:
    schema = json.loads((Path(ray.autoscaler.__file__).parent / "ray-schema.json").read_text())
    jsonschema.validate(_cluster(), schema)


def test_cluster_file_installs_project_and_starts_gateway() -> None:
    cluster = _cluster()
    assert {"head", "worker"} <= set(cluster["available_node_types"])
    setup = " ".join(cluster["setup_commands"])
    for needed in ("bubblewrap", "golang-go", "pip install", "typescript"):
        assert needed in setup
    head = " ".join(cluster["head_start_ray_commands"])
    assert "ray start --head" in head
    assert "syncode serve" in head
    assert head.index("ray start --head") < head.index("syncode serve")
