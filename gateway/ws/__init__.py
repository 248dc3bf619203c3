"""The room websocket: authentication, per-room fan-out, close codes."""
