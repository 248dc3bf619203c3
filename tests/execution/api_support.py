"""Polling a job through the API until it has a final status."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import Account, wait_until


async def settled(client: httpx.AsyncClient, who: Account, path: str) -> dict[str, Any]:
    """GET `path` as `who` until its `status` is completed or failed; the last body."""
    body: dict[str, Any] = {}

    async def done() -> bool:
        nonlocal body
        response = await client.get(path, headers=who.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        return body["status"] in ("completed", "failed")

    await wait_until(done, timeout_s=120, step_s=0.2)
    return body
