"""Output comparison: trailing whitespace per line and trailing empty lines are ignored, nothing else."""

from __future__ import annotations

import pytest

from engine.execution.compare import normalise, outputs_match, trimmed


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("1 2\n", "1 2"),
        ("1 2   \n3\t\n", "1 2\n3"),
        ("a\r\nb\r\n", "a\nb\n"),
        ("a\n\n\n", "a"),
        ("a\n \n\t\n", "a\n"),
        ("", ""),
        ("\n\n", ""),
        ("x\n\ny\n", "x\n\ny"),
    ],
)
def test_outputs_match_ignores_trailing_whitespace_and_blank_lines(actual: str, expected: str) -> None:
    assert outputs_match(actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (" 1 2", "1 2"),
        ("1  2", "1 2"),
        ("a\nb", "b\na"),
        ("Yes", "yes"),
        ("x\ny", "x\n\ny"),
        ("", "0"),
        ("1 2\n3", "1 2"),
    ],
)
def test_outputs_match_keeps_leading_inner_whitespace_case_and_order(actual: str, expected: str) -> None:
    assert not outputs_match(actual, expected)


def test_normalise_strips_each_line_end_and_trailing_empty_lines() -> None:
    assert normalise(" a \t\nb\r\n\n \n") == [" a", "b"]


def test_trimmed_joins_the_normalised_lines() -> None:
    assert trimmed("1 \n2\n\n") == "1\n2"
