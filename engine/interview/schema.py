"""Structured output of LLM providers: the tool (JSON schema) each task answers with, and the parsers
that turn a tool's input back into domain values.

Invariant: a parser either returns a well-formed value or raises `MalformedOutputError`; it never passes an
unchecked field through. Review scores are clamped to the rubric's baseline ± `REVIEW_ADJUST`.
"""

from __future__ import annotations

from typing import Any

from engine.interview.model import (
    Annotation,
    CodeAnalysis,
    DimensionScore,
    HintLevel,
    HintText,
    QuestionType,
    Reply,
    Review,
)
from engine.interview.prompt import REVIEW_ADJUST


class MalformedOutputError(ValueError):
    """The provider's answer does not have the shape its tool asked for."""


_STR: dict[str, Any] = {"type": "string"}
_ANNOTATIONS: dict[str, Any] = {
    "type": "array",
    "maxItems": 12,
    "items": {
        "type": "object",
        "properties": {
            "line": {"type": "integer", "minimum": 1},
            "comment": _STR,
            "severity": {"type": "string", "enum": ["info", "warning", "error"]},
        },
        "required": ["line", "comment"],
    },
}


def _tool(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"name": name, "description": description, "input_schema": schema}


REPLY_TOOL = _tool(
    "interviewer_turn",
    "The interviewer's next turn.",
    {
        "shouldRespond": {"type": "boolean"},
        "message": _STR,
        "followUpQuestion": _STR,
        "questionType": {"type": "string", "enum": [q.value for q in QuestionType]},
        "codeAnnotations": _ANNOTATIONS,
    },
    ["shouldRespond", "message"],
)
HINT_TOOL = _tool(
    "hint",
    "One hint on the ladder.",
    {"hint": _STR, "suggestedApproach": _STR, "reflectionPrompt": _STR},
    ["hint"],
)
REVIEW_TOOL = _tool(
    "code_review",
    "A code review with rubric scores.",
    {
        "summary": _STR,
        "scores": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 100},
        },
        "comments": {"type": "object", "additionalProperties": _STR},
        "annotations": _ANNOTATIONS,
        "suggestions": {"type": "array", "items": _STR, "maxItems": 6},
    },
    ["summary", "scores", "annotations", "suggestions"],
)
ANALYSIS_TOOL = _tool(
    "code_analysis",
    "A short analysis of the shown code.",
    {
        "summary": _STR,
        "focusAreas": {
            "type": "object",
            "properties": {"complexity": _STR, "edgeCases": _STR, "readability": _STR},
            "required": ["complexity", "edgeCases", "readability"],
        },
        "followUpQuestions": {"type": "array", "items": _STR, "minItems": 1, "maxItems": 3},
    },
    ["summary", "focusAreas", "followUpQuestions"],
)


def _text(data: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise MalformedOutputError(f"{key} must be a non-empty string")
    return value.strip() or None


def _annotations(raw: object) -> tuple[Annotation, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise MalformedOutputError("annotations must be a list")
    out = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("line"), int)
            or not isinstance(item.get("comment"), str)
        ):
            raise MalformedOutputError("annotation needs an integer line and a comment")
        severity = item.get("severity") if item.get("severity") in ("info", "warning", "error") else "info"
        out.append(Annotation(item["line"], item["comment"], str(severity)))
    return tuple(out)


def parse_reply(data: dict[str, Any]) -> Reply:
    respond = data.get("shouldRespond")
    if not isinstance(respond, bool):
        raise MalformedOutputError("shouldRespond must be a boolean")
    if not respond:
        return Reply(should_respond=False)
    kind = data.get("questionType")
    return Reply(
        should_respond=True,
        message=_text(data, "message") or "",
        follow_up=_text(data, "followUpQuestion", required=False),
        question_type=QuestionType(kind) if isinstance(kind, str) and kind in set(QuestionType) else None,
        annotations=_annotations(data.get("codeAnnotations")),
    )


def parse_hint(data: dict[str, Any], level: HintLevel) -> HintText:
    return HintText(
        hint=_text(data, "hint") or "",
        level=level,
        suggested_approach=_text(data, "suggestedApproach", required=False),
        reflection_prompt=_text(data, "reflectionPrompt", required=False),
    )


def parse_review(data: dict[str, Any], baseline: Review) -> Review:
    scores, comments = data.get("scores"), data.get("comments") or {}
    suggestions = data.get("suggestions")
    if not isinstance(scores, dict) or not isinstance(comments, dict) or not isinstance(suggestions, list):
        raise MalformedOutputError("scores, comments and suggestions have the wrong type")
    dims = []
    for base in baseline.dimensions:
        given = scores.get(base.name, base.score)
        value = given if isinstance(given, int) else base.score
        score = max(base.score - REVIEW_ADJUST, min(base.score + REVIEW_ADJUST, value))
        comment = comments.get(base.name)
        dims.append(DimensionScore(base.name, score, comment if isinstance(comment, str) else base.comment))
    overall = round(sum(d.score for d in dims) / len(dims)) if dims else baseline.overall
    return Review(
        overall=max(baseline.overall - REVIEW_ADJUST, min(baseline.overall + REVIEW_ADJUST, overall)),
        summary=_text(data, "summary") or "",
        dimensions=tuple(dims),
        annotations=_annotations(data.get("annotations")) or baseline.annotations,
        suggestions=tuple(s for s in suggestions if isinstance(s, str) and s.strip()) or baseline.suggestions,
    )


def parse_analysis(data: dict[str, Any]) -> CodeAnalysis:
    areas = data.get("focusAreas")
    questions = data.get("followUpQuestions")
    if not isinstance(areas, dict) or not isinstance(questions, list) or not questions:
        raise MalformedOutputError("focusAreas and followUpQuestions are required")
    return CodeAnalysis(
        summary=_text(data, "summary") or "",
        complexity=_text(areas, "complexity") or "",
        edge_cases=_text(areas, "edgeCases") or "",
        readability=_text(areas, "readability") or "",
        questions=tuple(q for q in questions if isinstance(q, str) and q.strip()),
    )
