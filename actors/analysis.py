"""Static analysis: every tool of the language in the sandbox, the duplication scan in process, one
normalised report (`engine.analysis`); and the Ray task that runs a stored analysis job.

A job is a plain dict: jobId, roomId, userId, language, code, source ("run" | "submission" |
"request"), runId | submissionId. The task owns its state (pending -> running -> completed | failed)
and always leaves it final.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import logging
import shutil
import sysconfig
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from actors.room import RoomRuntime
from actors.sandbox import DEFAULT_TYPESCRIPT_DIR, Sandbox, ToolRun, default_sandbox
from engine.analysis import duplication
from engine.analysis.model import Findings, Report, ToolResult, ToolStatus, assemble, rejected
from engine.analysis.tools import (
    ANALYSIS_LIMITS,
    MOUNT_POINTS,
    Mount,
    Tool,
    command,
    judge,
    skipped,
    tools_for,
)
from engine.execution.languages import SPECS, Language, resolve_env, source_file_name, spec_for
from engine.execution.sandbox import SANDBOX_WORK_DIR
from storage.analyses import AnalysisRepository
from storage.client import connect

log = logging.getLogger(__name__)
LIZARD_MODULES: Final = ("lizard", "lizard_core", "lizard_ext", "lizard_languages", "pathspec", "pygments")
Binds = tuple[tuple[str, str], ...]


def _module_path(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin else None


def _ruff() -> Binds | None:
    local = Path(sysconfig.get_path("scripts")) / "ruff"
    found = str(local) if local.is_file() else shutil.which("ruff")
    return ((found, MOUNT_POINTS[Mount.RUFF]),) if found else None


def _lizard() -> Binds | None:
    paths = [_module_path(name) for name in LIZARD_MODULES]
    if any(path is None for path in paths):
        return None
    return tuple((str(path), f"{MOUNT_POINTS[Mount.LIZARD]}/{path.name}") for path in paths if path)


def _dir(path: Path, mount: Mount) -> Binds | None:
    return ((str(path), MOUNT_POINTS[mount]),) if path.is_dir() else None


@functools.cache
def host_binds(typescript_dir: Path | None = DEFAULT_TYPESCRIPT_DIR) -> dict[Mount, Binds | None]:
    """Where this machine keeps each mounted tool (None: not installed)."""
    return {
        Mount.RUFF: _ruff(),
        Mount.LIZARD: _lizard(),
        Mount.TYPESCRIPT: _dir(typescript_dir, Mount.TYPESCRIPT) if typescript_dir else None,
        Mount.NODE_TYPES: _dir(typescript_dir.parent / "@types", Mount.NODE_TYPES)
        if typescript_dir
        else None,
    }


def _binds(tool: Tool, available: dict[Mount, Binds | None]) -> Binds | None:
    binds: list[tuple[str, str]] = []
    for mount in sorted(tool.mounts):
        found = available.get(mount)
        if found is None:
            return None
        binds += found
    return tuple(binds)


def _duplicates(language: Language, source: str) -> tuple[ToolResult, Findings]:
    started = time.perf_counter()
    found = duplication.find(source, language, source_file_name(spec_for(language), source))
    elapsed = round((time.perf_counter() - started) * 1000)
    return ToolResult(duplication.TOOL, ToolStatus.COMPLETED, 0, elapsed), found


async def analyse(language: Language | str, source: str, *, sandbox: Sandbox | None = None) -> Report:
    """Run every analysis tool of `language` over `source` and assemble the report."""
    if language not in SPECS:
        return rejected(f"unsupported language: {language}")
    chosen = Language(language)
    if not source.strip():
        return rejected("no code to analyse")
    box = sandbox or default_sandbox()
    available = host_binds(box.config.typescript_dir)
    tools = tools_for(chosen)
    binds = [_binds(tool, available) for tool in tools]
    runnable = [(tool, b) for tool, b in zip(tools, binds, strict=True) if b is not None]
    runs = await box.run_tools(
        chosen,
        source,
        [
            ToolRun(
                command(tool, chosen, source, SANDBOX_WORK_DIR),
                resolve_env(tool.env, ANALYSIS_LIMITS.memory_mb),
                ANALYSIS_LIMITS,
                b,
            )
            for tool, b in runnable
        ],
    )
    ran = dict(zip((tool.name for tool, _ in runnable), runs, strict=True))
    outcomes = [
        judge(tool, ran[tool.name]) if tool.name in ran else skipped(tool, f"{tool.name} is not installed")
        for tool in tools
    ]
    ran_any = any(result.status is ToolStatus.COMPLETED for result, _ in outcomes)
    error = None if ran_any else "no analysis tool could run"
    return assemble([*outcomes, _duplicates(chosen, source)], error)


def analyse_job(job: dict[str, Any], runtime: RoomRuntime) -> dict[str, Any]:
    """The Ray task body (synchronous entry point)."""
    return asyncio.run(_analyse_job(job, runtime))


async def _analyse_job(job: dict[str, Any], runtime: RoomRuntime) -> dict[str, Any]:
    mongo = connect(runtime.mongo_uri, runtime.database)
    repo = AnalysisRepository(mongo)
    job_id = job["jobId"]
    try:
        await repo.set_running(job_id, datetime.now(UTC))
        try:
            report = await analyse(job["language"], job["code"])
        except Exception as exc:
            log.exception("static analysis failed", extra={"job_id": job_id})
            report = rejected(f"analysis could not run: {type(exc).__name__}")
        payload = report.payload()
        await repo.complete(job_id, payload, datetime.now(UTC))
    finally:
        await mongo.close()
    await _announce(job, payload)
    return payload


async def _announce(job: dict[str, Any], payload: dict[str, Any]) -> None:
    """Tell the room's sockets (`static-analysis-result`)."""
    from actors import deploy

    event = {
        "jobId": job["jobId"],
        "source": job["source"],
        "userId": job["userId"],
        "runId": job.get("runId"),
        "submissionId": job.get("submissionId"),
        "status": payload["status"],
        "summary": payload["summary"],
    }
    await deploy.announce(job["roomId"], "static-analysis-result", event)
