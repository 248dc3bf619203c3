"""`/api/health` probes every toolchain the sandbox runs: a missing or broken tool degrades the sandbox
and names the part and the language that fail; the probe is cached."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.execution.languages import SPECS
from gateway.app import create_app
from gateway.services import build_services
from gateway.toolchains import HOST_TOOLS, ToolchainProbe, language_tools
from storage.client import connect
from tests.conftest import make_config

pytestmark = pytest.mark.anyio


def _toolbox(root: Path) -> Path:
    """Every tool the sandbox needs, linked from the real host, except `go` (missing) and `rustc` (a
    program that fails its version probe)."""
    box = root / "bin"
    box.mkdir()
    tools = {t for spec in SPECS.values() for t in language_tools(spec)} | set(HOST_TOOLS)
    for tool in sorted(t for t in tools if not os.path.isabs(t) and t not in {"go", "rustc"}):
        found = shutil.which(tool, path="/usr/bin:/bin")
        assert found is not None, f"{tool} is not installed on this machine"
        (box / tool).symlink_to(found)
    rustc = box / "rustc"
    rustc.write_text("#!/bin/sh\nexit 3\n")
    rustc.chmod(0o755)
    return box


@pytest.fixture
async def broken_box_client(mongo_uri: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    config = make_config(mongo_uri, health_toolchain_path=str(_toolbox(tmp_path)))
    app = create_app(config, with_ray=False)
    mongo = connect(config.mongodb_uri, config.settings.mongodb_database)
    app.state.services = build_services(config, mongo)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
    await mongo.close()


async def test_health_sandbox_degraded_names_missing_and_broken_toolchains(
    broken_box_client: httpx.AsyncClient,
) -> None:
    response = await broken_box_client.get("/api/health")
    assert response.status_code == 503
    body: dict[str, Any] = response.json()
    assert (body["status"], body["services"]["sandbox"], body["services"]["database"]) == (
        "degraded",
        "fail",
        "ok",
    )
    sandbox = body["details"]["sandbox"]
    assert set(sandbox["failing"]) == {"tool:go", "tool:rustc", "language:go", "language:rust"}
    assert sandbox["languages"]["go"] == "go not found"
    assert sandbox["languages"]["rust"] == "rustc exited with 3"
    assert {k for k, v in sandbox["languages"].items() if v == "ok"} == {lang.value for lang in SPECS} - {
        "go",
        "rust",
    }
    assert "language:go" in sandbox["error"] and "language:rust" in sandbox["error"]


async def test_health_sandbox_ok_lists_every_language(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/health")).json()
    assert body["services"]["sandbox"] == "ok", body["details"]["sandbox"]
    assert body["details"]["sandbox"]["languages"] == {lang.value: "ok" for lang in SPECS}
    assert body["details"]["ray"]["nodesAlive"] >= 1
    assert body["details"]["ai"] == body["details"]["ai"] | {"mode": "offline", "configured": False}


async def test_toolchain_probe_is_cached(tmp_path: Path) -> None:
    box = _toolbox(tmp_path)
    probe = ToolchainProbe(path=str(box), cache_s=3600)
    first = await probe.check()
    (box / "go").symlink_to(shutil.which("go", path="/usr/bin:/bin") or "/usr/bin/go")
    assert await probe.check() is first  # within the cache window the tools are not run again
    fresh = await ToolchainProbe(path=str(box), cache_s=0).check()
    assert "tool:go" not in fresh["failing"] and "tool:go" in first["failing"]
