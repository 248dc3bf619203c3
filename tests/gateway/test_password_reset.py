"""Forgot/reset password end to end: through the file outbox and through a real local SMTP server."""

from __future__ import annotations

import email
import re
from collections.abc import AsyncIterator
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from gateway.app import create_app
from gateway.services import Services
from tests.conftest import make_config
from tests.support import AdjustableClock, free_port, register, unique, wait_until

pytestmark = pytest.mark.anyio
TOKEN = re.compile(r"^([A-Za-z0-9_-]{40,})$", re.MULTILINE)


def _outbox_mail(folder: Path, to: str) -> Message | None:
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = email.message_from_bytes(path.read_bytes())
        if message["To"] == to:
            return message
    return None


def _token(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    match = TOKEN.search(payload.decode().replace("\r\n", "\n"))
    assert match, payload
    return match.group(1)


async def _reset(client: httpx.AsyncClient, token: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/reset-password", json={"token": token, "newPassword": password})


async def test_reset_through_file_outbox(client: httpx.AsyncClient, services: Services) -> None:
    account = await register(client)
    response = await client.post("/api/auth/forgot-password", json={"email": account.email})
    assert response.status_code == 202
    outbox = services.config.mail_outbox

    async def arrived() -> bool:
        return _outbox_mail(outbox, account.email) is not None

    await wait_until(arrived)
    mail = _outbox_mail(outbox, account.email)
    assert mail is not None and "Reset your SynCode password" in str(mail["Subject"])
    token = _token(mail)
    assert (await _reset(client, token, "a fresh password")).status_code == 204
    reused = await _reset(client, token, "another password")
    assert reused.status_code == 400
    assert reused.json()["code"] == "AUTH_RESET_TOKEN_INVALID"
    old_refresh = await client.post("/api/auth/refresh", json={"refreshToken": account.refresh})
    assert old_refresh.status_code == 401
    login = await client.post(
        "/api/auth/login", json={"identifier": account.email, "password": "a fresh password"}
    )
    assert login.status_code == 200


async def test_forgot_unknown_email_is_202_and_sends_nothing(
    client: httpx.AsyncClient, services: Services
) -> None:
    address = f"{unique()}@example.com"
    response = await client.post("/api/auth/forgot-password", json={"email": address})
    assert response.status_code == 202
    assert _outbox_mail(services.config.mail_outbox, address) is None


async def test_reset_token_expires_after_an_hour(
    client: httpx.AsyncClient, services: Services, clock: AdjustableClock
) -> None:
    account = await register(client)
    await client.post("/api/auth/forgot-password", json={"email": account.email})

    async def arrived() -> bool:
        return _outbox_mail(services.config.mail_outbox, account.email) is not None

    await wait_until(arrived)
    mail = _outbox_mail(services.config.mail_outbox, account.email)
    assert mail is not None
    clock.advance(3601)
    response = await _reset(client, _token(mail), "too late password")
    assert response.status_code == 400
    assert response.json()["code"] == "AUTH_RESET_TOKEN_INVALID"


async def test_reset_rejects_garbage_token_and_weak_password(client: httpx.AsyncClient) -> None:
    assert (await _reset(client, "nonsense", "long enough pass")).status_code == 400
    weak = await _reset(client, "nonsense", "short")
    assert weak.status_code == 400
    assert "newPassword" in weak.json()["details"]


class _Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
async def smtp_app(
    mongo_uri: str, clock: AdjustableClock
) -> AsyncIterator[tuple[httpx.AsyncClient, _Collector]]:
    collector = _Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app(make_config(mongo_uri, smtp_url=f"smtp://127.0.0.1:{port}"), clock=clock, with_ray=False)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 1))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http, collector
    finally:
        controller.stop()


async def test_reset_through_real_smtp(smtp_app: tuple[httpx.AsyncClient, _Collector]) -> None:
    client, collector = smtp_app
    account = await register(client)
    assert (await client.post("/api/auth/forgot-password", json={"email": account.email})).status_code == 202

    async def delivered() -> bool:
        return any(m["To"] == account.email for m in collector.messages)

    await wait_until(delivered)
    mail = next(m for m in collector.messages if m["To"] == account.email)
    assert (await _reset(client, _token(mail), "smtp reset password")).status_code == 204
    login = await client.post(
        "/api/auth/login", json={"identifier": account.username, "password": "smtp reset password"}
    )
    assert login.status_code == 200
