"""The provider port: what the interviewer asks of any LLM provider, and the runtime settings.

Invariant: a provider returns domain values (`engine.interview.model`) and the usage it spent, or
raises `Unavailable(AI_SERVICE_UNAVAILABLE)`; guardrails are applied by the caller to whatever comes
back, whichever provider produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from engine.interview.context import Context
from engine.interview.machine import Plan
from engine.interview.model import CodeAnalysis, HintLevel, HintText, Reply, Review
from engine.interview.state import HintRecord

DEFAULT_MODEL = "claude-sonnet-4-5"


@dataclass(frozen=True)
class AiRuntime:
    """The AI settings an interviewer actor needs (picklable, passed at spawn)."""

    api_key: str | None = None
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    timeout_s: float = 30.0
    max_retries: int = 2
    max_tokens: int = 700

    @property
    def provider(self) -> str:
        return "anthropic" if self.api_key else "offline"


@dataclass(frozen=True)
class Usage:
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "inputTokens": self.input_tokens,
            "outputTokens": self.output_tokens,
            "cacheReadTokens": self.cache_read_tokens,
            "cacheWriteTokens": self.cache_write_tokens,
        }


class Provider(Protocol):
    name: str
    model: str

    async def reply(self, plan: Plan, ctx: Context) -> tuple[Reply, Usage]: ...

    async def hint(
        self,
        ctx: Context,
        level: HintLevel,
        iteration: int,
        previous: HintRecord | None,
        reflection: str | None,
        seed: str,
    ) -> tuple[HintText, Usage]: ...

    async def review(self, ctx: Context, failed_submissions: int) -> tuple[Review, Usage]: ...

    async def analyse(self, ctx: Context) -> tuple[CodeAnalysis, Usage]: ...

    async def close(self) -> None: ...


def make_provider(runtime: AiRuntime) -> Provider:
    """The Anthropic provider when a key is configured, else the offline one."""
    if runtime.api_key:
        from actors.llm.claude import ClaudeProvider

        return ClaudeProvider(runtime)
    from actors.llm.offline import OfflineProvider

    return OfflineProvider()


def describe(runtime: AiRuntime) -> dict[str, Any]:
    """What `/api/health` reports about the provider (no network call)."""
    if runtime.provider == "offline":
        return {"mode": "offline", "provider": "offline", "model": "offline-grounded"}
    import anthropic

    return {
        "mode": "anthropic",
        "provider": "anthropic",
        "model": runtime.model,
        "sdk": anthropic.__version__,
        "baseUrl": runtime.base_url or "default",
    }
