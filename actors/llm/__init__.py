"""LLM providers behind one port (`port.Provider`): `claude` (the Anthropic Messages API) when a key is
configured, `offline` (deterministic, grounded in the room's data) otherwise. `make_provider` is the one
place that chooses."""
