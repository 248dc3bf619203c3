"""Which tools analyse each language, their sandbox command lines, and how a finished tool is judged.

Every tool runs in the execution sandbox (untrusted code must never reach a compiler or linter outside
it: `#include "/etc/shadow"` would print the file in a diagnostic). Tools that are not under /usr are
bind-mounted read-only at the paths in `MOUNT_POINTS`.

Judgement (`judge`): a tool *failed* when the sandbox could not start it, it timed out, it was killed,
its output could not be read, or it exited non-zero with no findings; otherwise it *completed*, whatever
it found. A tool whose files are missing on this machine is *skipped*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from engine.analysis import parsers
from engine.analysis.model import Findings, ToolResult, ToolStatus
from engine.execution.languages import (
    SANDBOX_TMP,
    TYPESCRIPT_DIR,
    Argv,
    Env,
    Language,
    placeholder_values,
    resolve,
    spec_for,
)
from engine.execution.limits import MIB, Limits
from engine.execution.measurement import Execution

ERROR_TAIL_CHARS: Final = 500
ANALYSIS_LIMITS: Final = Limits(
    time_ms=15_000,
    memory_mb=768,
    wall_ms=20_000,
    output_bytes=256 * 1024,
    processes=256,
    open_files=512,
    file_bytes=64 * MIB,
    tmp_bytes=256 * MIB,
)
"""Per tool: trusted tools on untrusted input (reference: 15 s per tool, 256 KiB of output)."""

RUFF_RULES: Final = "E4,E7,E9,F,B,PLE"
"""pyflakes, pycodestyle's error classes, bugbear and pylint's error checks: findings a reviewer acts on,
not formatting."""


class Mount(StrEnum):
    RUFF = "ruff"
    LIZARD = "lizard"
    TYPESCRIPT = "typescript"
    NODE_TYPES = "node-types"


MOUNT_POINTS: Final[Mapping[Mount, str]] = {
    Mount.RUFF: "/opt/analysis/ruff",
    Mount.LIZARD: "/opt/analysis/lizard",
    Mount.TYPESCRIPT: TYPESCRIPT_DIR,
    Mount.NODE_TYPES: "/opt/analysis/types",
}

_GO_ENV: Final[Env] = (
    ("GOCACHE", f"{SANDBOX_TMP}/go-cache"),
    ("GOPATH", f"{SANDBOX_TMP}/go"),
    ("GO111MODULE", "off"),
    ("CGO_ENABLED", "0"),
)
_LIZARD_LANGUAGES: Final[Mapping[Language, str]] = {
    Language.PYTHON: "python",
    Language.JAVASCRIPT: "javascript",
    Language.TYPESCRIPT: "typescript",
    Language.JAVA: "java",
    Language.CPP: "cpp",
    Language.C: "cpp",
    Language.GO: "go",
    Language.RUST: "rust",
}


@dataclass(frozen=True)
class Tool:
    """One analysis tool: its argv template (placeholders as in `engine.execution.languages`), its env,
    the mounts it needs, and the reader of its output."""

    name: str
    argv: Argv
    reader: parsers.Reader
    env: Env = ()
    mounts: frozenset[Mount] = frozenset()


def _lizard(language: Language) -> Tool:
    script = f"{MOUNT_POINTS[Mount.LIZARD]}/lizard.py"
    argv = ("python3", "-B", "-s", "-E", script, "--csv", "-l", _LIZARD_LANGUAGES[language], "{source}")
    return Tool("lizard", argv, parsers.lizard, mounts=frozenset({Mount.LIZARD}))


_RUFF: Final = Tool(
    "ruff",
    (
        *(MOUNT_POINTS[Mount.RUFF], "check", "--no-cache", "--isolated", "--output-format", "json"),
        *("--target-version", "py311", "--select", RUFF_RULES, "{source}"),
    ),
    parsers.ruff,
    mounts=frozenset({Mount.RUFF}),
)
_TSC: Final = Tool(
    "tsc",
    (
        *(
            "node",
            "--max-old-space-size={memory_mb}",
            "{typescript}/bin/tsc",
            "--noEmit",
            "--pretty",
            "false",
        ),
        *("--lib", "es2022", "--target", "es2022", "--module", "commonjs", "--skipLibCheck"),
        *("--types", "node", "--typeRoots", MOUNT_POINTS[Mount.NODE_TYPES], "{source}"),
    ),
    parsers.tsc,
    mounts=frozenset({Mount.TYPESCRIPT, Mount.NODE_TYPES}),
)
_LINTERS: Final[Mapping[Language, Tool]] = {
    Language.PYTHON: _RUFF,
    Language.JAVASCRIPT: Tool("node --check", ("node", "--check", "{source}"), parsers.node_check),
    Language.TYPESCRIPT: _TSC,
    Language.JAVA: Tool(
        "javac",
        (
            *("javac", "-J-Xmx{memory_mb}m", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1"),
            *("-Xlint:all", "-proc:none", "-encoding", "UTF-8", "-d", f"{SANDBOX_TMP}/classes", "{source}"),
        ),
        parsers.javac,
    ),
    Language.CPP: Tool(
        "g++",
        ("g++", "-fsyntax-only", "-Wall", "-Wextra", "-std=gnu++17", "-fdiagnostics-format=json", "{source}"),
        parsers.gcc("g++"),
    ),
    Language.C: Tool(
        "gcc",
        ("gcc", "-fsyntax-only", "-Wall", "-Wextra", "-std=gnu17", "-fdiagnostics-format=json", "{source}"),
        parsers.gcc("gcc"),
    ),
    Language.GO: Tool("go vet", ("go", "vet", "-json", "{source}"), parsers.go_vet, env=_GO_ENV),
    Language.RUST: Tool(
        "rustc",
        (
            *("rustc", "--edition", "2021", "--error-format=json", "--emit=metadata"),
            *("-o", f"{SANDBOX_TMP}/main.rmeta", "{source}"),
        ),
        parsers.rustc,
    ),
}


def tools_for(language: Language | str) -> tuple[Tool, ...]:
    """The language's own checker first, then lizard's complexity."""
    chosen = Language(language)
    return (_LINTERS[chosen], _lizard(chosen))


def command(tool: Tool, language: Language | str, source: str, work_dir: str) -> Argv:
    values = placeholder_values(spec_for(language), source, work_dir, ANALYSIS_LIMITS.memory_mb)
    return resolve(tool.argv, values)


def _tail(text: str) -> str:
    return text.strip()[-ERROR_TAIL_CHARS:]


def _failure(run: Execution) -> str | None:
    if run.sandbox_error is not None:
        return run.sandbox_error
    if run.timed_out:
        return "timed out"
    if run.signal is not None:
        return f"killed by signal {run.signal}"
    return None


def judge(tool: Tool, run: Execution) -> tuple[ToolResult, Findings]:
    """The tool's result and what it found (nothing, when it failed)."""

    def result(status: ToolStatus, error: str | None) -> ToolResult:
        return ToolResult(tool.name, status, run.exit_code, run.wall_ms, run.timed_out, error)

    failure = _failure(run)
    if failure is not None:
        return result(ToolStatus.FAILED, failure), Findings()
    try:
        found = tool.reader(run.stdout, run.stderr)
    except parsers.UnreadableOutputError as exc:
        return result(ToolStatus.FAILED, f"unreadable output: {exc}"), Findings()
    if run.exit_code != 0 and found.empty:
        return result(ToolStatus.FAILED, _tail(run.stderr) or f"exit code {run.exit_code}"), Findings()
    return result(ToolStatus.COMPLETED, None), found


def skipped(tool: Tool, why: str) -> tuple[ToolResult, Findings]:
    return ToolResult(tool.name, ToolStatus.SKIPPED, None, 0, error=why), Findings()
