"""Static analysis through the real sandbox: every language's checker and lizard find what they should,
the tools run as the slot uid without the host's files, missing tools are skipped, and nothing is left
behind."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from actors.analysis import analyse
from actors.sandbox import Sandbox, SandboxConfig
from engine.analysis.model import AnalysisStatus, Report, ToolStatus
from tests.execution.conftest import assert_no_processes, needs_sandbox, solo_sandbox

pytestmark = [pytest.mark.anyio, needs_sandbox]

Expected = list[tuple[str, str | None, str, int]]
# language -> (source, (tool, rule, severity, line) expected among the diagnostics)
FINDINGS: dict[str, tuple[str, Expected]] = {
    "python": (
        "import os\n\n\ndef pick(xs):\n    return missing + xs[0]\n",
        [("ruff", "F401", "warning", 1), ("ruff", "F821", "error", 5)],
    ),
    "javascript": (
        "const a = 1;\nfunction f( {\n  return a;\n}\n",
        [("node --check", "SyntaxError", "error", 3)],
    ),
    "typescript": (
        'const fs = require("fs");\nconst n: number = "text";\nconsole.log(n, fs.existsSync("x"));\n',
        [("tsc", "TS2322", "error", 2)],
    ),
    "java": (
        "import java.util.*;\npublic class Main {\n    public static void main(String[] a) {\n"
        "        List xs = new ArrayList();\n        System.out.println(xs);\n    }\n}\n",
        [("javac", "rawtypes", "warning", 4)],
    ),
    "cpp": (
        "#include <cstdio>\nint main() {\n    int unused;\n    int x = 2;\n"
        '    if (x = 3) std::puts("3");\n}\n',
        [("g++", "unused-variable", "warning", 3), ("g++", "parentheses", "warning", 5)],
    ),
    "c": ("int main(void) {\n    int x = 1\n    return x;\n}\n", [("gcc", None, "error", 3)]),
    "go": (
        'package main\n\nimport "fmt"\n\nfunc main() {\n\tx := 3\n\tfmt.Printf("%s\\n", x)\n}\n',
        [("go vet", "printf", "warning", 7)],
    ),
    "rust": (
        'fn main() {\n    let x = 5;\n    let mut y = 3;\n    println!("{}", y);\n}\n',
        [("rustc", "unused_variables", "warning", 2), ("rustc", "unused_mut", "warning", 3)],
    ),
}

BRANCHY = {
    "python": "def grade(s):\n    if s > 90:\n        return 'A'\n    elif s > 80:\n        return 'B'\n"
    "    elif s > 70:\n        return 'C'\n    return 'F'\n\n\nprint(grade(int(input())))\n",
    "go": 'package main\n\nimport "fmt"\n\nfunc grade(s int) string {\n\tif s > 90 {\n\t\treturn "A"\n\t}\n'
    '\tif s > 80 && s < 85 {\n\t\treturn "B"\n\t}\n\treturn "F"\n}\n\n'
    "func main() {\n\tfmt.Println(grade(3))\n}\n",
}


def _found(report: Report) -> set[tuple[str, str | None, str, int | None]]:
    return {(d.tool, d.rule, d.severity.value, d.line) for d in report.diagnostics}


@pytest.mark.parametrize("language", sorted(FINDINGS))
async def test_checker_finds_the_problem(language: str, sandbox: Sandbox) -> None:
    source, expected = FINDINGS[language]
    report = await analyse(language, source, sandbox=sandbox)
    assert report.status is AnalysisStatus.COMPLETED, report.tool_results
    statuses = {r.tool: r.status for r in report.tool_results}
    assert set(statuses.values()) == {ToolStatus.COMPLETED}, report.tool_results
    assert len(statuses) == 3  # the checker, lizard, the duplication scan
    assert set(expected) <= _found(report)
    assert report.summary.diagnostic_count == len(report.diagnostics)
    assert report.summary.error_count == sum(d.severity.value == "error" for d in report.diagnostics)


@pytest.mark.parametrize(("language", "function", "ccn"), [("python", "grade", 4), ("go", "grade", 4)])
async def test_lizard_measures_each_function(
    language: str, function: str, ccn: int, sandbox: Sandbox
) -> None:
    report = await analyse(language, BRANCHY[language], sandbox=sandbox)
    by_name = {c.function_name: c for c in report.complexity}
    assert by_name[function].cyclomatic_complexity == ccn
    assert by_name[function].start_line == (1 if language == "python" else 5)
    assert report.summary.max_cyclomatic_complexity == max(c.cyclomatic_complexity for c in report.complexity)


async def test_clean_code_has_no_findings(sandbox: Sandbox) -> None:
    report = await analyse(
        "python", "def double(x):\n    return 2 * x\n\n\nprint(double(2))\n", sandbox=sandbox
    )
    assert report.diagnostics == ()
    assert report.summary.high_complexity_count == 0
    assert report.status is AnalysisStatus.COMPLETED


async def test_copied_blocks_are_reported(sandbox: Sandbox) -> None:
    block = (
        "    total = 0\n    for value in values:\n        if value > limit:\n"
        "            total += value * 2\n        else:\n            total -= value\n"
    )
    first = f"def a(values, limit):\n{block}    return total\n"
    source = f"{first}\n\ndef b(values, limit):\n{block}    return -total\n"
    report = await analyse("python", source, sandbox=sandbox)
    assert len(report.duplications) == 1
    starts = [o.start_line for o in report.duplications[0].occurrences]
    assert starts[0] <= 2 and starts[1] <= 11 and starts[1] > starts[0] + 5


async def test_tools_cannot_read_the_host(tmp_path: Path) -> None:
    """A compiler diagnostic would print an included file: the sandbox has no /etc/shadow or /root."""
    uid = 61131
    box = solo_sandbox(tmp_path, uid)
    source = '#include "/etc/shadow"\n#include "/root/.bashrc"\nint main(void) { return 0; }\n'
    report = await analyse("c", source, sandbox=box)
    messages = " ".join(d.message for d in report.diagnostics)
    assert "No such file or directory" in messages
    assert "root:" not in messages
    assert_no_processes(uid)
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240 - the job is over; a listing of an empty dir


async def test_missing_tool_is_skipped(tmp_path: Path) -> None:
    box = Sandbox(SandboxConfig(uids=(61132,), base_dir=tmp_path, typescript_dir=None))
    report = await analyse("typescript", "const n: number = 1;\nconsole.log(n);\n", sandbox=box)
    tsc = next(r for r in report.tool_results if r.tool == "tsc")
    assert tsc.status is ToolStatus.SKIPPED
    assert report.status is AnalysisStatus.COMPLETED  # lizard still ran
    assert report.summary.tool_failure_count == 0


async def test_nothing_to_analyse_is_rejected(sandbox: Sandbox) -> None:
    empty = await analyse("python", "  \n", sandbox=sandbox)
    assert empty.status is AnalysisStatus.FAILED
    assert empty.error == "no code to analyse"
    unknown = await analyse("cobol", "DISPLAY 'HI'.", sandbox=sandbox)
    assert unknown.status is AnalysisStatus.FAILED
    assert unknown.error is not None and "cobol" in unknown.error


async def test_analysis_fails_when_no_tool_could_run(tmp_path: Path) -> None:
    """Every sandboxed tool failing is a failed analysis, even though the in-process scan ran."""
    box = Sandbox(SandboxConfig(uids=(61133,), base_dir=tmp_path, typescript_dir=None))
    box.layout = replace(box.layout, symlinks={}, present=frozenset())  # no /usr: nothing can start
    report = await analyse("python", "print(1)\n", sandbox=box)
    assert report.status is AnalysisStatus.FAILED
    assert report.error == "no analysis tool could run"
    assert [r.status for r in report.tool_results][:2] == [ToolStatus.FAILED, ToolStatus.FAILED]
