"""One sandboxed process through the runner: exact output caps, and failures of the sandbox itself
(a missing tool, a failed bwrap setup) reported as system errors rather than the program's fault."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from actors.processes import execute
from actors.sandbox import Sandbox, SandboxConfig, detect_layout, run_once
from engine.execution.languages import Language
from engine.execution.limits import MIB, Limits
from engine.execution.sandbox import HostFds, ProcessLimits, SandboxStep, host_argv
from engine.execution.verdicts import Verdict, case_verdict
from tests.execution.conftest import assert_no_processes, needs_sandbox

pytestmark = [pytest.mark.anyio, needs_sandbox]

CAP_LIMITS = Limits(time_ms=5000, memory_mb=128, output_bytes=1000)


@pytest.mark.parametrize(
    ("stream", "size", "verdict"),
    [
        ("stdout", 1000, Verdict.ACCEPTED),
        ("stdout", 1001, Verdict.OUTPUT_LIMIT_EXCEEDED),
        ("stderr", 1000, Verdict.ACCEPTED),
        ("stderr", 1001, Verdict.OUTPUT_LIMIT_EXCEEDED),
    ],
)
async def test_output_cap_is_exact_per_stream(
    sandbox: Sandbox, stream: str, size: int, verdict: Verdict
) -> None:
    source = f"import sys\nsys.{stream}.write('x' * {size})\n"
    result = await run_once(Language.PYTHON, source, "", CAP_LIMITS, sandbox=sandbox)
    case = result.cases[0]
    assert case.verdict is verdict
    assert case.execution is not None
    assert len(getattr(case.execution, stream)) == min(size, 1000)
    assert getattr(case.execution, f"{stream}_truncated") is (size > 1000)


def _step(work: Path, command: tuple[str, ...], uid: int) -> SandboxStep:
    caps = ProcessLimits(cpu_s=2, processes=16, file_bytes=MIB, open_files=64, data_bytes=64 * MIB)
    return SandboxStep(command, (), str(work), False, uid, uid, caps, MIB)


async def _execute(step: SandboxStep) -> Verdict:
    layout = detect_layout(None)

    def argv_for(fds: HostFds) -> list[str]:
        return host_argv(step, layout, fds, None)

    limits = Limits(time_ms=1000, memory_mb=64)
    run = await execute(argv_for, b"", step.uid, limits)
    assert run.sandbox_error is not None, run
    return case_verdict(run, limits, None)


async def test_execute_reports_a_missing_tool_as_a_system_error(tmp_path: Path) -> None:
    uid = 61127
    os.chown(tmp_path, uid, uid)
    step = _step(tmp_path, ("no-such-compiler", "main.x"), uid)
    assert await _execute(step) is Verdict.SYSTEM_ERROR
    assert_no_processes(uid)


async def test_execute_reports_a_failed_sandbox_setup_as_a_system_error(tmp_path: Path) -> None:
    step = _step(tmp_path / "missing", ("true",), 61128)
    assert await _execute(step) is Verdict.SYSTEM_ERROR


async def test_typescript_without_its_compiler_is_a_system_error(tmp_path: Path) -> None:
    sandbox = Sandbox(SandboxConfig(uids=(61129,), base_dir=tmp_path, typescript_dir=tmp_path / "absent"))
    result = await run_once(Language.TYPESCRIPT, "console.log(1);\n", sandbox=sandbox)
    assert result.verdict is Verdict.SYSTEM_ERROR
    assert result.compile.execution is not None
    assert "make bootstrap" in str(result.compile.execution.sandbox_error)
