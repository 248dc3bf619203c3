"""Output comparison for stdin -> stdout tests.

Two outputs match when their lines are equal after removing trailing whitespace from every line and
dropping trailing empty lines. Leading and inner whitespace, letter case and line order are significant.
`\r\n` and `\n` line ends are equivalent (the `\r` is trailing whitespace).
"""

from __future__ import annotations

from typing import Final

TRAILING_WHITESPACE: Final = " \t\r\f\v"


def normalise(text: str) -> list[str]:
    lines = [line.rstrip(TRAILING_WHITESPACE) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def outputs_match(actual: str, expected: str) -> bool:
    return normalise(actual) == normalise(expected)


def trimmed(text: str) -> str:
    """The normalised form as one string (the reference's `actual`/`expected` columns)."""
    return "\n".join(normalise(text))
