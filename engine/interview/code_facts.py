"""What the interviewer can tell from reading the candidate's code without running it.

Heuristics over lines and indentation that hold for all eight languages (their loops are `for`/`while`/
`loop` lines and their bodies are indented): loops and how deeply they nest, sorting, leftover starter
TODOs, long functions. Invariant: every line number reported is a real 1-based line of the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOOP = re.compile(r"^\s*(for|while|loop)\b|^\s*\}?\s*while\s*\(|\.forEach\(|\bfor\s*\(")
SORT = re.compile(
    r"\bsorted\s*\(|\.sort\s*\(|\bsort\s*\(|Arrays\.sort|Collections\.sort|sort\.(Ints|Slice|Strings)|"
    r"\.sort_unstable|qsort\s*\("
)
TODO = re.compile(r"\bTODO\b|\bFIXME\b")
RECURSIVE_HINT = re.compile(r"\b(def|function|fn|func)\s+(\w+)")
INPUT_READ = re.compile(
    r"stdin|input\(|readLine|readline|Scanner|cin\s*>>|scanf|bufio|read_line|readFileSync"
)


@dataclass(frozen=True)
class Loop:
    line: int
    depth: int
    """1 for an outermost loop, 2 for a loop inside a loop, ..."""


@dataclass(frozen=True)
class CodeFacts:
    line_count: int
    loops: tuple[Loop, ...]
    sort_lines: tuple[int, ...]
    todo_lines: tuple[int, ...]
    reads_input: bool

    @property
    def max_depth(self) -> int:
        return max((loop.depth for loop in self.loops), default=0)

    def deepest(self) -> Loop | None:
        return max(self.loops, key=lambda loop: (loop.depth, -loop.line), default=None)

    @property
    def is_empty(self) -> bool:
        return self.line_count == 0


def _indent(line: str) -> int:
    expanded = line.replace("\t", "    ")
    return len(expanded) - len(expanded.lstrip())


def _comment(stripped: str) -> bool:
    return stripped.startswith(("#", "//", "/*", "*"))


def read_code(code: str) -> CodeFacts:
    lines = code.splitlines()
    loops: list[Loop] = []
    open_loops: list[int] = []
    sorts, todos = [], []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if TODO.search(line):
            todos.append(number)
        if _comment(stripped):
            continue
        indent = _indent(line)
        while open_loops and indent <= open_loops[-1]:
            open_loops.pop()
        if LOOP.search(line):
            loops.append(Loop(number, len(open_loops) + 1))
            open_loops.append(indent)
        if SORT.search(line):
            sorts.append(number)
    return CodeFacts(
        line_count=len(lines),
        loops=tuple(loops),
        sort_lines=tuple(sorts),
        todo_lines=tuple(todos),
        reads_input=bool(INPUT_READ.search(code)),
    )


def estimated_time(facts: CodeFacts) -> str:
    """A rough bound from loop nesting and sorting: what an interviewer would say at a glance."""
    depth = facts.max_depth
    if depth >= 3:
        return "O(n^3)"
    if depth == 2:
        return "O(n^2)"
    if facts.sort_lines:
        return "O(n log n)"
    return "O(n)" if depth == 1 else "O(1)"


def target_rank(optimal: str | None) -> int:
    """How demanding the optimal time is: 0 constant/log, 1 linear, 2 n log n, 3 quadratic, 4 worse."""
    text = (optimal or "").lower().replace(" ", "")
    if re.search(r"\^3|³|2\^|!|n\*m\*|n\^2\*", text):
        return 4
    if re.search(r"\^2|²|n\*m|v\*e|n\*n", text):
        return 3
    if "log" in text and re.search(r"n|m|e|v", text.replace("log", "")):
        return 2
    if re.search(r"[nmekvs]|\|", text):
        return 1
    return 0


ESTIMATE_RANK = {"O(1)": 0, "O(n)": 1, "O(n log n)": 2, "O(n^2)": 3, "O(n^3)": 4}


def slower_than_target(facts: CodeFacts, optimal: str | None) -> int:
    """How many steps the code's estimate is above the problem's optimal time (0 = on target)."""
    return max(0, ESTIMATE_RANK[estimated_time(facts)] - target_rank(optimal))


def line_text(code: str, line: int) -> str:
    lines = code.splitlines()
    return lines[line - 1].strip() if 1 <= line <= len(lines) else ""


def code_context(requested: dict[str, object], code: str, language: str) -> dict[str, object]:
    """The server-verified `codeContext`: the line range clamped to the code, the snippet re-read from
    it, columns kept only when they fit (reference §9.5); lines 1-5 when the range is unusable."""
    lines = code.splitlines() or [""]
    start, end = requested.get("startLine"), requested.get("endLine")
    if (
        not isinstance(start, int)
        or not isinstance(end, int)
        or start < 1
        or start > len(lines)
        or end < start
    ):
        start, end = 1, min(5, len(lines))
    end = min(end, len(lines))
    verified: dict[str, object] = {
        "language": language,
        "file": str(requested.get("file") or "main")[:120],
        "codeSnippet": "\n".join(lines[start - 1 : end])[:4000],
        "startLine": start,
        "endLine": end,
    }
    for key in ("questionType", "reason", "cursorLine", "cursorColumn", "startColumn", "endColumn"):
        value = requested.get(key)
        if value is not None:
            verified[key] = value
    return verified
