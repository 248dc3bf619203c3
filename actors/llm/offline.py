"""The offline provider: the engine's deterministic writers, no network. It answers in microseconds and
its output is grounded in the problem's hints and bounds, the failing case, the findings and the turns."""

from __future__ import annotations

from actors.llm.port import Usage
from engine.interview import analysis, coach, hints, review
from engine.interview.context import Context
from engine.interview.machine import Plan
from engine.interview.model import CodeAnalysis, HintLevel, HintText, Reply, Review
from engine.interview.state import HintRecord

USAGE = Usage(provider="offline", model="offline-grounded")


class OfflineProvider:
    name = "offline"
    model = "offline-grounded"

    async def reply(self, plan: Plan, ctx: Context) -> tuple[Reply, Usage]:
        return coach.write(plan, ctx), USAGE

    async def hint(
        self,
        ctx: Context,
        level: HintLevel,
        iteration: int,
        previous: HintRecord | None,
        reflection: str | None,
        seed: str,
    ) -> tuple[HintText, Usage]:
        if previous is not None:
            return hints.write_follow_up(ctx, previous, reflection, seed), USAGE
        return hints.write_hint(ctx, level, iteration, seed), USAGE

    async def review(self, ctx: Context, failed_submissions: int) -> tuple[Review, Usage]:
        return review.write_review(ctx, failed_submissions), USAGE

    async def analyse(self, ctx: Context) -> tuple[CodeAnalysis, Usage]:
        return analysis.write_analysis(ctx), USAGE

    async def close(self) -> None:
        return None
