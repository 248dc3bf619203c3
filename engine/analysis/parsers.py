"""Readers of each tool's output, into normalised findings. A reader raises `UnreadableOutputError` when the
output is not what the tool prints (the tool then counts as failed, never as "no findings").

File names are reported as the source's base name (`main.py`), whatever path the tool printed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

from engine.analysis.model import Complexity, Diagnostic, Findings, Severity

Reader = Callable[[str, str], Findings]
"""(stdout, stderr) -> findings."""

_RUFF_SYNTAX: Final = "invalid-syntax"
_RUFF_ERRORS: Final = ("F821", "F822", "F823", "F632", "F704", "F706", "PLE")
_JAVAC_LINE: Final = re.compile(
    r"^(?P<file>[^\s:][^:]*\.java):(?P<line>\d+): (?P<kind>error|warning): (?P<msg>.*)$"
)
_JAVAC_BARE: Final = re.compile(r"^(?P<kind>error|warning): (?P<msg>.*)$")
_JAVAC_RULE: Final = re.compile(r"^\[(?P<rule>[\w-]+)\] (?P<msg>.*)$")
_GO_POSITION: Final = re.compile(
    r"^(?:vet: )?(?P<file>[^\s:]+\.go):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<msg>.*)$"
)
_TSC_LINE: Final = re.compile(
    r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): "
    r"(?P<kind>error|warning|message) (?P<code>TS\d+): (?P<msg>.*)$"
)
_NODE_LOCATION: Final = re.compile(r"^(?P<file>/[^:]+):(?P<line>\d+)$")
_NODE_ERROR: Final = re.compile(r"^(?P<name>\w*Error): (?P<msg>.*)$")
_RUSTC_SUMMARY: Final = re.compile(r"^(aborting due to|\d+ warnings? emitted|.*previous errors?)")
_LIZARD_COLUMNS: Final = 11


class UnreadableOutputError(ValueError):
    """The tool printed something its reader does not understand."""


def base_name(path: str | None) -> str | None:
    if not path:
        return None
    return path.rsplit("/", 1)[-1]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UnreadableOutputError(f"not JSON: {exc}") from exc


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def ruff(stdout: str, stderr: str) -> Findings:
    """`ruff check --output-format json`: a list of findings; syntax errors have no code. Undefined names
    and syntax errors are errors, everything else a warning."""
    rows = _json(stdout)
    if not isinstance(rows, list):
        raise UnreadableOutputError("ruff: expected a list")
    found = []
    for row in rows:
        code = row.get("code")
        location = row.get("location") or {}
        syntax = code is None or code == _RUFF_SYNTAX
        error = syntax or str(code).startswith(_RUFF_ERRORS)
        found.append(
            Diagnostic(
                tool="ruff",
                rule=code if isinstance(code, str) else "syntax-error",
                severity=Severity.ERROR if error else Severity.WARNING,
                message=str(row.get("message", "")),
                line=_int(location.get("row")),
                column=_int(location.get("column")),
                file=base_name(row.get("filename")),
            )
        )
    return Findings(diagnostics=tuple(found))


_GCC_KINDS: Final = {"error": Severity.ERROR, "fatal error": Severity.ERROR, "warning": Severity.WARNING}


def gcc(tool: str) -> Reader:
    """`gcc -fdiagnostics-format=json`: one line holding a JSON list on stderr (a fatal error adds a
    plain `compilation terminated.`); no output at all: nothing to report."""

    def read(stdout: str, stderr: str) -> Findings:
        listing = next((line for line in stderr.splitlines() if line.startswith("[")), None)
        if listing is None:
            if stderr.strip():
                raise UnreadableOutputError(f"{tool}: no JSON diagnostics")
            return Findings()
        rows = _json(listing)
        if not isinstance(rows, list):
            raise UnreadableOutputError(f"{tool}: expected a list")
        found = []
        for row in rows:
            caret = ((row.get("locations") or [{}])[0]).get("caret") or {}
            option = row.get("option")
            found.append(
                Diagnostic(
                    tool=tool,
                    rule=option.removeprefix("-W") if isinstance(option, str) else None,
                    severity=_GCC_KINDS.get(str(row.get("kind")), Severity.INFO),
                    message=str(row.get("message", "")),
                    line=_int(caret.get("line")),
                    column=_int(caret.get("column")),
                    file=base_name(caret.get("file")),
                )
            )
        return Findings(diagnostics=tuple(found))

    return read


def javac(stdout: str, stderr: str) -> Findings:
    """`javac -Xlint:all`: `File.java:LINE: error|warning: [lint] message`, then the source line and a
    caret line (its position is the column)."""
    lines = stderr.splitlines()
    found = []
    echoed = -1  # the last line javac echoed from the source (after a located diagnostic)
    for index, text in enumerate(lines):
        located = _JAVAC_LINE.match(text)
        match = located or (_JAVAC_BARE.match(text) if index > echoed else None)
        if match is None:
            continue
        if located is not None:
            echoed = index + 2  # the source line and the caret line are the program's text, not javac's
        groups = match.groupdict()
        message = groups["msg"]
        rule_match = _JAVAC_RULE.match(message)
        rule, message = (rule_match["rule"], rule_match["msg"]) if rule_match else (None, message)
        caret = lines[index + 2] if index + 2 < len(lines) else ""
        column = caret.index("^") + 1 if groups.get("line") and caret.strip() == "^" else None
        found.append(
            Diagnostic(
                tool="javac",
                rule=rule,
                severity=Severity.ERROR if groups["kind"] == "error" else Severity.WARNING,
                message=message,
                line=int(groups["line"]) if groups.get("line") else None,
                column=column,
                file=base_name(groups.get("file")),
            )
        )
    return Findings(diagnostics=tuple(found))


def _json_objects(text: str) -> Iterator[Any]:
    decoder = json.JSONDecoder()
    position = text.find("{")
    while position != -1:
        try:
            value, end = decoder.raw_decode(text, position)
        except ValueError as exc:
            raise UnreadableOutputError(f"go vet: bad JSON: {exc}") from exc
        yield value
        position = text.find("{", end)


def _go_position(text: str) -> tuple[str | None, int | None, int | None]:
    match = _GO_POSITION.match(f"{text}: x")
    if match is None:
        return None, None, None
    column = match["col"]
    return base_name(match["file"]), int(match["line"]), int(column) if column else None


def go_vet(stdout: str, stderr: str) -> Findings:
    """`go vet -json`: type errors as `vet: FILE:LINE:COL: message` lines (errors), analyzer findings as
    JSON `{package: {analyzer: [{posn, message}]}}` (warnings)."""
    found = []
    json_part = []
    for text in stderr.splitlines():
        if text.startswith("#"):
            continue
        match = _GO_POSITION.match(text) if not text.startswith(("{", "\t", " ", "}")) else None
        if match is not None:
            column = match["col"]
            found.append(
                Diagnostic(
                    "go vet",
                    "typecheck",
                    Severity.ERROR,
                    match["msg"],
                    int(match["line"]),
                    int(column) if column else None,
                    base_name(match["file"]),
                )
            )
        else:
            json_part.append(text)
    for package in _json_objects("\n".join(json_part)):
        for analyzers in package.values():
            for analyzer, reports in analyzers.items():
                for report in reports if isinstance(reports, list) else []:
                    file, line, column = _go_position(str(report.get("posn", "")))
                    message = str(report.get("message", ""))
                    found.append(
                        Diagnostic("go vet", analyzer, Severity.WARNING, message, line, column, file)
                    )
    return Findings(diagnostics=tuple(found))


_RUSTC_LEVELS: Final = {"error": Severity.ERROR, "warning": Severity.WARNING}


def rustc(stdout: str, stderr: str) -> Findings:
    """`rustc --error-format=json`: one JSON diagnostic per line; the closing counts are dropped."""
    found = []
    for text in stderr.splitlines():
        if not text.startswith("{"):
            continue
        row = _json(text)
        level = str(row.get("level"))
        message = str(row.get("message", ""))
        spans = [s for s in row.get("spans") or [] if s.get("is_primary")]
        if level not in _RUSTC_LEVELS or (not spans and _RUSTC_SUMMARY.match(message)):
            continue
        span = spans[0] if spans else {}
        code = row.get("code") or {}
        found.append(
            Diagnostic(
                tool="rustc",
                rule=code.get("code") if isinstance(code.get("code"), str) else None,
                severity=_RUSTC_LEVELS[level],
                message=message,
                line=_int(span.get("line_start")),
                column=_int(span.get("column_start")),
                file=base_name(span.get("file_name")),
            )
        )
    return Findings(diagnostics=tuple(found))


def node_check(stdout: str, stderr: str) -> Findings:
    """`node --check`: `/path:LINE`, the source line, a caret line, a blank line, `SyntaxError: message`."""
    lines = stderr.splitlines()
    if not lines:
        return Findings()
    location = _NODE_LOCATION.match(lines[0])
    after_echo = lines[3:] if location else lines  # lines 1-2 echo the program's own text
    error = next((m for m in map(_NODE_ERROR.match, after_echo) if m is not None), None)
    if error is None:
        raise UnreadableOutputError("node --check: no error line")
    caret = lines[2] if len(lines) > 2 and lines[2].strip().startswith("^") else ""
    diagnostic = Diagnostic(
        tool="node --check",
        rule=error["name"],
        severity=Severity.ERROR,
        message=error["msg"],
        line=int(location["line"]) if location else None,
        column=caret.index("^") + 1 if caret else None,
        file=base_name(location["file"]) if location else None,
    )
    return Findings(diagnostics=(diagnostic,))


_TSC_KINDS: Final = {"error": Severity.ERROR, "warning": Severity.WARNING, "message": Severity.INFO}


def tsc(stdout: str, stderr: str) -> Findings:
    """`tsc --pretty false`: `file(LINE,COL): error TSnnnn: message` on stdout; continuation lines of a
    long message are indented and joined to it."""
    found: list[Diagnostic] = []
    for text in stdout.splitlines():
        match = _TSC_LINE.match(text)
        if match is not None:
            severity = _TSC_KINDS[match["kind"]]
            line, column = int(match["line"]), int(match["col"])
            file = base_name(match["file"])
            found.append(Diagnostic("tsc", match["code"], severity, match["msg"], line, column, file))
        elif text.startswith(" ") and found:
            last = found[-1]
            found[-1] = Diagnostic(
                last.tool,
                last.rule,
                last.severity,
                f"{last.message} {text.strip()}",
                last.line,
                last.column,
                last.file,
            )
    return Findings(diagnostics=tuple(found))


def lizard(stdout: str, stderr: str) -> Findings:
    """`lizard --csv`: NLOC, CCN, token, PARAM, length, location, file, function, long_name, start, end."""
    found = []
    for row in csv.reader(io.StringIO(stdout)):
        if not row:
            continue
        if len(row) != _LIZARD_COLUMNS:
            raise UnreadableOutputError(f"lizard: {len(row)} columns")
        try:
            ccn, start, end = int(row[1]), int(row[9]), int(row[10])
        except ValueError as exc:
            raise UnreadableOutputError(f"lizard: {exc}") from exc
        found.append(Complexity("lizard", row[7], start, end, ccn, base_name(row[6])))
    return Findings(complexity=tuple(found))
