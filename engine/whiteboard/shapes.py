"""Reading tldraw shape records: numbers, colours, text and each shape's local geometry.

A shape's geometry is in its own frame: origin at the record's (x, y), rotated by `rotation` radians
around that origin (as tldraw does). Values from another client may be missing or of the wrong type:
every reader falls back to tldraw's defaults instead of failing.
"""

from __future__ import annotations

from typing import Any, Final

COLORS: Final = {
    "black": "#1d1d1d",
    "grey": "#9fa8b2",
    "light-violet": "#e085f4",
    "violet": "#ae3ec9",
    "blue": "#4465e9",
    "light-blue": "#4ba1f1",
    "yellow": "#f1ac4b",
    "orange": "#e16919",
    "green": "#099268",
    "light-green": "#4cb05e",
    "light-red": "#f87777",
    "red": "#e03131",
    "white": "#ffffff",
}
STROKE_WIDTHS: Final = {"s": 2.0, "m": 3.5, "l": 5.0, "xl": 10.0}
FONT_SIZES: Final = {"s": 18.0, "m": 24.0, "l": 36.0, "xl": 44.0}
NOTE_SIZE: Final = 200.0
DEFAULT_BOX: Final = 100.0


def num(value: object, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value) if value == value and abs(value) < 1e9 else default  # NaN, absurd sizes


def props(shape: dict[str, Any]) -> dict[str, Any]:
    found = shape.get("props")
    return found if isinstance(found, dict) else {}


def color(shape: dict[str, Any], key: str = "color") -> str:
    return COLORS.get(str(props(shape).get(key, "black")), COLORS["black"])


def stroke_width(shape: dict[str, Any]) -> float:
    return STROKE_WIDTHS.get(str(props(shape).get("size", "m")), STROKE_WIDTHS["m"])


def font_size(shape: dict[str, Any]) -> float:
    scale = num(props(shape).get("scale"), 1.0) or 1.0
    return FONT_SIZES.get(str(props(shape).get("size", "m")), FONT_SIZES["m"]) * scale


def _rich_text(node: object) -> str:
    """The plain text of a TipTap document (tldraw's `richText`): paragraphs become lines."""
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    children = node.get("content")
    parts = [_rich_text(c) for c in children] if isinstance(children, list) else []
    joiner = "\n" if node.get("type") == "doc" else ""
    return joiner.join(parts)


def text_of(shape: dict[str, Any]) -> str:
    p = props(shape)
    if isinstance(p.get("text"), str) and p["text"]:
        return str(p["text"])
    return _rich_text(p.get("richText"))


def point(value: object) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    return num(value.get("x")), num(value.get("y"))


def line_points(shape: dict[str, Any]) -> list[tuple[float, float]]:
    """A line's handles in order: tldraw ≥ 2.4 keeps `points` as {id: {index, x, y}}, older a list."""
    raw = props(shape).get("points")
    items = list(raw.values()) if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    ordered = sorted((i for i in items if isinstance(i, dict)), key=lambda i: str(i.get("index", "")))
    return [p for p in (point(i) for i in ordered) if p is not None]


def draw_segments(shape: dict[str, Any]) -> list[list[tuple[float, float]]]:
    raw = props(shape).get("segments")
    segments: list[list[tuple[float, float]]] = []
    for segment in raw if isinstance(raw, list) else []:
        points = segment.get("points") if isinstance(segment, dict) else None
        found = [p for p in (point(q) for q in points or []) if p is not None]
        if found:
            segments.append(found)
    return segments


def local_box(shape: dict[str, Any]) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of the shape in its own frame."""
    kind, p = shape.get("type"), props(shape)
    if kind == "draw":
        pts = [q for s in draw_segments(shape) for q in s] or [(0.0, 0.0)]
    elif kind == "line":
        pts = line_points(shape) or [(0.0, 0.0)]
    elif kind == "arrow":
        pts = [point(p.get("start")) or (0.0, 0.0), point(p.get("end")) or (0.0, 0.0)]
    elif kind == "note":
        scale = num(p.get("scale"), 1.0) or 1.0
        pts = [(0.0, 0.0), (NOTE_SIZE * scale, NOTE_SIZE * scale + num(p.get("growY")))]
    elif kind == "text":
        lines = text_of(shape).split("\n") or [""]
        size = font_size(shape)
        width = num(p.get("w"), 0.0) or max(len(line) for line in lines) * size * 0.6
        pts = [(0.0, 0.0), (width, len(lines) * size * 1.35)]
    else:
        pts = [(0.0, 0.0), (num(p.get("w"), DEFAULT_BOX), num(p.get("h"), DEFAULT_BOX) + num(p.get("growY")))]
    xs, ys = [q[0] for q in pts], [q[1] for q in pts]
    return min(xs), min(ys), max(xs), max(ys)
