"""`syncode status` against the test session's Ray and database: nodes, actors, live rooms, open
execution jobs by kind and language, and the database's health."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from actors import cluster
from gateway.cli import main
from gateway.services import Services
from storage.ops import OpsReader
from tests.gateway.rooms_support import create_room
from tests.support import register

pytestmark = pytest.mark.anyio


async def test_status_prints_nodes_rooms_queues_and_database(
    client: httpx.AsyncClient,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = services.config.settings
    monkeypatch.setenv("SYNCODE_MONGODB_URI", services.config.mongodb_uri)
    monkeypatch.setenv("SYNCODE_MONGODB_DATABASE", settings.mongodb_database)
    monkeypatch.setenv("SYNCODE_DATA_DIR", str(services.config.data_dir))
    await create_room(client, await register(client))
    job = {"_id": str(uuid.uuid4()), "kind": "run", "status": "queued", "language": "cobol-test"}
    await services.mongo.db["runs"].insert_one(job)
    try:
        live = await OpsReader(services.mongo).live_rooms()
        code = await asyncio.to_thread(main, ["status"])
    finally:
        await services.mongo.db["runs"].delete_one({"_id": job["_id"]})
    out = capsys.readouterr().out
    nodes = await asyncio.to_thread(cluster.nodes)
    assert code == 0, out
    assert f"ray nodes  {sum(n.alive for n in nodes)} alive of {len(nodes)}" in out
    assert all(node.node_id[:12] in out for node in nodes)
    assert f"live rooms {live}" in out and live >= 1
    assert "roomhost" in out.split("actors", 1)[1].splitlines()[0]
    assert any(line.split() == ["run", "queued", "cobol-test", "1"] for line in out.splitlines())
    assert "database   ok (" in out
    assert cluster.connected()  # the command left the session's Ray connection alone
