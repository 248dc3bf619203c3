"""The training report as one self-contained HTML page (`GET /sessions/{id}/report.html`): the five
dimension scores as an inline-SVG bar chart, the overall score, the trend against history, the prose, and
the final code with every cited line anchored (`#L12`) so each evidence item links to it.

Invariant: pure; every value taken from the report or the code is escaped (`html.escape`) before it is
placed in the page, the only markup kept from the prose is the rubric's balanced colour tags
(`<green>…</green>`, turned into spans after escaping); no scripts and no external assets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, Final

from engine.scoring.evidence import LINE_REFERENCE
from engine.scoring.model import Dimension
from engine.scoring.report import LABELS

BAR_COLOUR: Final = "#e6007e"
"""The dimension bars' fill: used nowhere else on the page (the screenshot test counts its pixels)."""
HISTORY_COLOURS: Final = ("#2b6cb0", "#a0aec0")
BAR_SCALE: Final = 3
"""Pixels per score point: a score of 100 draws a 300 px bar."""
BAR_X: Final = 170
BAR_HEIGHT: Final = 22
ROW_HEIGHT: Final = 40
TONE: Final = re.compile(r"&lt;(green|yellow|red)&gt;(.*?)&lt;/\1&gt;", re.DOTALL)
STYLE: Final = """
body{font-family:sans-serif;margin:24px;color:#1a202c;background:#fff;max-width:960px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.overall{font-size:40px;font-weight:bold}.muted{color:#4a5568}
.tone-green{color:#276749}.tone-yellow{color:#975a16}.tone-red{color:#9b2c2c}
.dimension{border-top:1px solid #e2e8f0;padding:8px 0}
pre.code{background:#f7fafc;border:1px solid #e2e8f0;padding:8px 0;overflow-x:auto;font-size:13px}
pre.code span.line{display:block;padding:0 8px}
pre.code span.cited{background:#fefcbf}pre.code span.line:target{background:#faf089}
pre.code a.ln{display:inline-block;width:3em;color:#718096;text-decoration:none;user-select:none}
"""


def _text(value: Any) -> str:
    return escape(str(value if value is not None else ""))


def _prose(value: Any) -> str:
    """Escaped text whose balanced colour tags become spans."""
    return TONE.sub(r'<span class="tone-\1">\2</span>', _text(value))


def _score(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _dimensions(report: Mapping[str, Any]) -> list[tuple[Dimension, Mapping[str, Any]]]:
    dims: Mapping[str, Any] = report.get("dimensions") or {}
    return [(d, dims.get(d.value) or {}) for d in Dimension]


def chart(report: Mapping[str, Any]) -> str:
    """Horizontal bars, one per dimension in the rubric's order (3 px per point)."""
    rows = _dimensions(report)
    height = ROW_HEIGHT * len(rows) + 10
    parts = [
        f'<svg id="scores" xmlns="http://www.w3.org/2000/svg" width="560" height="{height}" '
        'role="img" aria-label="Dimension scores">'
    ]
    for i, (dimension, scored) in enumerate(rows):
        score = max(0.0, min(100.0, _score(scored.get("score"))))
        y = 10 + i * ROW_HEIGHT
        parts += [
            f'<text x="0" y="{y + 16}" font-size="14">{_text(LABELS[dimension].capitalize())}</text>',
            f'<rect x="{BAR_X}" y="{y}" width="{100 * BAR_SCALE}" height="{BAR_HEIGHT}" fill="#edf2f7"/>',
            f'<rect class="bar" data-dimension="{dimension.value}" x="{BAR_X}" y="{y}" '
            f'width="{score * BAR_SCALE:g}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>',
            f'<text x="{BAR_X + 100 * BAR_SCALE + 10}" y="{y + 16}" font-size="14">{score:g}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def history(report: Mapping[str, Any]) -> str:
    """This session's overall score beside the average of the earlier ones, with the trend."""
    past = report.get("comparisonToHistory")
    if not isinstance(past, Mapping):
        return '<p class="muted">No earlier reports to compare with yet.</p>'
    now, before = _score(report.get("overallScore")), _score(past.get("averageScore"))
    bars = [("This session", now), (f"Average of {_text(past.get('sessionsCompared'))} earlier", before)]
    parts = ['<svg id="history" xmlns="http://www.w3.org/2000/svg" width="560" height="70">']
    for i, ((label, value), colour) in enumerate(zip(bars, HISTORY_COLOURS, strict=True)):
        y = 5 + i * 32
        width = max(0.0, min(100.0, value)) * BAR_SCALE
        parts += [
            f'<text x="0" y="{y + 15}" font-size="13">{label}</text>',
            f'<rect x="{BAR_X}" y="{y}" width="{width:g}" height="20" fill="{colour}"/>',
            f'<text x="{BAR_X + width + 8:g}" y="{y + 15}" font-size="13">{value:g}</text>',
        ]
    parts.append("</svg>")
    return f"{''.join(parts)}<p>Trend: <strong>{_text(past.get('trend'))}</strong></p>"


def snippet_line(code: str, snippet: str) -> int | None:
    """The 1-based line where `snippet` starts in `code` (its first occurrence), if it occurs."""
    at = code.find(snippet) if snippet else -1
    return None if at < 0 else code.count("\n", 0, at) + 1


def cited_line(item: Mapping[str, Any], code: str) -> int | None:
    """The final-code line an evidence item points at (None for events or references that do not
    resolve)."""
    reference = str(item.get("reference") or "")
    if item.get("type") == "code_line":
        found = LINE_REFERENCE.match(reference)
        line = int(found.group(1)) if found else 0
        return line if 1 <= line <= len(code.splitlines()) else None
    if item.get("type") == "code_snippet":
        return snippet_line(code, reference)
    return None


def _evidence(item: Mapping[str, Any], code: str) -> str:
    line, reference = cited_line(item, code), _text(item.get("reference"))
    shown = f'<a href="#L{line}">{reference}</a>' if line else f"<code>{reference}</code>"
    return f"<li>{shown} — {_text(item.get('description'))}</li>"


def _dimension_section(dimension: Dimension, scored: Mapping[str, Any], code: str) -> str:
    items = [i for i in scored.get("evidence") or () if isinstance(i, Mapping)]
    evidence = "".join(_evidence(i, code) for i in items)
    return (
        f'<div class="dimension" id="{dimension.value}"><h3>{_text(LABELS[dimension].capitalize())}: '
        f"{_score(scored.get('score')):g}</h3><p>{_prose(scored.get('feedback'))}</p>"
        f"<ul>{evidence}</ul></div>"
    )


def _list(title: str, items: Sequence[Any]) -> str:
    rows = "".join(f"<li>{_prose(i)}</li>" for i in items) or '<li class="muted">None noted.</li>'
    return f"<h2>{title}</h2><ul>{rows}</ul>"


def code_block(code: str, cited: set[int]) -> str:
    lines = code.splitlines() or [""]
    rows = "".join(
        f'<span class="line{" cited" if n in cited else ""}" id="L{n}"><a class="ln" href="#L{n}">{n}</a>'
        f"{_text(line)}</span>"
        for n, line in enumerate(lines, start=1)
    )
    return f'<pre class="code">{rows}</pre>'


def _peer(report: Mapping[str, Any]) -> str:
    peer = report.get("peerFeedbackSummary")
    if not isinstance(peer, Mapping):
        return ""
    themes = ", ".join(_text(t) for t in peer.get("themes") or ()) or "none"
    return f"<h2>Peer feedback</h2><p>{_text(peer.get('summary'))} Themes: {themes}.</p>"


def render(report: Mapping[str, Any], code: str, problem: str | None) -> str:
    """The whole page for one completed report and the final code it was scored from."""
    rows = _dimensions(report)
    cited = {
        line
        for _, scored in rows
        for item in scored.get("evidence") or ()
        if isinstance(item, Mapping) and (line := cited_line(item, code)) is not None
    }
    body = [
        f"<h1>Training report: {_text(problem or 'session')}</h1>",
        f'<p class="muted">Session {_text(report.get("sessionId"))} · generated '
        f"{_text(report.get('generatedAt'))} · prose: {_text(report.get('proseSource') or 'offline')}</p>",
        f'<p>Overall score <span class="overall" id="overall">{_score(report.get("overallScore")):g}</span>'
        " / 100</p>",
        chart(report),
        "<h2>Trend against your history</h2>",
        history(report),
        _list("Strengths", report.get("strengths") or ()),
        _list("Areas for improvement", report.get("areasForImprovement") or ()),
        f"<h2>Detailed feedback</h2><p>{_prose(report.get('detailedFeedback'))}</p>",
        _peer(report),
        "<h2>Dimensions and evidence</h2>",
        *(_dimension_section(d, scored, code) for d, scored in rows),
        "<h2>Final code</h2>",
        code_block(code, cited),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Training report {_text(report.get('sessionId'))}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
    )
