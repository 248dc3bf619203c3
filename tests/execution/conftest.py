"""Sandbox fixtures: the real-sandbox tests need root (to switch to slot uids) and the sandbox tools;
elsewhere they are skipped. Test jobs use their own uids (611xx), never the runner's defaults."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from actors.processes import pids_of_uid
from actors.sandbox import Sandbox, SandboxConfig
from engine.execution.sandbox import MEASURE_TOOL

SESSION_UIDS = tuple(range(61101, 61109))


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "the sandbox must start as root to switch to a slot uid"
    absent = [tool for tool in ("bwrap", "setpriv", "prlimit", MEASURE_TOOL) if shutil.which(tool) is None]
    return f"missing sandbox tools: {absent}" if absent else None


MISSING = _missing()
needs_sandbox = pytest.mark.skipif(MISSING is not None, reason=str(MISSING))


def solo_sandbox(base_dir: Path, uid: int) -> Sandbox:
    """A runner with a single slot, so a test knows which uid its job runs as."""
    return Sandbox(SandboxConfig(uids=(uid,), base_dir=base_dir))


def assert_no_processes(uid: int) -> None:
    assert pids_of_uid(uid) == set(), f"processes of uid {uid} outlived their job"


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    return Sandbox(SandboxConfig(uids=SESSION_UIDS, base_dir=tmp_path_factory.mktemp("sandbox-jobs")))
