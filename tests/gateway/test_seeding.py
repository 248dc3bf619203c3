"""Seeding the bank: idempotent (a second run changes nothing, and reads no unchanged problem), an edited
bank file updates its problem, admin decisions survive a bank edit, edits to generated large files are
caught (regenerated, followed when pinned, refused when unmeetable), large cases are stored compressed
and read back in full (by the judge's reader; API details show their first 20,000 characters). Also
`syncode seed` twice on the real bank."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from engine.identity import UserRole
from engine.problems.model import bank_problem_id
from gateway import seeding
from gateway.cli import main
from gateway.seeding import seed_bank
from gateway.services import Services, build_services
from storage.bank import BANK_DIR, problem_dirs, read_problem, write_manifest
from storage.client import connect, ensure_indexes
from storage.problems import ProblemRepository
from tests.conftest import make_config
from tests.support import register, wait_until

pytestmark = pytest.mark.anyio
SAMPLE = ("rainwater-trap", "island-count")
LARGE_OUT = "bit-count-table"  # gen.py takes ~0.3 s; 7-byte inputs, MB-sized expected outputs
FIELDS = (("input", "input"), ("expectedOutput", "expected_output"))


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


def _copy(tmp_path: Path, *slugs: str) -> None:
    for slug in slugs:
        shutil.copytree(BANK_DIR / slug, tmp_path / slug)


async def test_large_cases_are_stored_compressed_and_read_back_in_full(
    fresh: Services, tmp_path: Path
) -> None:
    slugs = (SAMPLE[0], LARGE_OUT)
    _copy(tmp_path, *slugs)
    assert sorted((await seed_bank(fresh, tmp_path)).created) == sorted(slugs)
    raw = fresh.mongo.db["problem_tests"]
    judge = ProblemRepository(fresh.mongo)  # what actors/execution.py reads cases with
    for slug in slugs:
        pid = bank_problem_id(slug)
        files = read_problem(tmp_path / slug, datetime.now(UTC)).tests
        assert tuple(await judge.tests(pid, include_hidden=True)) == files
        docs = [d async for d in raw.find({"problemId": pid}).sort("index", 1)]
        packed = [(d[f], getattr(c, a)) for d, c in zip(docs, files, strict=True) for f, a in FIELDS]
        packed = [(value, text) for value, text in packed if isinstance(value, bytes)]
        assert packed
        assert all(d["codec"] == "zlib" for d in docs if any(isinstance(d[f], bytes) for f, _ in FIELDS))
        assert sum(len(v) for v, _ in packed) < sum(len(t.encode()) for _, t in packed) / 2
    pid = bank_problem_id(LARGE_OUT)
    doc = await raw.find_one({"problemId": pid, "codec": "zlib"})
    assert doc is not None
    full = (await judge.tests(pid, include_hidden=True))[doc["index"]]
    old = {k: v for k, v in doc.items() if k != "codec"} | {"expectedOutput": full.expected_output}
    await raw.replace_one({"_id": doc["_id"]}, old)  # the format written before compression existed
    assert (await judge.tests(pid, include_hidden=True))[doc["index"]] == full


async def test_second_seed_reads_no_unchanged_problem(
    fresh: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _copy(tmp_path, *SAMPLE)
    assert len((await seed_bank(fresh, tmp_path)).created) == len(SAMPLE)

    def unexpected(folder: Path, now: datetime) -> None:
        raise AssertionError(f"{folder.name} was parsed although unchanged")

    monkeypatch.setattr(seeding, "read_entry", unexpected)
    second = await seed_bank(fresh, tmp_path)
    assert sorted(second.unchanged) == sorted(SAMPLE)
    assert second.failed == {}


async def test_edits_to_generated_large_files_are_caught(fresh: Services, tmp_path: Path) -> None:
    _copy(tmp_path, LARGE_OUT)
    folder, pid = tmp_path / LARGE_OUT, bank_problem_id(LARGE_OUT)
    assert (await seed_bank(fresh, tmp_path)).created == [LARGE_OUT]
    target = folder / "tests" / "large1.out"
    pinned = hashlib.sha256(target.read_bytes()).hexdigest()
    target.write_text(target.read_text().replace("1", "2", 1))  # no longer matches tests.sha256
    tampered = await seed_bank(fresh, tmp_path)
    assert tampered.unchanged == [LARGE_OUT]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == pinned  # regenerated
    target.write_text(target.read_text() + "0\n")
    write_manifest(folder)  # an intended edit: pinned in the manifest
    followed = await seed_bank(fresh, tmp_path)
    assert followed.updated == [LARGE_OUT]
    assert (
        tuple(await fresh.problems.tests(pid, include_hidden=True)) == read_problem(folder, fresh.now()).tests
    )
    manifest = folder / "tests.sha256"
    manifest.write_text(
        manifest.read_text().replace(hashlib.sha256(target.read_bytes()).hexdigest(), "0" * 64)
    )
    refused = await seed_bank(fresh, tmp_path)
    assert "do not match tests.sha256" in refused.failed[LARGE_OUT]


async def test_bank_details_show_the_start_of_compressed_large_cases(
    client: httpx.AsyncClient, services: Services
) -> None:
    pid, limit = bank_problem_id(SAMPLE[0]), 20_000

    async def seeded() -> bool:
        return bool((await services.problems.seed_state()).get(SAMPLE[0]))

    await wait_until(seeded, timeout_s=60)  # the app seeds the bank in the background
    admin = await register(client)
    await services.users.set_role(admin.id, UserRole.ADMIN, services.now())
    response = await client.get(
        f"/api/problems/{pid}", headers=admin.headers, params={"includeHidden": "true"}
    )
    assert response.status_code == 200
    shown = response.json()["testCases"]
    full = await services.problems.tests(pid, include_hidden=True)
    assert len(shown) == len(full)
    assert any(len(c.input) > limit for c in full)
    for out, case in zip(shown, full, strict=True):
        assert out["input"] == case.input[:limit]
        assert out["expectedOutput"] == case.expected_output[:limit]
        assert out["isTruncated"] == (len(case.input) > limit or len(case.expected_output) > limit)
