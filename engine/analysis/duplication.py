"""Copy-paste detection: repeated runs of at least `MIN_TOKENS` tokens (comments and whitespace
ignored, names compared exactly, like PMD-CPD), reported as blocks with every place they occur.

Algorithm: hash every window of `MIN_TOKENS` tokens; a window equal to an earlier, non-overlapping one
extends the current match when both sides moved on by one token, else starts a new one. Linear in the
number of tokens (times the window), so a 64 KiB source costs milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from engine.analysis.model import Duplication, Findings, Occurrence
from engine.execution.languages import Language

MIN_TOKENS: Final = 32
"""About four lines of typical solution code; PMD-CPD's usual 40 misses short copied loops."""
MAX_REPORTED: Final = 20
MAX_OCCURRENCES: Final = 20
TOOL: Final = "duplicates"

_HASH_COMMENT: Final = r"\#[^\n]*"
_SLASH_COMMENTS: Final = r"//[^\n]*|/\*.*?\*/"
_STRINGS: Final = r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`"
_WORD: Final = r"[A-Za-z_]\w*|\d[\w.]*|==|!=|<=|>=|&&|\|\||->|=>|::|\S"


def _pattern(language: Language) -> re.Pattern[str]:
    comments = _HASH_COMMENT if language is Language.PYTHON else _SLASH_COMMENTS
    return re.compile(rf"(?P<skip>{comments})|(?P<token>{_STRINGS}|{_WORD})", re.DOTALL)


@dataclass(frozen=True)
class _Token:
    text: str
    line: int


def tokens(source: str, language: Language | str) -> list[_Token]:
    found = []
    line = 1
    position = 0
    for match in _pattern(Language(language)).finditer(source):
        line += source.count("\n", position, match.start())
        position = match.start()
        if match.lastgroup == "token":
            found.append(_Token(match.group(), line))
    return found


def _matches(texts: list[str], window: int) -> list[tuple[int, int, int]]:
    """Maximal (first, later, length) token runs where `later` repeats `first` without overlap."""
    earliest: dict[tuple[str, ...], int] = {}
    runs: list[tuple[int, int, int]] = []
    current: tuple[int, int, int] | None = None
    for position in range(len(texts) - window + 1):
        key = tuple(texts[position : position + window])
        first = earliest.setdefault(key, position)
        if first + window > position:
            first = -1
        if current is not None and first == current[0] + current[2] - window + 1 and first >= 0:
            current = (current[0], current[1], current[2] + 1)
            continue
        if current is not None:
            runs.append(current)
        current = (first, position, window) if first >= 0 else None
    if current is not None:
        runs.append(current)
    return [(a, b, min(length, b - a)) for a, b, length in runs if min(length, b - a) >= window]


def _apart(starts: list[int], length: int) -> list[int]:
    """The starts whose blocks do not overlap an earlier kept one (a long periodic run matches its
    first copy at every shift)."""
    kept: list[int] = []
    for start in starts:
        if not kept or start >= kept[-1] + length:
            kept.append(start)
    return kept


def find(
    source: str, language: Language | str, file: str | None = None, window: int = MIN_TOKENS
) -> Findings:
    found = tokens(source, language)
    texts = [t.text for t in found]
    blocks: dict[int, tuple[int, list[int]]] = {}
    for first, later, length in _matches(texts, window):
        shortest, laters = blocks.get(first, (length, []))
        blocks[first] = (min(shortest, length), [*laters, later])
    duplications = []
    for first, (length, laters) in sorted(blocks.items())[:MAX_REPORTED]:
        starts = _apart([first, *sorted(laters)], length)[:MAX_OCCURRENCES]
        places = tuple(Occurrence(found[s].line, found[s + length - 1].line, file) for s in starts)
        lines = places[0].end_line - places[0].start_line + 1
        duplications.append(Duplication(TOOL, lines, length, places))
    return Findings(duplications=tuple(duplications))
