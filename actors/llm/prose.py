"""Training-report prose from the Anthropic Messages API: one request forcing the `report_prose` tool
(structured output, schema `engine.scoring.prose.PROSE_TOOL`), its input validated by
`engine.scoring.prose.parse`.

Invariant: whatever goes wrong — a status the SDK gave up on, a timeout, no tool call, an input that
does not validate — ends as `ProseError` (the caller falls back to the offline prose), never as another
exception.
"""

from __future__ import annotations

from typing import Any, Final

import anthropic

from actors.llm.port import AiRuntime
from engine.scoring import prose

PROSE_MAX_TOKENS: Final = 1500


def _tool_input(message: Any) -> Any:
    for block in getattr(message, "content", None) or ():
        if getattr(block, "type", None) == "tool_use" and getattr(block, "name", None) == prose.TOOL_NAME:
            return getattr(block, "input", None)
    raise prose.ProseError(f"no {prose.TOOL_NAME} tool call in the reply")


async def write(ai: AiRuntime, report: dict[str, Any], code: str) -> prose.Prose:
    """Ask the model for the report's prose (raises `ProseError`)."""
    client = anthropic.AsyncAnthropic(
        api_key=ai.api_key, base_url=ai.base_url, timeout=ai.timeout_s, max_retries=ai.max_retries
    )
    request: dict[str, Any] = {
        "model": ai.model,
        "max_tokens": max(ai.max_tokens, PROSE_MAX_TOKENS),
        "system": prose.SYSTEM,
        "messages": [{"role": "user", "content": prose.prompt(report, code)}],
        "tools": [prose.PROSE_TOOL],
        "tool_choice": {"type": "tool", "name": prose.TOOL_NAME},
    }
    try:
        message = await client.messages.create(**request)
        return prose.parse(_tool_input(message))
    except anthropic.APIStatusError as exc:
        raise prose.ProseError(f"the AI service answered {exc.status_code}") from exc
    except anthropic.APITimeoutError as exc:
        raise prose.ProseError("the AI service timed out") from exc
    except anthropic.APIError as exc:
        raise prose.ProseError("the AI service could not be reached") from exc
    finally:
        await client.close()
