"""The Anthropic provider: the Messages API through the `anthropic` SDK.

Every call sends the fixed system prompt and the room's problem + rubric prefix as a cached system
block (`cache_control: ephemeral`), then one user turn assembled by `engine.interview.prompt`, and asks
for a forced tool call whose input is the structured answer. Interview turns are streamed; hints,
reviews and analyses are single requests. The SDK retries 408/409/429/5xx/529 and connection errors
(`max_retries`, honouring `retry-after`) within its per-request timeout. Invariant: whatever goes wrong
— a status the SDK gave up on, a timeout, a reply without the tool call or with the wrong shape — ends
as `Unavailable(AI_SERVICE_UNAVAILABLE)`, never as another exception.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anthropic

from actors.llm.port import AiRuntime, Usage
from engine.errors import ErrorCode, Unavailable
from engine.interview import prompt, review, schema
from engine.interview.context import Context
from engine.interview.machine import Plan
from engine.interview.model import CodeAnalysis, HintLevel, HintText, Reply, Review
from engine.interview.state import HintRecord

log = logging.getLogger(__name__)
T = TypeVar("T")


def _usage(message: Any, model: str) -> Usage:
    used = getattr(message, "usage", None)
    return Usage(
        provider="anthropic",
        model=str(getattr(message, "model", None) or model),
        input_tokens=int(getattr(used, "input_tokens", 0) or 0),
        output_tokens=int(getattr(used, "output_tokens", 0) or 0),
        cache_read_tokens=int(getattr(used, "cache_read_input_tokens", 0) or 0),
        cache_write_tokens=int(getattr(used, "cache_creation_input_tokens", 0) or 0),
    )


def _tool_input(message: Any, tool: str) -> dict[str, Any]:
    for block in getattr(message, "content", None) or ():
        if getattr(block, "type", None) == "tool_use" and getattr(block, "name", None) == tool:
            data = getattr(block, "input", None)
            if isinstance(data, dict):
                return data
    raise schema.MalformedOutputError(f"no {tool} tool call in the reply")


class ClaudeProvider:
    name = "anthropic"

    def __init__(self, runtime: AiRuntime) -> None:
        self.model = runtime.model
        self._max_tokens = runtime.max_tokens
        self._client = anthropic.AsyncAnthropic(
            api_key=runtime.api_key,
            base_url=runtime.base_url,
            timeout=runtime.timeout_s,
            max_retries=runtime.max_retries,
        )

    def _request(self, ctx: Context, text: str, tool: dict[str, Any]) -> dict[str, Any]:
        system = [
            {"type": "text", "text": prompt.SYSTEM},
            {
                "type": "text",
                "text": prompt.problem_prefix(ctx.problem),
                "cache_control": {"type": "ephemeral"},
            },
        ]
        return {
            "model": self.model,
            "max_tokens": self._max_tokens,
            "system": system,
            "messages": [{"role": "user", "content": text}],
            "tools": [tool],
            "tool_choice": {"type": "tool", "name": tool["name"]},
        }

    async def _guarded(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except anthropic.APIStatusError as exc:
            log.warning("anthropic refused the request", extra={"status": exc.status_code})
            raise _unavailable(f"The AI service answered {exc.status_code}") from exc
        except anthropic.APITimeoutError as exc:
            raise _unavailable("The AI service timed out") from exc
        except anthropic.APIError as exc:
            raise _unavailable("The AI service could not be reached") from exc
        except (schema.MalformedOutputError, ValueError) as exc:
            log.warning("anthropic reply was malformed: %s", exc)
            raise _unavailable("The AI service returned a malformed reply") from exc

    async def _create(self, request: dict[str, Any]) -> Any:
        return await self._client.messages.create(**request)

    async def _stream(self, request: dict[str, Any]) -> Any:
        async with self._client.messages.stream(**request) as stream:
            return await stream.get_final_message()

    async def reply(self, plan: Plan, ctx: Context) -> tuple[Reply, Usage]:
        request = self._request(ctx, prompt.turn_prompt(plan, ctx), schema.REPLY_TOOL)

        async def run() -> tuple[Reply, Usage]:
            message = await self._stream(request)
            return schema.parse_reply(_tool_input(message, schema.REPLY_TOOL["name"])), _usage(
                message, self.model
            )

        return await self._guarded(run)

    async def hint(
        self,
        ctx: Context,
        level: HintLevel,
        iteration: int,
        previous: HintRecord | None,
        reflection: str | None,
        seed: str,
    ) -> tuple[HintText, Usage]:
        text = prompt.hint_prompt(ctx, level, iteration, previous, reflection)
        request = self._request(ctx, text, schema.HINT_TOOL)

        async def run() -> tuple[HintText, Usage]:
            message = await self._create(request)
            data = _tool_input(message, schema.HINT_TOOL["name"])
            return schema.parse_hint(data, level), _usage(message, self.model)

        return await self._guarded(run)

    async def review(self, ctx: Context, failed_submissions: int) -> tuple[Review, Usage]:
        baseline = review.write_review(ctx, failed_submissions)
        request = self._request(ctx, prompt.review_prompt(ctx, baseline), schema.REVIEW_TOOL)

        async def run() -> tuple[Review, Usage]:
            message = await self._create(request)
            data = _tool_input(message, schema.REVIEW_TOOL["name"])
            return schema.parse_review(data, baseline), _usage(message, self.model)

        return await self._guarded(run)

    async def analyse(self, ctx: Context) -> tuple[CodeAnalysis, Usage]:
        request = self._request(ctx, prompt.analysis_prompt(ctx), schema.ANALYSIS_TOOL)

        async def run() -> tuple[CodeAnalysis, Usage]:
            message = await self._create(request)
            return schema.parse_analysis(_tool_input(message, schema.ANALYSIS_TOOL["name"])), _usage(
                message, self.model
            )

        return await self._guarded(run)

    async def close(self) -> None:
        await self._client.close()


def _unavailable(message: str) -> Unavailable:
    return Unavailable(ErrorCode.AI_SERVICE_UNAVAILABLE, message)
