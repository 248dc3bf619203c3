"""The client address the login/register rate limit is keyed on (issue 10): a spoofed X-Forwarded-For
must not buy a fresh allowance, neither through the ASGI app nor through uvicorn started the way the CLI
starts it (uvicorn's own proxy-header handling trusts loopback); behind a trusted proxy the limit is keyed
on the nearest untrusted hop. Each test moves the clock to the start of a minute a day ahead, so its
fixed one-minute window cannot roll over mid-test and no other test counts in it."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from gateway.cli import server_config
from gateway.deps import forwarded_client
from gateway.services import Services
from gateway.settings import ConfigError, Settings, load_config
from tests.support import AdjustableClock, free_port, unique, wait_until

pytestmark = pytest.mark.anyio
LIMIT = 20  # SYNCODE_AUTH_RATE_LIMIT_PER_MIN default
PROXY_NETWORKS = tuple(ipaddress.ip_network(n) for n in ("10.200.0.0/16", "192.0.2.10"))


def _fresh_window(clock: AdjustableClock) -> None:
    now = clock().timestamp()
    clock.advance(86_400 + 60 - now % 60 + 0.5)


def _spoof() -> str:
    value = uuid.uuid4().int
    return f"203.0.{value % 250}.{value // 250 % 250 + 1}"


def _random_ip(prefix: str) -> str:
    value = uuid.uuid4().int
    return f"{prefix}.{value % 250}.{value // 250 % 250 + 1}"


async def _failed_logins(http: httpx.AsyncClient, count: int, forwarded_for: list[str]) -> list[int]:
    """`count` logins with a wrong password, each with its own X-Forwarded-For value (cycled)."""
    statuses: list[int] = []
    for i in range(count):
        response = await http.post(
            "/api/auth/login",
            json={"identifier": unique(), "password": "not the password"},
            headers={"x-forwarded-for": forwarded_for[i % len(forwarded_for)]},
        )
        statuses.append(response.status_code)
    return statuses


def _limited_at_the_limit(statuses: list[int]) -> bool:
    return statuses[:LIMIT] == [401] * LIMIT and set(statuses[LIMIT:]) == {429}


@pytest.fixture
async def product_server(app: FastAPI) -> AsyncIterator[str]:
    """The session's app served by uvicorn configured exactly as `syncode serve` configures it (the
    lifespan is already running in the session fixture, so only that is switched off)."""
    config = server_config(app, "127.0.0.1", free_port())
    config.lifespan = "off"
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve())

    async def started() -> bool:
        if task.done():
            task.result()
        return server.started

    await wait_until(started, timeout_s=30)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    await task


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("198.51.100.7", "1.1.1.1", "198.51.100.7"),  # untrusted peer: header ignored
        ("10.200.3.4", "1.1.1.1", "1.1.1.1"),  # CIDR-trusted peer
        ("10.200.3.4", "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # spoofed first hop is not the client
        ("10.200.3.4", "6.6.6.6, 1.1.1.1, 192.0.2.10", "1.1.1.1"),  # two trusted proxies
        ("10.200.3.4", " 6.6.6.6 ,1.1.1.1 , 10.200.9.9 ", "1.1.1.1"),
        ("10.200.3.4", "1.1.1.1, not-an-ip", "10.200.3.4"),  # garbage: stop at the last trusted hop
        ("10.200.3.4", "1.1.1.1, ", "10.200.3.4"),
        ("10.200.3.4", "192.0.2.10, 10.200.1.1", "192.0.2.10"),  # all trusted: the farthest one
        ("10.200.3.4", "::ffff:1.1.1.1", "1.1.1.1"),
        ("::ffff:10.200.3.4", "2001:db8::1", "2001:db8::1"),  # an IPv4-mapped trusted peer
        ("testclient", "1.1.1.1", "testclient"),  # a peer that is not an address is never trusted
    ],
)
def test_forwarded_client_walks_from_the_right(peer: str, header: str, expected: str) -> None:
    assert forwarded_client(peer, header, PROXY_NETWORKS) == expected


def test_trusted_proxies_setting_takes_addresses_and_networks(tmp_path: Path) -> None:
    config = load_config(
        Settings(data_dir=tmp_path, trusted_proxies="10.0.0.0/8, 127.0.0.1 ,::1,192.168.1.7/24")
    )
    assert [str(n) for n in config.trusted_proxies] == [
        "10.0.0.0/8",
        "127.0.0.1/32",
        "::1/128",
        "192.168.1.0/24",
    ]
    with pytest.raises(ConfigError, match="SYNCODE_TRUSTED_PROXIES"):
        load_config(Settings(data_dir=tmp_path, trusted_proxies="10.0.0.0/8,proxy.internal"))


async def test_login_limit_ignores_spoofed_forwarded_for_from_untrusted_peer(
    client: httpx.AsyncClient, clock: AdjustableClock
) -> None:
    _fresh_window(clock)
    statuses = await _failed_logins(client, LIMIT + 4, [_spoof() for _ in range(LIMIT + 4)])
    assert _limited_at_the_limit(statuses), statuses


async def test_login_limit_holds_through_the_product_uvicorn_from_loopback(
    product_server: str, clock: AdjustableClock
) -> None:
    _fresh_window(clock)
    async with httpx.AsyncClient(base_url=product_server) as http:
        statuses = await _failed_logins(http, LIMIT + 4, [_spoof() for _ in range(LIMIT + 4)])
    assert _limited_at_the_limit(statuses), statuses


async def test_login_limit_behind_trusted_proxy_keys_on_nearest_untrusted_hop(
    app: FastAPI, services: Services, clock: AdjustableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        services, "config", dataclasses.replace(services.config, trusted_proxies=PROXY_NETWORKS)
    )
    _fresh_window(clock)
    real, other = _random_ip("198.51"), _random_ip("198.51")
    transport = httpx.ASGITransport(app=app, client=(_random_ip("10.200"), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as proxy:
        chains = [f"{_spoof()}, {real}" for _ in range(LIMIT + 4)]
        statuses = await _failed_logins(proxy, LIMIT + 4, chains)
        assert _limited_at_the_limit(statuses), statuses
        # another client behind the same proxy has its own allowance, also through a second trusted hop
        assert await _failed_logins(proxy, 1, [f"{real}, {other}, 192.0.2.10"]) == [401]
