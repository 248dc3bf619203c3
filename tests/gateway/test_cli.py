"""The `syncode` console script: creating an admin account that can then log in."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from gateway.cli import main, parser
from gateway.services import Services
from tests.support import unique

pytestmark = pytest.mark.anyio


async def test_admin_create_user_then_login(
    client: httpx.AsyncClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = services.config.settings
    monkeypatch.setenv("SYNCODE_MONGODB_URI", services.config.mongodb_uri)
    monkeypatch.setenv("SYNCODE_MONGODB_DATABASE", settings.mongodb_database)
    monkeypatch.setenv("SYNCODE_DATA_DIR", str(services.config.data_dir))
    name = unique("admin")
    code = await asyncio.to_thread(
        main,
        [
            "admin",
            "create-user",
            "--email",
            f"{name}@example.com",
            "--username",
            name,
            "--password",
            "an admin password",
            "--admin",
        ],
    )
    assert code == 0
    login = await client.post("/api/auth/login", json={"identifier": name, "password": "an admin password"})
    assert login.status_code == 200
    assert login.json()["user"]["role"] == "admin"
    again = await asyncio.to_thread(
        main,
        [
            "admin",
            "create-user",
            "--email",
            f"{name}@example.com",
            "--username",
            unique(),
            "--password",
            "an admin password",
        ],
    )
    assert again == 1


def test_cli_lists_every_command() -> None:
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"up", "serve", "db", "admin", "seed"} <= set(commands or ())
