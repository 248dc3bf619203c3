"""The FastAPI gateway: routes REST and websocket traffic to actors and storage."""
