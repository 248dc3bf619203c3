"""ASGI middleware: request ids and access logs, the catch-all 500, body-size and content-type bounds,
request and websocket metrics.

Order (outermost first): CORS, RequestContext, HttpMetrics, BodyGuard, the app. Error responses made
here use the one envelope from gateway.errors, so they carry CORS headers too.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from engine.errors import ErrorCode
from gateway.errors import envelope, internal_error

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
log = logging.getLogger("syncode.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
RAW_BODY_PREFIXES = ("/api/blobs/",)
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class RequestContext:
    """Assigns X-Request-ID, logs one structured line per request, turns crashes into a 500 envelope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = given if given and _VALID_ID.match(given) else str(uuid.uuid4())
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = {"code": 0, "sent": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id, "path": scope.get("path")})
            if scope["type"] == "http" and not status["sent"]:
                await internal_error()(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method", "WS"),
                    "path": scope.get("path"),
                    "status": status["code"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


class BodyGuard:
    """Rejects bodies over the bound (413) and non-JSON bodies on JSON routes (415)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, raw_max_body_bytes: int) -> None:
        self.app = app
        self.max = max_body_bytes
        self.raw_max = raw_max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        raw = str(scope["path"]).startswith(RAW_BODY_PREFIXES)
        limit = self.raw_max if raw else self.max
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(limit)(scope, receive, send)
            return
        body = await _read_bounded(receive, limit)
        if body is None:
            await _too_large(limit)(scope, receive, send)
            return
        ctype = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if body and not raw and ctype != "application/json" and not ctype.endswith("+json"):
            await envelope(
                415, ErrorCode.UNSUPPORTED_MEDIA_TYPE.value, "Content-Type must be application/json"
            )(scope, receive, send)
            return
        await self.app(scope, _replay(body), send)


def _too_large(limit: int) -> Any:
    return envelope(413, ErrorCode.PAYLOAD_TOO_LARGE.value, "Request body too large", {"maxBytes": limit})


async def _read_bounded(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


class HttpMetrics:
    """Counts requests and their latency by route template, and websocket connections and frames.

    The label is the matched route's path template (`/api/rooms/{room_id}`), never the raw path, so the
    label set stays bounded; requests no route matched share one label. Sits inside RequestContext, so a
    crash propagating through it is counted as the 500 the client gets."""

    def __init__(self, app: ASGIApp, metrics: Any) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            seconds = time.perf_counter() - started
            self.metrics.observe_http(str(scope["method"]), _route(scope), status[0], seconds)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        families, opened = self.metrics.f, [False]

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "websocket.receive":
                kind = "binary" if message.get("bytes") is not None else "text"
                families["ws_frames"].labels(_route(scope), "in", kind).inc()
            return message

        async def counted_send(message: Message) -> None:
            await send(message)
            if message["type"] == "websocket.accept":
                opened[0] = True
                families["ws_connections"].labels(_route(scope)).inc()
            elif message["type"] == "websocket.send":
                kind = "binary" if message.get("bytes") is not None else "text"
                families["ws_frames"].labels(_route(scope), "out", kind).inc()

        try:
            await self.app(scope, counted_receive, counted_send)
        finally:
            if opened[0]:
                families["ws_connections"].labels(_route(scope)).dec()


def _route(scope: Scope) -> str:
    """The matched route's full template. A route inside an included router knows only its own part
    (`/rooms/{room_id}`), so the static prefix is recovered from the raw path: the raw path minus the
    route's part filled with the request's path parameters."""
    template = getattr(scope.get("route"), "path_format", None)
    if not isinstance(template, str):
        return "unmatched"
    params = {name: str(value) for name, value in (scope.get("path_params") or {}).items()}
    try:
        filled = template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
    path = str(scope.get("path", ""))
    return path.removesuffix(filled) + template if path.endswith(filled) else template
