"""Seeding the bank: idempotent (a second run changes nothing), an edited bank file updates its problem,
and admin decisions survive a bank edit. Also `syncode seed` twice on the real bank."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from engine.problems.model import bank_problem_id
from gateway.cli import main
from gateway.seeding import seed_bank
from gateway.services import Services, build_services
from storage.bank import BANK_DIR, problem_dirs
from storage.client import connect, ensure_indexes
from tests.conftest import make_config

pytestmark = pytest.mark.anyio
SAMPLE = ("rainwater-trap", "island-count")


@pytest.fixture
async def fresh(mongo_uri: str) -> AsyncIterator[Services]:
    config = make_config(mongo_uri)
    mongo = connect(config.mongodb_uri, config.settings.mongodb_database)
    await ensure_indexes(mongo)
    try:
        yield build_services(config, mongo)
    finally:
        await mongo.client.drop_database(config.settings.mongodb_database)
        await mongo.close()


async def test_seed_is_idempotent_and_follows_edits(fresh: Services, tmp_path: Path) -> None:
    for slug in SAMPLE:
        shutil.copytree(BANK_DIR / slug, tmp_path / slug)
    first = await seed_bank(fresh, tmp_path)
    assert sorted(first.created) == sorted(SAMPLE)
    assert first.failed == {}
    second = await seed_bank(fresh, tmp_path)
    assert not second.changed
    assert sorted(second.unchanged) == sorted(SAMPLE)
    pid = bank_problem_id(SAMPLE[0])
    stored = await fresh.problems.get(pid)
    assert stored is not None
    hidden = [c for c in await fresh.problems.tests(pid, include_hidden=True) if c.is_hidden]
    assert len(hidden) >= 6
    toml = tmp_path / SAMPLE[0] / "problem.toml"
    toml.write_text(toml.read_text().replace(f'title = "{stored.title}"', 'title = "Renamed Problem"', 1))
    await fresh.problems.save(stored.__class__(**{**stored.__dict__, "is_published": False}))
    third = await seed_bank(fresh, tmp_path)
    assert third.updated == [SAMPLE[0]]
    assert sorted(third.unchanged) == [SAMPLE[1]]
    renamed = await fresh.problems.get(pid)
    assert renamed is not None
    assert renamed.title == "Renamed Problem"
    assert renamed.is_published is False
    assert renamed.created_at == stored.created_at


async def test_seed_reports_broken_files_without_stopping(fresh: Services, tmp_path: Path) -> None:
    shutil.copytree(BANK_DIR / SAMPLE[1], tmp_path / SAMPLE[1])
    broken = tmp_path / "broken-problem"
    broken.mkdir()
    (broken / "problem.toml").write_text('slug = "broken-problem"\ntitle = "Broken"\n')
    report = await seed_bank(fresh, tmp_path)
    assert report.created == [SAMPLE[1]]
    assert "broken-problem" in report.failed


async def test_cli_seed_twice_reports_no_changes(
    mongo_uri: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"seed_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("SYNCODE_MONGODB_URI", mongo_uri)
    monkeypatch.setenv("SYNCODE_MONGODB_DATABASE", database)
    monkeypatch.setenv("SYNCODE_DATA_DIR", str(make_config(mongo_uri).data_dir))
    total = len(problem_dirs(BANK_DIR))
    assert await asyncio.to_thread(main, ["seed"]) == 0
    assert f"{total} created, 0 updated, 0 unchanged, 0 failed" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["seed"]) == 0
    assert f"0 created, 0 updated, {total} unchanged, 0 failed" in capsys.readouterr().out
    mongo = connect(mongo_uri, database)
    await mongo.client.drop_database(database)
    await mongo.close()
