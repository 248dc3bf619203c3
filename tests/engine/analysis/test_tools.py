"""Which tools run per language, their resolved command lines, and how a finished run is judged."""

from __future__ import annotations

import pytest

from engine.analysis import parsers
from engine.analysis.model import AnalysisStatus, Findings, ToolResult, ToolStatus, assemble
from engine.analysis.tools import (
    ANALYSIS_LIMITS,
    ERROR_TAIL_CHARS,
    MOUNT_POINTS,
    RUFF_RULES,
    Mount,
    Tool,
    command,
    judge,
    skipped,
    tools_for,
)
from engine.execution.languages import SANDBOX_TMP, TYPESCRIPT_DIR, Language
from engine.execution.measurement import Execution
from tests.engine.analysis import samples

CHECKERS = {
    Language.PYTHON: "ruff",
    Language.JAVASCRIPT: "node --check",
    Language.TYPESCRIPT: "tsc",
    Language.JAVA: "javac",
    Language.CPP: "g++",
    Language.C: "gcc",
    Language.GO: "go vet",
    Language.RUST: "rustc",
}
SOURCE_NAMES = {
    Language.PYTHON: "main.py",
    Language.JAVASCRIPT: "main.js",
    Language.TYPESCRIPT: "main.ts",
    Language.JAVA: "Main.java",
    Language.CPP: "main.cpp",
    Language.C: "main.c",
    Language.GO: "main.go",
    Language.RUST: "main.rs",
}
LIZARD_LANGUAGES = {
    Language.PYTHON: "python",
    Language.JAVASCRIPT: "javascript",
    Language.TYPESCRIPT: "typescript",
    Language.JAVA: "java",
    Language.CPP: "cpp",
    Language.C: "cpp",
    Language.GO: "go",
    Language.RUST: "rust",
}
WORK = "/work"
MEMORY = str(ANALYSIS_LIMITS.memory_mb)
JAVA_SOURCE = (
    "import java.util.*;\n\npublic class Solution {\n    public static void main(String[] a) {}\n}\n"
)


def run(
    exit_code: int | None = 0,
    stdout: str = "",
    stderr: str = "",
    *,
    signal: int | None = None,
    timed_out: bool = False,
    sandbox_error: str | None = None,
) -> Execution:
    return Execution(
        exit_code=exit_code,
        signal=signal,
        wall_ms=420,
        cpu_ms=300,
        peak_memory_kb=51_200,
        stdout=stdout,
        stderr=stderr,
        timed_out=timed_out,
        sandbox_error=sandbox_error,
    )


def checker(language: Language) -> Tool:
    return tools_for(language)[0]


# tools_for


@pytest.mark.parametrize("language", list(Language))
def test_tools_for_is_the_checker_then_lizard(language: Language) -> None:
    chosen = tools_for(language)
    assert [t.name for t in chosen] == [CHECKERS[language], "lizard"]
    assert tools_for(language.value) == chosen


def test_every_language_has_tools() -> None:
    assert set(CHECKERS) == set(Language)


def test_tools_for_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="cobol"):
        tools_for("cobol")


@pytest.mark.parametrize("language", list(Language))
def test_lizard_is_told_the_language(language: Language) -> None:
    lizard = tools_for(language)[1]
    assert lizard.reader is parsers.lizard
    assert lizard.mounts == frozenset({Mount.LIZARD})
    assert lizard.argv == (
        "python3",
        "-B",
        "-s",
        "-E",
        f"{MOUNT_POINTS[Mount.LIZARD]}/lizard.py",
        "--csv",
        "-l",
        LIZARD_LANGUAGES[language],
        "{source}",
    )


def test_checkers_read_with_their_own_reader() -> None:
    assert checker(Language.PYTHON).reader is parsers.ruff
    assert checker(Language.JAVASCRIPT).reader is parsers.node_check
    assert checker(Language.TYPESCRIPT).reader is parsers.tsc
    assert checker(Language.JAVA).reader is parsers.javac
    assert checker(Language.GO).reader is parsers.go_vet
    assert checker(Language.RUST).reader is parsers.rustc
    gcc_found = checker(Language.C).reader("", samples.GCC_FINDINGS)
    gpp_found = checker(Language.CPP).reader("", samples.GPP_FINDINGS)
    assert {d.tool for d in gcc_found.diagnostics} == {"gcc"}
    assert {d.tool for d in gpp_found.diagnostics} == {"g++"}


def test_only_tools_outside_usr_need_mounts() -> None:
    assert checker(Language.PYTHON).mounts == frozenset({Mount.RUFF})
    assert checker(Language.TYPESCRIPT).mounts == frozenset({Mount.TYPESCRIPT, Mount.NODE_TYPES})
    for language in (
        Language.JAVASCRIPT,
        Language.JAVA,
        Language.CPP,
        Language.C,
        Language.GO,
        Language.RUST,
    ):
        assert checker(language).mounts == frozenset()
    assert MOUNT_POINTS[Mount.TYPESCRIPT] == TYPESCRIPT_DIR
    assert set(MOUNT_POINTS) == set(Mount)


def test_go_vet_runs_in_gopath_mode_with_a_private_cache() -> None:
    env = dict(checker(Language.GO).env)
    assert env == {
        "GOCACHE": f"{SANDBOX_TMP}/go-cache",
        "GOPATH": f"{SANDBOX_TMP}/go",
        "GO111MODULE": "off",
        "CGO_ENABLED": "0",
    }
    assert all(checker(language).env == () for language in Language if language is not Language.GO)


# command


@pytest.mark.parametrize("language", list(Language))
def test_command_resolves_every_placeholder(language: Language) -> None:
    source = JAVA_SOURCE if language is Language.JAVA else "x"
    for tool in tools_for(language):
        argv = command(tool, language, source, WORK)
        assert len(argv) == len(tool.argv)
        assert not any("{" in arg or "}" in arg for arg in argv), argv


@pytest.mark.parametrize("language", list(Language))
def test_command_ends_with_the_source_file_name(language: Language) -> None:
    for tool in tools_for(language):
        assert command(tool, language.value, "", WORK)[-1] == SOURCE_NAMES[language]


def test_java_file_is_named_after_the_public_class() -> None:
    javac, lizard = tools_for(Language.JAVA)
    assert command(javac, Language.JAVA, JAVA_SOURCE, WORK)[-1] == "Solution.java"
    assert command(lizard, Language.JAVA, JAVA_SOURCE, WORK)[-1] == "Solution.java"
    no_public = "class Helper {}\nclass Main { public static void main(String[] a) {} }\n"
    assert command(javac, Language.JAVA, no_public, WORK)[-1] == "Main.java"


def test_javac_command() -> None:
    assert command(checker(Language.JAVA), "java", JAVA_SOURCE, WORK) == (
        "javac",
        f"-J-Xmx{MEMORY}m",
        "-J-XX:+UseSerialGC",
        "-J-XX:TieredStopAtLevel=1",
        "-Xlint:all",
        "-proc:none",
        "-encoding",
        "UTF-8",
        "-d",
        f"{SANDBOX_TMP}/classes",
        "Solution.java",
    )


def test_tsc_command_uses_the_memory_limit_and_mounted_typescript() -> None:
    argv = command(checker(Language.TYPESCRIPT), "typescript", "let x = 1;", WORK)
    assert argv[:3] == ("node", f"--max-old-space-size={MEMORY}", f"{TYPESCRIPT_DIR}/bin/tsc")
    assert argv[3:6] == ("--noEmit", "--pretty", "false")
    assert argv[argv.index("--typeRoots") + 1] == MOUNT_POINTS[Mount.NODE_TYPES]
    assert argv[-1] == "main.ts"


def test_ruff_command() -> None:
    assert command(checker(Language.PYTHON), "python", "x = 1", WORK) == (
        MOUNT_POINTS[Mount.RUFF],
        "check",
        "--no-cache",
        "--isolated",
        "--output-format",
        "json",
        "--target-version",
        "py311",
        "--select",
        RUFF_RULES,
        "main.py",
    )
    assert RUFF_RULES == "E4,E7,E9,F,B,PLE"


def test_compiler_commands() -> None:
    assert command(checker(Language.C), "c", "", WORK) == (
        *("gcc", "-fsyntax-only", "-Wall", "-Wextra", "-std=gnu17", "-fdiagnostics-format=json"),
        "main.c",
    )
    assert command(checker(Language.CPP), "cpp", "", WORK) == (
        *("g++", "-fsyntax-only", "-Wall", "-Wextra", "-std=gnu++17", "-fdiagnostics-format=json"),
        "main.cpp",
    )
    assert command(checker(Language.RUST), "rust", "", WORK) == (
        *("rustc", "--edition", "2021", "--error-format=json", "--emit=metadata"),
        *("-o", f"{SANDBOX_TMP}/main.rmeta", "main.rs"),
    )
    assert command(checker(Language.GO), "go", "", WORK) == ("go", "vet", "-json", "main.go")
    assert command(checker(Language.JAVASCRIPT), "javascript", "", WORK) == ("node", "--check", "main.js")


def test_analysis_limits() -> None:
    assert ANALYSIS_LIMITS.time_ms == 15_000
    assert ANALYSIS_LIMITS.output_bytes == 256 * 1024
    assert ANALYSIS_LIMITS.wall_limit_ms == 20_000


# judge


def test_sandbox_error_fails_with_that_error() -> None:
    error = "bwrap: Can't mount proc on /newroot/proc: Operation not permitted"
    outcome = judge(checker(Language.C), run(None, stderr=error, sandbox_error=error))
    assert outcome == (ToolResult("gcc", ToolStatus.FAILED, None, 420, False, error), Findings())


def test_sandbox_error_wins_over_readable_findings() -> None:
    outcome = judge(checker(Language.C), run(1, stderr=samples.GCC_FINDINGS, sandbox_error="no sandbox"))
    assert outcome == (ToolResult("gcc", ToolStatus.FAILED, 1, 420, False, "no sandbox"), Findings())


def test_timed_out_fails_as_timed_out() -> None:
    outcome = judge(checker(Language.TYPESCRIPT), run(137, signal=9, timed_out=True))
    assert outcome == (ToolResult("tsc", ToolStatus.FAILED, 137, 420, True, "timed out"), Findings())
    assert outcome[0].payload()["timedOut"] is True


def test_killed_by_signal_fails_even_with_readable_output() -> None:
    outcome = judge(tools_for(Language.PYTHON)[1], run(137, stdout=samples.LIZARD, signal=9))
    assert outcome == (
        ToolResult("lizard", ToolStatus.FAILED, 137, 420, False, "killed by signal 9"),
        Findings(),
    )


@pytest.mark.parametrize(
    ("language", "execution"),
    [
        (Language.PYTHON, run(1, stdout=samples.RUFF_CONCISE)),
        (Language.C, run(1, stderr=samples.GCC_BAD_OPTION)),
        (Language.JAVASCRIPT, run(9, stderr=samples.NODE_BAD_OPTION)),
        (Language.PYTHON, run(0, stdout=samples.RUFF_FINDINGS[:300])),
    ],
    ids=["ruff-concise", "gcc-no-json", "node-no-error-line", "ruff-cut-off"],
)
def test_unreadable_output_fails(language: Language, execution: Execution) -> None:
    result, found = judge(checker(language), execution)
    assert result.status is ToolStatus.FAILED
    assert result.error is not None
    assert result.error.startswith("unreadable output: ")
    assert result.exit_code == execution.exit_code
    assert found == Findings()


def test_nonzero_exit_without_findings_fails_with_the_stderr_tail() -> None:
    outcome = judge(checker(Language.GO), run(1, stderr=samples.GO_VET_MISSING))
    assert outcome == (
        ToolResult("go vet", ToolStatus.FAILED, 1, 420, False, samples.GO_VET_MISSING.strip()),
        Findings(),
    )


def test_long_stderr_is_cut_to_its_tail() -> None:
    stderr = "Exception in thread main\n" + "\tat com.sun.tools.javac.Main.compile(Main.java:52)\n" * 40
    result, found = judge(checker(Language.JAVA), run(4, stderr=stderr))
    assert result.status is ToolStatus.FAILED
    assert result.error == stderr.strip()[-ERROR_TAIL_CHARS:]
    assert len(result.error) == ERROR_TAIL_CHARS == 500
    assert found == Findings()


def test_nonzero_exit_without_findings_or_stderr_names_the_exit_code() -> None:
    outcome = judge(checker(Language.TYPESCRIPT), run(1, stdout=samples.TSC_BAD_OPTION))
    assert outcome == (ToolResult("tsc", ToolStatus.FAILED, 1, 420, False, "exit code 1"), Findings())


@pytest.mark.parametrize(
    ("language", "execution", "count"),
    [
        (Language.PYTHON, run(1, stdout=samples.RUFF_FINDINGS), 2),
        (Language.C, run(1, stderr=samples.GCC_FINDINGS), 2),
        (Language.CPP, run(1, stderr=samples.GPP_NO_FILE), 1),
        (Language.JAVA, run(1, stderr=samples.JAVAC_FINDINGS), 4),
        (Language.GO, run(2, stderr=samples.GO_VET_TYPECHECK), 1),
        (Language.RUST, run(1, stderr=samples.RUSTC_FINDINGS), 2),
        (Language.JAVASCRIPT, run(1, stderr=samples.NODE_SYNTAX), 1),
        (Language.TYPESCRIPT, run(2, stdout=samples.TSC_FINDINGS), 3),
    ],
    ids=["ruff", "gcc", "g++-fatal", "javac", "go-vet-typecheck", "rustc", "node", "tsc"],
)
def test_nonzero_exit_with_findings_completes(language: Language, execution: Execution, count: int) -> None:
    tool = checker(language)
    result, found = judge(tool, execution)
    assert result == ToolResult(tool.name, ToolStatus.COMPLETED, execution.exit_code, 420, False, None)
    assert found == tool.reader(execution.stdout, execution.stderr)
    assert len(found.diagnostics) == count


@pytest.mark.parametrize(
    ("language", "execution"),
    [
        (Language.PYTHON, run(0, stdout=samples.RUFF_CLEAN)),
        (Language.C, run(0, stderr=samples.GCC_CLEAN)),
        (Language.JAVA, run(0)),
        (Language.GO, run(0, stderr=samples.GO_VET_CLEAN)),
        (Language.JAVASCRIPT, run(0)),
        (Language.TYPESCRIPT, run(0)),
        (Language.RUST, run(0, stderr=samples.RUSTC_WARNING)),
        (Language.GO, run(0, stderr=samples.GO_VET_PRINTF)),
    ],
    ids=["ruff", "gcc", "javac", "go-vet", "node", "tsc", "rustc-warning", "go-vet-printf"],
)
def test_exit_zero_completes(language: Language, execution: Execution) -> None:
    tool = checker(language)
    result, found = judge(tool, execution)
    assert result == ToolResult(tool.name, ToolStatus.COMPLETED, 0, 420, False, None)
    assert found == tool.reader(execution.stdout, execution.stderr)


def test_lizard_exit_zero_completes_with_complexity() -> None:
    result, found = judge(tools_for("python")[1], run(0, stdout=samples.LIZARD))
    assert result.status is ToolStatus.COMPLETED
    assert [c.function_name for c in found.complexity] == ["simple", "branchy", "method"]


def test_skipped_tool() -> None:
    outcome = skipped(checker(Language.RUST), "rustc is not installed")
    assert outcome == (
        ToolResult("rustc", ToolStatus.SKIPPED, None, 0, False, "rustc is not installed"),
        Findings(),
    )


def test_judged_outcomes_assemble_into_a_report() -> None:
    ruff, lizard = tools_for(Language.PYTHON)
    report = assemble(
        [
            judge(ruff, run(1, stdout=samples.RUFF_FINDINGS)),
            judge(lizard, run(0, stdout=samples.LIZARD)),
        ]
    )
    assert report.status is AnalysisStatus.COMPLETED
    assert [(d.rule, d.line, d.column) for d in report.diagnostics] == [("E701", 2, 5), ("F821", 2, 13)]
    assert report.summary.max_cyclomatic_complexity == 8
    both_failed = assemble(
        [
            judge(ruff, run(None, sandbox_error="no sandbox")),
            judge(lizard, run(137, signal=9, timed_out=True)),
        ]
    )
    assert both_failed.status is AnalysisStatus.FAILED
    assert [r.error for r in both_failed.tool_results] == ["no sandbox", "timed out"]
