"""The report page and the model-prose merge, on reports the rubric really built: everything is
escaped, every cited line is an anchor of the code shown, the bars are as wide as the scores, and the
model's prose never changes a score or an evidence item."""

from __future__ import annotations

import re
from typing import Any

import pytest

from engine.scoring import prose
from engine.scoring.model import Dimension
from engine.scoring.page import BAR_COLOUR, BAR_SCALE, cited_line, render, snippet_line
from engine.scoring.report import build_report
from tests.engine.test_scoring import BRUTE_SESSION, OPTIMAL_SESSION, START

HOSTILE = '<script>alert("x")</script>'
GOOD_PROSE: dict[str, Any] = {
    "dimensions": {d.value: f"Model feedback on {d.value}." for d in Dimension},
    "strengths": ["Clear loop."],
    "areasForImprovement": ["Measure on large inputs first."],
    "detailedFeedback": "A focused session.",
}


def _report() -> dict[str, Any]:
    return build_report(BRUTE_SESSION, START)


def test_page_links_every_cited_line_to_an_anchor_of_the_code() -> None:
    report, code = _report(), BRUTE_SESSION.final_code
    page = render(report, code, "Two Sum")
    anchors = set(re.findall(r'id="L(\d+)"', page))
    assert anchors == {str(n) for n in range(1, len(code.splitlines()) + 1)}
    cited = [
        cited_line(item, code)
        for d in Dimension
        for item in report["dimensions"][d.value]["evidence"]
        if item["type"] != "event_timestamp"
    ]
    assert cited and all(line is not None for line in cited)
    for line in cited:
        assert f'href="#L{line}"' in page
        assert re.search(rf'class="line cited" id="L{line}"', page)


def test_page_bars_are_as_wide_as_the_scores() -> None:
    report = build_report(OPTIMAL_SESSION, START)
    page = render(report, OPTIMAL_SESSION.final_code, None)
    bars = re.findall(r'data-dimension="(\w+)" x="\d+" y="\d+" width="([\d.]+)"', page)
    assert [name for name, _ in bars] == [d.value for d in Dimension]
    for name, width in bars:
        assert float(width) == report["categoryScores"][name] * BAR_SCALE
    assert page.count(f'fill="{BAR_COLOUR}"') == len(Dimension)


def test_page_escapes_code_and_prose_and_keeps_only_balanced_tone_tags() -> None:
    report = _report()
    report["detailedFeedback"] = f"<green>fine</green> {HOSTILE} <red>unclosed"
    report["strengths"] = [HOSTILE]
    page = render(report, f"x = 1  # {HOSTILE}\n", HOSTILE)
    assert "<script" not in page
    assert page.count("&lt;script&gt;") == 4
    assert '<span class="tone-green">fine</span>' in page
    assert "&lt;red&gt;unclosed" in page


def test_page_snippet_and_unknown_references_resolve_to_lines_or_nothing() -> None:
    code = "a = 1\nb = 2\nc = 3\n"
    assert snippet_line(code, "b = 2\nc = 3") == 2
    assert snippet_line(code, "zzz") is None
    assert cited_line({"type": "code_line", "reference": "L9: nope"}, code) is None
    assert cited_line({"type": "event_timestamp", "reference": "L1: a = 1"}, code) is None


def test_prose_from_the_model_changes_prose_only() -> None:
    report = _report()
    merged = prose.with_prose(report, prose.parse(GOOD_PROSE))
    assert merged["proseSource"] == "anthropic" and report["proseSource"] == "offline"
    assert merged["categoryScores"] == report["categoryScores"]
    assert merged["overallScore"] == report["overallScore"]
    for d in Dimension:
        mine, theirs = merged["dimensions"][d.value], report["dimensions"][d.value]
        assert (mine["score"], mine["evidence"]) == (theirs["score"], theirs["evidence"])
        assert mine["feedback"].endswith(f"Model feedback on {d.value}.")
        assert mine["feedback"].split(" ", 2)[:2] == theirs["feedback"].split(" ", 2)[:2]
    assert merged["feedback"] == merged["detailedFeedback"] == "A focused session."
    assert prose.offline(report, model_configured=True)["proseSource"] == "offline_fallback"


@pytest.mark.parametrize(
    "broken",
    [
        {**GOOD_PROSE, "dimensions": {"correctness": "only one"}},
        {**GOOD_PROSE, "strengths": ["a", "b", "c", "d"]},
        {**GOOD_PROSE, "detailedFeedback": "x" * (prose.DETAILED_MAX + 1)},
        {**GOOD_PROSE, "areasForImprovement": [3]},
        {**GOOD_PROSE, "detailedFeedback": "   "},
        ["not", "an", "object"],
    ],
)
def test_prose_invalid_model_output_is_refused(broken: Any) -> None:
    with pytest.raises(prose.ProseError):
        prose.parse(broken)


def test_prose_prompt_carries_the_scores_and_numbered_code() -> None:
    text = prose.prompt(_report(), BRUTE_SESSION.final_code)
    assert "L2|     for i in range(len(nums)):" in text
    assert '"score": ' in text and "<UNTRUSTED_FINAL_CODE>" in text
