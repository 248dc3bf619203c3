"""Copy-paste detection: repeated token runs reported once per block with every place it occurs."""

from __future__ import annotations

import itertools

import pytest

from engine.analysis import duplication
from engine.analysis.duplication import MAX_OCCURRENCES, MAX_REPORTED, MIN_TOKENS, find, tokens
from engine.analysis.model import Duplication, Findings, Occurrence

BLOCK = """\
    total = 0
    for item in items:
        if item > limit and item % 2 == 0:
            total += item * 2
        else:
            total -= item // 3
"""
"""Six lines, 34 tokens (at least `MIN_TOKENS`)."""

RENAMED = """\
    acc = 0
    for value in values:
        if value > bound and value % 2 == 0:
            acc += value * 2
        else:
            acc -= value // 3
"""
"""`BLOCK` with every name changed."""

COMMENTED = """\
    total = 0  # running sum
    # walk every item
    for item in items:
        if item > limit and item % 2 == 0:  # even and large
            total += item * 2
        else:
            total -= item // 3
"""
"""`BLOCK` with comments added (seven lines)."""


def copy(index: int, body: str) -> str:
    """A function holding `body`, fenced by tokens no other copy shares (12 lines for a 6-line body)."""
    return (
        f"def f{index}(items, limit):\n"
        f"    marker = {index + 100}\n"
        f"{body}"
        f"    done{index} = total\n"
        f"    return done{index}\n"
        "\n\n"
    )


def test_block_copied_three_times_is_one_duplication_with_three_occurrences() -> None:
    source = copy(0, BLOCK) + copy(1, BLOCK) + copy(2, BLOCK)
    assert len(tokens(BLOCK, "python")) == 34
    assert find(source, "python", "main.py") == Findings(
        duplications=(
            Duplication(
                tool="duplicates",
                lines=6,
                tokens=34,
                occurrences=(
                    Occurrence(3, 8, "main.py"),
                    Occurrence(15, 20, "main.py"),
                    Occurrence(27, 32, "main.py"),
                ),
            ),
        )
    )


def test_code_differing_in_names_is_not_a_duplicate() -> None:
    source = copy(0, BLOCK) + copy(1, RENAMED) + copy(2, BLOCK.replace("limit", "bound"))
    assert find(source, "python").duplications == ()


def test_comments_are_ignored() -> None:
    found = find(copy(0, BLOCK) + copy(1, COMMENTED), "python").duplications
    assert [(d.lines, d.tokens) for d in found] == [(6, 34)]
    assert found[0].occurrences == (Occurrence(3, 8), Occurrence(15, 21))


def test_c_line_and_block_comments_are_ignored() -> None:
    body = "    for (int i = 0; i < n; i++) {\n        sum += values[i] * weight;\n    }\n"
    commented = (
        "    /* accumulate\n       every value */\n"
        "    for (int i = 0; i < n; i++) { // each\n        sum += values[i] * weight;\n    }\n"
    )
    source = f"int a(void) {{\n{body}}}\nint b(void) {{\n{commented}}}\n"
    # From `(void) {` to the closing braces; the copy spans two more lines, its comments.
    assert find(source, "c", "main.c").duplications == (
        Duplication("duplicates", 5, 32, (Occurrence(1, 5, "main.c"), Occurrence(6, 12, "main.c"))),
    )


def test_a_repeat_shorter_than_the_window_is_not_reported() -> None:
    def fenced(run: str) -> str:
        return f"head = 1\n{run}\nmiddle = 2\n{run}\ntail = 3\n"

    exact = " ".join(f"t{i}" for i in range(MIN_TOKENS))
    short = " ".join(f"t{i}" for i in range(MIN_TOKENS - 1))
    assert [d.tokens for d in find(fenced(exact), "python").duplications] == [MIN_TOKENS]
    assert find(fenced(short), "python").duplications == ()
    assert [d.tokens for d in find(fenced(short), "python", window=MIN_TOKENS - 1).duplications] == [
        MIN_TOKENS - 1
    ]


def test_overlapping_self_repeat_is_not_a_duplicate_of_itself() -> None:
    source = "x = 1\n" * 20  # 60 tokens: every repeated window overlaps its earlier copy
    assert len(tokens(source, "python")) > MIN_TOKENS
    assert find(source, "python").duplications == ()


def test_occurrences_of_one_block_never_overlap() -> None:
    found = find("x = 1\n" * 30, "python").duplications
    for block in found:
        places = sorted(block.occurrences, key=lambda o: o.start_line)
        assert all(later.start_line > earlier.end_line for earlier, later in itertools.pairwise(places))


def test_occurrences_are_capped() -> None:
    source = "".join(copy(index, BLOCK) for index in range(MAX_OCCURRENCES + 5))
    found = find(source, "python").duplications
    assert len(found) == 1
    assert len(found[0].occurrences) == MAX_OCCURRENCES
    assert [o.start_line for o in found[0].occurrences] == [3 + 12 * i for i in range(MAX_OCCURRENCES)]


def distinct_pairs(size: int) -> tuple[str, int]:
    """`size` characters of functions each written twice (names differ between pairs)."""
    parts: list[str] = []
    pairs = 0
    while sum(map(len, parts)) < size:
        body = (
            f"    count_{pairs} = 0\n"
            f"    for entry_{pairs} in values_{pairs}:\n"
            f"        if entry_{pairs} > bound_{pairs} and entry_{pairs} % 3 == 0:\n"
            f"            count_{pairs} += entry_{pairs} * 2 - bound_{pairs}\n"
            f"    return count_{pairs}\n\n"
        )
        parts += [f"def alpha_{pairs}(values_{pairs}, bound_{pairs}):\n{body}"]
        parts += [f"def beta_{pairs}(values_{pairs}, bound_{pairs}):\n{body}"]
        pairs += 1
    return "".join(parts)[:size], pairs


def test_large_source_reports_at_most_max_reported_blocks_in_source_order() -> None:
    source, pairs = distinct_pairs(64 * 1024)
    assert pairs > MAX_REPORTED
    found = find(source, "python").duplications
    assert len(found) == MAX_REPORTED
    assert all(len(block.occurrences) == 2 for block in found)
    starts = [block.occurrences[0].start_line for block in found]
    assert starts == sorted(starts)


def test_large_uniform_source_finishes_within_the_caps() -> None:
    source = ("total += 1\n" * (64 * 1024 // 11))[: 64 * 1024]
    found = find(source, "python").duplications
    assert len(found) <= MAX_REPORTED
    assert all(len(block.occurrences) <= MAX_OCCURRENCES for block in found)


def test_no_source_no_duplications() -> None:
    assert find("", "python") == Findings()
    assert find("x = 1\n", "go") == Findings()


# tokens


def test_python_tokens_skip_comments_but_not_hashes_in_strings() -> None:
    found = tokens('x = "a # b"  # comment\ny == 2\n', "python")
    assert [(t.text, t.line) for t in found] == [
        ("x", 1),
        ("=", 1),
        ('"a # b"', 1),
        ("y", 2),
        ("==", 2),
        ("2", 2),
    ]


def test_slash_comment_languages_keep_hash_and_count_lines_inside_comments() -> None:
    source = "#include <stdio.h>\n/* one\n   two */ int x; // tail\nx -> y\n"
    found = tokens(source, "cpp")
    assert [(t.text, t.line) for t in found] == [
        ("#", 1),
        ("include", 1),
        ("<", 1),
        ("stdio", 1),
        (".", 1),
        ("h", 1),
        (">", 1),
        ("int", 3),
        ("x", 3),
        (";", 3),
        ("x", 4),
        ("->", 4),
        ("y", 4),
    ]


def test_template_string_is_one_token_spanning_lines() -> None:
    found = tokens("const s = `a\nb`;\nlet t;\n", "javascript")
    assert [(t.text, t.line) for t in found] == [
        ("const", 1),
        ("s", 1),
        ("=", 1),
        ("`a\nb`", 1),
        (";", 2),
        ("let", 3),
        ("t", 3),
        (";", 3),
    ]


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="cobol"):
        tokens("x", "cobol")


def test_tool_name() -> None:
    assert duplication.TOOL == "duplicates"
