"""The seeder's cheap per-problem digest (`storage.bank.scan_problem`): it never misses an edit to a
generated tests/ file. A file that no longer matches tests.sha256 is regenerated (same digest, since the
content is back), a manifest the generator cannot meet is refused, a pinned edit changes the digest.
Concurrent scans of a fresh folder run its generator once."""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.problems.bank import BankError
from storage.bank import BANK_DIR, read_problem, scan_bank, scan_problem, write_manifest

SLUG = "bit-count-table"  # gen.py takes ~0.3 s; small inputs, MB-sized expected outputs


@pytest.fixture
def problem(tmp_path: Path) -> Path:
    folder = tmp_path / SLUG
    shutil.copytree(BANK_DIR / SLUG, folder)
    scan_problem(folder)  # generates the tests when this checkout has not yet
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_tampered_generated_file_is_regenerated(problem: Path) -> None:
    before = scan_problem(problem).digest
    target = problem / "tests" / "large1.out"
    pinned = _sha(target)
    target.write_text(target.read_text().replace("1", "2", 1))
    assert scan_problem(problem).digest == before
    assert _sha(target) == pinned


def test_an_edit_pinned_in_the_manifest_changes_the_digest(problem: Path) -> None:
    before = scan_problem(problem).digest
    target = problem / "tests" / "large1.out"
    target.write_text(target.read_text() + "0\n")
    write_manifest(problem)
    after = scan_problem(problem)
    assert after.digest != before
    assert scan_problem(problem).digest == after.digest  # stable once pinned
    assert next(
        t for t in read_problem(problem, datetime.now(UTC)).tests if t.expected_output.endswith("0\n")
    )


def test_a_manifest_the_generator_cannot_meet_is_refused(problem: Path) -> None:
    manifest = problem / "tests.sha256"
    manifest.write_text(manifest.read_text().replace(_sha(problem / "tests" / "large1.out"), "0" * 64))
    with pytest.raises(BankError, match=r"do not match tests\.sha256"):
        scan_problem(problem)


def test_without_a_generator_files_are_digested_by_content(problem: Path) -> None:
    (problem / "gen.py").unlink()
    before = scan_problem(problem).digest
    target = problem / "tests" / "large2.out"
    target.write_text(target.read_text() + "0\n")
    assert scan_problem(problem).digest != before


def test_problem_toml_edits_change_the_digest(problem: Path) -> None:
    before = scan_problem(problem).digest
    toml = problem / "problem.toml"
    toml.write_text(toml.read_text() + "\n# a comment\n")
    assert scan_problem(problem).digest != before


def test_scan_bank_reports_a_failing_generator_and_scans_the_rest(problem: Path) -> None:
    broken = problem.parent / "broken-gen"
    broken.mkdir()
    (broken / "problem.toml").write_text('slug = "broken-gen"\n')
    (broken / "gen.py").write_text("raise SystemExit(3)\n")
    result = scan_bank(problem.parent)
    assert [s.slug for s in result.scans] == [SLUG]
    assert [f.slug for f in result.failures] == ["broken-gen"]
    assert "gen.py failed" in result.failures[0].problems[0]


def test_concurrent_scans_of_a_fresh_folder_generate_once(tmp_path: Path) -> None:
    folder = tmp_path / "slow-gen"
    folder.mkdir()
    (folder / "problem.toml").write_text('slug = "slow-gen"\n')
    (folder / "gen.py").write_text(
        "import pathlib, time\n"
        "with open('runs.log', 'a') as log:\n    log.write('run\\n')\n"
        "pathlib.Path('tests').mkdir(exist_ok=True)\n"
        "for part in ('12345 ' * 50_000, '\\n'):\n"
        "    with open('tests/a.in', 'a') as out:\n        out.write(part)\n"
        "    time.sleep(0.2)  # bounded-poll: a slow generator, so a second scan overlaps it\n"
    )
    content = ("12345 " * 50_000 + "\n").encode()
    (folder / "tests.sha256").write_text(f"{hashlib.sha256(content).hexdigest()}  a.in\n")
    with ThreadPoolExecutor(max_workers=3) as pool:
        digests = {scan.digest for scan in pool.map(scan_problem, [folder] * 3)}
    assert len(digests) == 1
    assert (folder / "runs.log").read_text() == "run\n"
