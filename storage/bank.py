"""Reading the shipped problem bank from `storage/problem_bank/<slug>/`.

Large test files are generated (git-ignored): when a problem's `tests/` folder is missing or does not
match its committed `tests.sha256`, its `gen.py` is run once to produce it, and the result is verified.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.problems.bank import BankEntry, BankError, parse_problem

BANK_DIR = Path(__file__).resolve().parent / "problem_bank"
MANIFEST = "tests.sha256"
GEN_TIMEOUT_S = 600


@dataclass(frozen=True)
class BankLoad:
    entries: list[BankEntry]
    failures: list[BankError]


def problem_dirs(root: Path = BANK_DIR) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "problem.toml").is_file())


def _digests(folder: Path) -> dict[str, str]:
    manifest = folder / MANIFEST
    if not manifest.exists():
        return {}
    pairs = (line.split() for line in manifest.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def _matches(folder: Path, digests: dict[str, str]) -> bool:
    for name, digest in digests.items():
        path = folder / "tests" / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return True


def ensure_generated(folder: Path) -> None:
    """Run gen.py when the generated tests are missing or stale; verify them against the manifest."""
    digests = _digests(folder)
    if not (folder / "gen.py").exists() or (digests and _matches(folder, digests)):
        return
    subprocess.run(
        [sys.executable, "gen.py"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=GEN_TIMEOUT_S,
    )
    if digests and not _matches(folder, digests):
        raise BankError(folder.name, ["generated tests do not match tests.sha256"])


def write_manifest(folder: Path) -> None:
    """Pin the generated files' digests (authoring tool, run after gen.py)."""
    files = sorted((folder / "tests").glob("*")) if (folder / "tests").exists() else []
    lines = [f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.name}" for f in files]
    (folder / MANIFEST).write_text("\n".join(lines) + ("\n" if lines else ""))


def load_problem(folder: Path, now: datetime) -> BankEntry:
    try:
        ensure_generated(folder)
    except (subprocess.SubprocessError, OSError) as exc:
        raise BankError(folder.name, [f"gen.py failed: {exc}"]) from exc
    raw = tomllib.loads((folder / "problem.toml").read_text())
    if raw.get("slug") != folder.name:
        raise BankError(folder.name, ["slug differs from the folder name"])
    tests_dir = folder / "tests"
    files = {f.name: f.read_text() for f in tests_dir.iterdir()} if tests_dir.exists() else {}
    return parse_problem(raw, files, now)


def load_bank(now: datetime, root: Path = BANK_DIR) -> BankLoad:
    entries: list[BankEntry] = []
    failures: list[BankError] = []
    for folder in problem_dirs(root):
        try:
            entries.append(load_problem(folder, now))
        except BankError as exc:
            failures.append(exc)
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            failures.append(BankError(folder.name, [f"{type(exc).__name__}: {exc}"]))
    return BankLoad(entries=entries, failures=failures)


def content_hash(entry: BankEntry) -> str:
    """Changes whenever anything the seeder stores for this problem changes."""
    p = entry.problem
    digest = hashlib.sha256()
    for part in (
        p.title,
        p.description,
        p.difficulty.value,
        "|".join(p.tags),
        p.company or "",
        p.constraints or "",
        repr(p.examples),
        repr(sorted(p.starter_code.items())),
        str(p.time_limit_ms),
        str(p.memory_limit_mb),
        repr(p.hints),
        p.optimal_time or "",
        p.optimal_space or "",
        repr(sorted(p.solutions.items())),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    for case in entry.tests:
        digest.update(f"{case.is_hidden}\0{case.input}\0{case.expected_output}\0".encode())
    return digest.hexdigest()
