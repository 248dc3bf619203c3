"""A local stub of the Anthropic Messages API on a real socket (Starlette under uvicorn): `POST
/v1/messages` answers from a script of replies — a JSON message, an SSE stream, an error status, a
reply that never comes (a hang), or a malformed body — and records every request it received."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support import free_port

USAGE = {
    "input_tokens": 321,
    "output_tokens": 45,
    "cache_read_input_tokens": 200,
    "cache_creation_input_tokens": 0,
}


@dataclass(frozen=True)
class Scripted:
    kind: str
    """`json`, `sse`, `status`, `hang` or `raw`."""
    body: Any = None
    status: int = 200


def tool_message(name: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": "claude-stub",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": name, "input": data}],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": USAGE,
    }


def tool_stream(name: str, data: dict[str, Any]) -> list[tuple[str, Any]]:
    """The SSE events of a streamed tool call, its JSON input split over several deltas."""
    text = json.dumps(data)
    start = {**tool_message(name, {}), "content": [], "usage": {**USAGE, "output_tokens": 1}}
    chunks = [text[i : i + 17] for i in range(0, len(text), 17)]
    events = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "tool_use", "id": "toolu_1", "name": name, "input": {}},
            },
        ),
    ]
    events += [
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": c},
            },
        )
        for c in chunks
    ]
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": 45},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return events


def error(status: int, kind: str) -> Scripted:
    return Scripted("status", {"type": "error", "error": {"type": kind, "message": f"stub {kind}"}}, status)


@dataclass
class Stub:
    script: deque[Scripted] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    fallback: Scripted | None = None
    url: str = ""
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def then(self, *replies: Scripted) -> None:
        self.script.extend(replies)

    async def _messages(self, request: Request) -> Response:
        self.requests.append(await request.json())
        reply = self.script.popleft() if self.script else self.fallback
        if reply is None:
            return JSONResponse(
                {"type": "error", "error": {"type": "api_error", "message": "no script"}}, 500
            )
        return await self._answer(reply)

    async def _answer(self, reply: Scripted) -> Response:
        if reply.kind == "hang":
            with contextlib.suppress(TimeoutError):  # a server that does not answer in time
                await asyncio.wait_for(self.release.wait(), float(reply.body))
            return JSONResponse({}, 200)
        if reply.kind == "sse":
            return StreamingResponse(_sse(reply.body), media_type="text/event-stream")
        if reply.kind == "raw":
            return Response(str(reply.body), status_code=200, media_type="application/json")
        headers = {"retry-after-ms": "5", "request-id": "req_stub"} if reply.kind == "status" else {}
        return JSONResponse(reply.body, reply.status, headers=headers)


async def _sse(events: list[tuple[str, Any]]) -> AsyncIterator[bytes]:
    for name, data in events:
        yield f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


@asynccontextmanager
async def running() -> AsyncIterator[Stub]:
    stub = Stub()
    app = Starlette(routes=[Route("/v1/messages", stub._messages, methods=["POST"])])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)  # bounded-poll: uvicorn offers no start event
        if task.done():
            task.result()
    stub.url = f"http://127.0.0.1:{port}"
    try:
        yield stub
    finally:
        stub.release.set()
        server.should_exit = True
        await task
