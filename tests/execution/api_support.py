"""Execution API test support: a room in coding with an admin host and a candidate guest, problems with
hidden cases, and polling a job until a condition holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from engine.identity import UserRole
from gateway.services import Services
from tests.gateway.rooms_support import create_problem, create_room, join, to_coding
from tests.support import Account, register, wait_until

FINAL = ("completed", "failed")


async def poll(
    client: httpx.AsyncClient,
    who: Account,
    path: str,
    until: Callable[[dict[str, Any]], bool],
    timeout_s: float = 120,
) -> dict[str, Any]:
    """GET `path` as `who` until `until(body)` holds; the last body."""
    body: dict[str, Any] = {}

    async def done() -> bool:
        nonlocal body
        response = await client.get(path, headers=who.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        return until(body)

    await wait_until(done, timeout_s=timeout_s, step_s=0.05)
    return body


async def settled(client: httpx.AsyncClient, who: Account, path: str) -> dict[str, Any]:
    """GET `path` as `who` until its `status` is completed or failed; the last body."""
    return await poll(client, who, path, lambda body: body["status"] in FINAL)


async def admin_account(client: httpx.AsyncClient, services: Services) -> Account:
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    return admin


async def coding_room(
    client: httpx.AsyncClient, services: Services, **body: Any
) -> tuple[Account, Account, dict[str, Any]]:
    """(admin host, candidate guest, room) with the room in coding."""
    host, guest = await admin_account(client, services), await register(client)
    room = await create_room(client, host, **body)
    await join(client, guest, room)
    await to_coding(client, host, guest, room)
    return host, guest, room


async def problem_with_hidden(client: httpx.AsyncClient, admin: Account, hidden_input: str = "secret") -> str:
    """A visible case `1 -> 1` and a hidden case whose input is its expected output."""
    cases = [
        {"input": "1", "expectedOutput": "1"},
        {"input": hidden_input, "expectedOutput": hidden_input, "isHidden": True},
    ]
    return await create_problem(client, admin, timeLimit=2000, memoryLimit=256, testCases=cases)
