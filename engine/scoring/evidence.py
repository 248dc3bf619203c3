"""Evidence items and the check that each one points at something real in the session.

Invariant: a builder returns None rather than an item that would not resolve: `code_line` names an
existing 1-based line of the final code (`L12: <that line>`), `code_snippet` is at most 3 lines and 120
characters found verbatim in the final code, `event_timestamp` equals one of the session's event times.
"""

from __future__ import annotations

import re
from datetime import datetime

from engine.scoring.model import Evidence, EvidenceType, SessionInput, iso

SNIPPET_MAX_CHARS = 120
SNIPPET_MAX_LINES = 3
EXCERPT_CHARS = 80
LINE_REFERENCE = re.compile(r"^L(\d+)(?:-L(\d+))?: (.*)$", re.DOTALL)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def code_line(code: str, line: int, description: str) -> Evidence | None:
    lines = code.splitlines()
    if not 1 <= line <= len(lines) or not lines[line - 1].strip():
        return None
    text = excerpt(lines[line - 1].strip())
    return Evidence(EvidenceType.CODE_LINE, f"L{line}: {text}", description)


def first_code_line(code: str, description: str) -> Evidence | None:
    """The first line that is neither blank nor a comment (e.g. the solution's entry point)."""
    for number, line in enumerate(code.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "//", "/*", "*")):
            return code_line(code, number, description)
    return None


def code_snippet(code: str, first_line: int, description: str) -> Evidence | None:
    """Up to three lines from `first_line`, shortened to whole lines within 120 characters."""
    lines = code.splitlines()[first_line - 1 : first_line - 1 + SNIPPET_MAX_LINES]
    while lines and len("\n".join(lines)) > SNIPPET_MAX_CHARS:
        lines.pop()
    text = "\n".join(lines)
    if first_line < 1 or not text.strip():
        return None
    return Evidence(EvidenceType.CODE_SNIPPET, text, description)


def event(moment: datetime, description: str) -> Evidence:
    return Evidence(EvidenceType.EVENT_TIMESTAMP, iso(moment), description)


def _line_resolves(reference: str, lines: list[str]) -> bool:
    found = LINE_REFERENCE.match(reference)
    if found is None:
        return False
    first = int(found.group(1))
    last = int(found.group(2) or first)
    if not 1 <= first <= last <= len(lines):
        return False
    shown = found.group(3).rstrip("…")
    return shown in " ".join(lines[first - 1].split())


def resolves(item: Evidence, session: SessionInput) -> bool:
    """Whether `item` names a real line of the final code or a real moment of the session."""
    if item.type is EvidenceType.CODE_LINE:
        return _line_resolves(item.reference, session.final_code.splitlines())
    if item.type is EvidenceType.CODE_SNIPPET:
        short = len(item.reference) <= SNIPPET_MAX_CHARS and item.reference.count("\n") < SNIPPET_MAX_LINES
        return short and bool(item.reference.strip()) and item.reference in session.final_code
    return item.reference in session.event_times()


def kept(items: list[Evidence | None], session: SessionInput) -> tuple[Evidence, ...]:
    """The items that exist and resolve, without repeats, in order."""
    seen: list[Evidence] = []
    for item in items:
        if item is not None and item not in seen and resolves(item, session):
            seen.append(item)
    return tuple(seen)
