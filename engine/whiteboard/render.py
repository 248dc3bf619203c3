"""Our own SVG renderer for the whiteboard's tldraw shapes (drawsvg; pure: records in, SVG text out).

Drawn: geo rectangles, ellipses/ovals, triangles and diamonds (other geo kinds as their rectangle), draw
strokes, lines, arrows (straight or bent, with heads), text and notes. Any other shape is drawn as its
bounding box, dashed, with its type as a label. Each shape is one `<g>` carrying `data-shape-id` and
`data-shape-type`, transformed by the shape's position and rotation. The canvas is the union of the shapes'
boxes plus PADDING on a white background; an empty whiteboard is an EMPTY_SIZE blank canvas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import drawsvg as draw  # type: ignore[import-untyped]

from engine.whiteboard.records import shapes
from engine.whiteboard.shapes import (
    color,
    draw_segments,
    font_size,
    line_points,
    local_box,
    num,
    point,
    props,
    stroke_width,
    text_of,
)

PADDING: Final = 32.0
EMPTY_SIZE: Final = 64
LABEL_COLOR: Final = "#1d1d1d"
FONT_FAMILY: Final = "sans-serif"
Element = Any


@dataclass(frozen=True)
class Picture:
    svg: str
    width: int
    height: int
    shape_count: int


def _corners(shape: dict[str, Any]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = local_box(shape)
    angle = num(shape.get("rotation"))
    ox, oy = num(shape.get("x")), num(shape.get("y"))
    cos, sin = math.cos(angle), math.sin(angle)
    return [
        (ox + x * cos - y * sin, oy + x * sin + y * cos) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))
    ]


def _stroke(shape: dict[str, Any]) -> dict[str, Any]:
    style: dict[str, Any] = {"stroke": color(shape), "stroke_width": stroke_width(shape), "fill": "none"}
    dash = props(shape).get("dash")
    if dash == "dashed":
        style["stroke_dasharray"] = f"{style['stroke_width'] * 3} {style['stroke_width'] * 2}"
    elif dash == "dotted":
        style["stroke_dasharray"] = f"0.1 {style['stroke_width'] * 2}"
        style["stroke_linecap"] = "round"
    return style


def _fill(shape: dict[str, Any]) -> dict[str, Any]:
    fill = props(shape).get("fill", "none")
    if fill == "solid":
        return {"fill": color(shape), "fill_opacity": 1}
    if fill in {"semi", "pattern", "fill"}:
        return {"fill": color(shape), "fill_opacity": 0.3}
    return {"fill": "none"}


def _label(text: str, x: float, y: float, size: float, anchor: str = "middle") -> list[Element]:
    if not text:
        return []
    lines = text.split("\n")
    top = y - (len(lines) - 1) * size * 0.6 if anchor == "middle" else y + size
    return [
        draw.Text(
            lines,
            size,
            x,
            top,
            text_anchor=anchor,
            dominant_baseline="central" if anchor == "middle" else None,
            font_family=FONT_FAMILY,
            fill=LABEL_COLOR,
        )
    ]


def _geo(shape: dict[str, Any]) -> list[Element]:
    p = props(shape)
    w, h = num(p.get("w"), 100.0), num(p.get("h"), 100.0) + num(p.get("growY"))
    style = _stroke(shape) | _fill(shape)
    kind = p.get("geo", "rectangle")
    if kind in {"ellipse", "oval"}:
        body: Element = draw.Ellipse(w / 2, h / 2, w / 2, h / 2, **style)
    elif kind == "triangle":
        body = draw.Lines(w / 2, 0, w, h, 0, h, close=True, **style)
    elif kind in {"diamond", "rhombus"}:
        body = draw.Lines(w / 2, 0, w, h / 2, w / 2, h, 0, h / 2, close=True, **style)
    else:
        body = draw.Rectangle(0, 0, w, h, **style)
    return [body, *_label(text_of(shape), w / 2, h / 2, font_size(shape) * 0.75)]


def _freehand(shape: dict[str, Any]) -> list[Element]:
    style = _stroke(shape) | {"stroke_linecap": "round", "stroke_linejoin": "round"}
    closed = bool(props(shape).get("isClosed"))
    elements: list[Element] = []
    for segment in draw_segments(shape):
        if len(segment) == 1:
            segment = [segment[0], (segment[0][0] + 0.01, segment[0][1])]  # a dot
        flat = [c for q in segment for c in q]
        elements.append(draw.Lines(*flat, close=closed, **style))
    return elements


def _line(shape: dict[str, Any]) -> list[Element]:
    flat = [c for q in line_points(shape) for c in q]
    return [draw.Lines(*flat, close=False, **_stroke(shape))] if len(flat) >= 4 else []


def _head(tip: tuple[float, float], toward: tuple[float, float], size: float, fill: str) -> Element:
    angle = math.atan2(tip[1] - toward[1], tip[0] - toward[0])
    left = (tip[0] - size * math.cos(angle - 0.45), tip[1] - size * math.sin(angle - 0.45))
    right = (tip[0] - size * math.cos(angle + 0.45), tip[1] - size * math.sin(angle + 0.45))
    return draw.Lines(*tip, *left, *right, close=True, fill=fill, stroke=fill)


def _arrow(shape: dict[str, Any]) -> list[Element]:
    p = props(shape)
    start, end = point(p.get("start")) or (0.0, 0.0), point(p.get("end")) or (0.0, 0.0)
    bend = num(p.get("bend"))
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    length = math.dist(start, end) or 1.0
    normal = ((end[1] - start[1]) / length, -(end[0] - start[0]) / length)
    control = (mid[0] + normal[0] * bend * 2, mid[1] + normal[1] * bend * 2)
    path = draw.Path(**_stroke(shape)).M(*start).Q(*control, *end)
    size = stroke_width(shape) * 4 + 6
    heads = []
    if p.get("arrowheadEnd", "arrow") != "none":
        heads.append(_head(end, control, size, color(shape)))
    if p.get("arrowheadStart", "none") != "none":
        heads.append(_head(start, control, size, color(shape)))
    return [path, *heads, *_label(text_of(shape), *control, font_size(shape) * 0.75)]


def _text(shape: dict[str, Any]) -> list[Element]:
    text = text_of(shape)
    return _label(text, 0, 0, font_size(shape), anchor="start") if text else []


def _note(shape: dict[str, Any]) -> list[Element]:
    x0, y0, x1, y1 = local_box(shape)
    body = draw.Rectangle(x0, y0, x1 - x0, y1 - y0, fill=color(shape), fill_opacity=0.35, stroke=color(shape))
    return [body, *_label(text_of(shape), (x1 - x0) / 2, (y1 - y0) / 2, font_size(shape) * 0.75)]


def _unknown(shape: dict[str, Any]) -> list[Element]:
    x0, y0, x1, y1 = local_box(shape)
    box = draw.Rectangle(
        x0, y0, x1 - x0, y1 - y0, fill="none", stroke="#9fa8b2", stroke_width=2, stroke_dasharray="6 4"
    )
    label = str(shape.get("type") or "shape")
    return [box, *_label(label, (x0 + x1) / 2, (y0 + y1) / 2, 14)]


DRAWERS: Final = {
    "geo": _geo,
    "draw": _freehand,
    "highlight": _freehand,
    "line": _line,
    "arrow": _arrow,
    "text": _text,
    "note": _note,
}


def _group(shape: dict[str, Any]) -> Element:
    kind = str(shape.get("type") or "")
    x, y = num(shape.get("x")), num(shape.get("y"))
    degrees = math.degrees(num(shape.get("rotation")))
    group = draw.Group(
        transform=f"translate({x:g},{y:g}) rotate({degrees:g})",
        data_shape_id=str(shape.get("id", "")),
        data_shape_type=kind,
        opacity=num(shape.get("opacity"), 1.0),
    )
    for element in DRAWERS.get(kind, _unknown)(shape):
        group.append(element)
    return group


def render_svg(records: dict[str, dict[str, Any]]) -> Picture:
    drawn = shapes(records)
    if not drawn:
        canvas = draw.Drawing(EMPTY_SIZE, EMPTY_SIZE)
        canvas.append(draw.Rectangle(0, 0, EMPTY_SIZE, EMPTY_SIZE, fill="#ffffff"))
        return Picture(canvas.as_svg(), EMPTY_SIZE, EMPTY_SIZE, 0)
    corners = [c for shape in drawn for c in _corners(shape)]
    left = min(c[0] for c in corners) - PADDING
    top = min(c[1] for c in corners) - PADDING
    width = math.ceil(max(c[0] for c in corners) + PADDING - left)
    height = math.ceil(max(c[1] for c in corners) + PADDING - top)
    canvas = draw.Drawing(width, height, origin=(left, top))
    canvas.append(draw.Rectangle(left, top, width, height, fill="#ffffff"))
    for shape in drawn:
        canvas.append(_group(shape))
    return Picture(canvas.as_svg(), width, height, len(drawn))
