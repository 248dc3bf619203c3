"""Test support: free ports, bounded waits, an adjustable clock, account helpers."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def wait_until(
    predicate: Callable[[], Awaitable[bool]], timeout_s: float = 30.0, step_s: float = 0.05
) -> None:
    """Poll `predicate` until true; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(step_s)  # bounded-poll


@dataclass
class AdjustableClock:
    """Real UTC time plus an offset tests can move forward."""

    offset: timedelta = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


def unique(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@dataclass
class Account:
    id: str
    email: str
    username: str
    password: str
    access: str
    refresh: str

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.access}"}


async def register(client: httpx.AsyncClient, password: str = "correct horse battery") -> Account:
    name = unique()
    response = await client.post(
        "/api/auth/register", json={"username": name, "email": f"{name}@example.com", "password": password}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    client.cookies.clear()
    return Account(
        id=body["user"]["id"],
        email=f"{name}@example.com",
        username=name,
        password=password,
        access=body["accessToken"],
        refresh=refresh_cookie(response),
    )


def refresh_cookie(response: httpx.Response) -> str:
    """The refresh token the response set in the HttpOnly `refreshToken` cookie (the body has none)."""
    token = response.cookies.get("refreshToken")
    assert token, response.headers.get("set-cookie")
    return token


def err(response: httpx.Response, status: int) -> str:
    """Assert the status and return the error envelope's `code`."""
    assert response.status_code == status, response.text
    code: str = response.json()["code"]
    return code


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    """Assert the status and return the JSON body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body
