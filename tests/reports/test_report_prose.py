"""The Anthropic prose path against the local Messages-API stub (real socket, real `anthropic` SDK):
with a key published for the database, the Ray task's report carries the model's structured prose;
an invalid answer or a failing model falls back to the offline prose; the scores are the rubric's
either way (the same session, with and without a key)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from actors.llm.port import AiRuntime
from actors.reports import ai_settings, compose, publish_ai
from actors.room import RoomRuntime
from engine.scoring.model import Dimension
from engine.scoring.prose import TOOL_NAME
from gateway.services import Services
from storage.reports import ReportStore
from tests.ai import anthropic_stub as s
from tests.reports import support

pytestmark = pytest.mark.anyio
PROSE = {
    "dimensions": {d.value: f"Stub says {d.value} was evidenced." for d in Dimension},
    "strengths": ["Summed in one pass."],
    "areasForImprovement": ["Ask about the input format first."],
    "detailedFeedback": "The stub's paragraph.",
}


@pytest.fixture
async def stub() -> AsyncIterator[s.Stub]:
    async with s.running() as running:
        yield running


def _ai(stub: s.Stub) -> AiRuntime:
    return AiRuntime(api_key="test-key", model="claude-test", base_url=stub.url, timeout_s=10, max_retries=0)


def _scores(report: support.Json) -> tuple[object, ...]:
    dims = report["dimensions"]
    return (
        report["overallScore"],
        report["categoryScores"],
        [(dims[d.value]["score"], dims[d.value]["evidence"]) for d in Dimension],
    )


async def _played(client: httpx.AsyncClient, services: Services) -> support.Played:
    played = await support.seated(client, services)
    await support.work(services, played)
    await support.finish(client, played)
    return played


async def test_report_prose_comes_from_the_model_and_scores_from_the_rubric(
    client: httpx.AsyncClient, services: Services, stub: s.Stub
) -> None:
    database = services.mongo.db.name
    stub.fallback = s.Scripted("json", s.tool_message(TOOL_NAME, PROSE))
    publish_ai(database, _ai(stub))
    try:
        assert ai_settings(RoomRuntime(mongo_uri="", database=database)) == _ai(stub)
        played = await _played(client, services)
        report = await support.report(client, played.candidate, played.session_id)
    finally:
        publish_ai(database, AiRuntime())
    assert ai_settings(RoomRuntime(mongo_uri="", database=database)) is None
    assert report["proseSource"] == "anthropic"
    assert report["detailedFeedback"] == report["feedback"] == "The stub's paragraph."
    assert report["strengths"] == PROSE["strengths"]
    feedback = report["dimensions"]["correctness"]["feedback"]
    assert feedback.startswith("<green>Correctness 95/100.</green>") and feedback.endswith("was evidenced.")
    sent = next(r for r in stub.requests if "L4|         total += int(x)" in str(r["messages"]))
    assert sent["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert sent["tools"][0]["input_schema"]["required"][0] == "dimensions"
    offline = await compose(
        ReportStore(services.mongo), played.session_id, played.candidate.id, None, services.now()
    )
    assert offline is not None and offline[0]["proseSource"] == "offline"
    assert _scores(offline[0]) == _scores(report)


@pytest.mark.parametrize(
    "answer",
    [
        s.Scripted("json", s.tool_message(TOOL_NAME, {**PROSE, "strengths": "not a list"})),
        s.Scripted("json", s.tool_message("some_other_tool", PROSE)),
        s.error(529, "overloaded_error"),
    ],
    ids=["invalid-input", "no-prose-tool", "overloaded"],
)
async def test_report_prose_falls_back_to_offline_when_the_model_fails(
    client: httpx.AsyncClient, services: Services, stub: s.Stub, answer: s.Scripted
) -> None:
    played = await _played(client, services)
    store = ReportStore(services.mongo)
    stub.then(answer)
    now = services.now()
    tried = await compose(store, played.session_id, played.candidate.id, _ai(stub), now)
    plain = await compose(store, played.session_id, played.candidate.id, None, now)
    assert tried is not None and plain is not None and len(stub.requests) == 1
    assert tried[0]["proseSource"] == "offline_fallback"
    assert {k: v for k, v in tried[0].items() if k != "proseSource"} == {
        k: v for k, v in plain[0].items() if k != "proseSource"
    }
