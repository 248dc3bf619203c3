"""Log lines never carry credentials from query strings (uvicorn logs a websocket's path with its
`?token=`)."""

from __future__ import annotations

import json
import logging

from gateway.logs import JsonFormatter, redact


def test_collab_token_in_a_logged_websocket_path_is_redacted() -> None:
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        "",
        0,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5", "/ws/rooms/r1?token=eyJ.abc.def&x=1"),
        None,
    )
    line = json.loads(JsonFormatter().format(record))
    assert "eyJ" not in line["msg"]
    assert "/ws/rooms/r1?token=<redacted>&x=1" in line["msg"]


def test_other_query_parameters_stay() -> None:
    assert redact("/api/x?access_token=s3cret&page=2") == "/api/x?access_token=<redacted>&page=2"
    assert redact("GET /api/problems?tag=graphs") == "GET /api/problems?tag=graphs"
