"""Reading the shipped problem bank from `storage/problem_bank/<slug>/`.

Large test files are generated (git-ignored): when a problem's `tests/` folder is missing or does not
match its committed `tests.sha256`, its `gen.py` is run once to produce it, and the result is verified.
`scan_bank` does that for every problem concurrently and gives each a cheap digest (problem.toml, the
verified manifest digests, the parser's source), so the seeder reads and parses only changed problems.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.problems import bank as parser
from engine.problems.bank import BankEntry, BankError, parse_problem

BANK_DIR = Path(__file__).resolve().parent / "problem_bank"
MANIFEST = "tests.sha256"
GEN_TIMEOUT_S = 600
# Part of every digest: bump it when what a bank file becomes in the database changes outside the
# parser (e.g. the stored document format), so the next seed rewrites every problem.
DIGEST_VERSION = b"syncode-bank-digest-2"


@dataclass(frozen=True)
class BankLoad:
    entries: list[BankEntry]
    failures: list[BankError]


@dataclass(frozen=True)
class BankScan:
    """A problem whose tests are generated and verified; `slug` is its folder name."""

    folder: Path
    slug: str
    digest: str


@dataclass(frozen=True)
class ScanResult:
    scans: list[BankScan]
    failures: list[BankError]


def problem_dirs(root: Path = BANK_DIR) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "problem.toml").is_file())


def _test_files(folder: Path) -> list[Path]:
    tests_dir = folder / "tests"
    return sorted(f for f in tests_dir.iterdir() if f.is_file()) if tests_dir.is_dir() else []


def _digests(folder: Path) -> dict[str, str]:
    manifest = folder / MANIFEST
    if not manifest.exists():
        return {}
    pairs = (line.split() for line in manifest.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def _file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _matches(folder: Path, digests: Mapping[str, str]) -> bool:
    for name, digest in digests.items():
        path = folder / "tests" / name
        if not path.is_file() or _file_digest(path) != digest:
            return False
    return True


def ensure_generated(folder: Path) -> dict[str, str]:
    """Run gen.py when the generated tests are missing or stale; verify them against the manifest.
    Returns the manifest digests the files now match (empty when there is no gen.py or no manifest)."""
    digests = _digests(folder)
    if not (folder / "gen.py").exists():
        return {}
    if digests and _matches(folder, digests):
        return digests
    subprocess.run(
        [sys.executable, "gen.py"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=GEN_TIMEOUT_S,
    )
    if digests and not _matches(folder, digests):
        raise BankError(folder.name, ["generated tests do not match tests.sha256"])
    return digests


@contextlib.contextmanager
def _generation_lock(folder: Path) -> Iterator[None]:
    """One generator per problem folder at a time, across processes: on a fresh clone the app's
    background seed and `syncode seed` may both find tests/ missing, and must not write it together."""
    handle = os.open(folder, os.O_RDONLY)  # the folder itself is the lock: no lock file to leave behind
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _generate(folder: Path) -> dict[str, str]:
    try:
        with _generation_lock(folder):
            return ensure_generated(folder)
    except (subprocess.SubprocessError, OSError) as exc:
        raise BankError(folder.name, [f"gen.py failed: {exc}"]) from exc


def write_manifest(folder: Path) -> None:
    """Pin the generated files' digests (authoring tool, run after gen.py)."""
    lines = [f"{_file_digest(f)}  {f.name}" for f in _test_files(folder)]
    (folder / MANIFEST).write_text("\n".join(lines) + ("\n" if lines else ""))


@functools.cache
def _parser_digest() -> bytes:
    return hashlib.sha256(Path(parser.__file__).read_bytes()).digest()


def bank_digest(folder: Path, verified: Mapping[str, str]) -> str:
    """Changes whenever what the seeder stores for this problem can change: problem.toml, any tests/
    file (one in `verified` by its checked manifest digest, any other by its content), the parser."""
    digest = hashlib.sha256(DIGEST_VERSION)
    digest.update(_parser_digest())
    digest.update(hashlib.sha256((folder / "problem.toml").read_bytes()).digest())
    for path in _test_files(folder):
        digest.update(f"{path.name}\0{verified.get(path.name) or _file_digest(path)}\0".encode())
    return digest.hexdigest()


def scan_problem(folder: Path) -> BankScan:
    """Generate and verify the problem's tests, then digest it; reads no large file twice."""
    verified = _generate(folder)
    return BankScan(folder=folder, slug=folder.name, digest=bank_digest(folder, verified))


def _scan_or_failure(folder: Path) -> BankScan | BankError:
    try:
        return scan_problem(folder)
    except BankError as exc:
        return exc
    except OSError as exc:
        return BankError(folder.name, [f"{type(exc).__name__}: {exc}"])


def scan_bank(root: Path = BANK_DIR, workers: int | None = None) -> ScanResult:
    """scan_problem for every problem, concurrently (gen.py runs in a child, hashing frees the GIL)."""
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        outcomes = list(pool.map(_scan_or_failure, problem_dirs(root)))
    return ScanResult(
        scans=[o for o in outcomes if isinstance(o, BankScan)],
        failures=[o for o in outcomes if isinstance(o, BankError)],
    )


def read_problem(folder: Path, now: datetime) -> BankEntry:
    """Parse a problem whose tests are already generated (see scan_problem)."""
    raw = tomllib.loads((folder / "problem.toml").read_text())
    if raw.get("slug") != folder.name:
        raise BankError(folder.name, ["slug differs from the folder name"])
    files = {f.name: f.read_text() for f in _test_files(folder)}
    return parse_problem(raw, files, now)


def read_entry(folder: Path, now: datetime) -> BankEntry | BankError:
    """read_problem, with a broken problem file turned into its BankError."""
    try:
        return read_problem(folder, now)
    except BankError as exc:
        return exc
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, OSError) as exc:
        return BankError(folder.name, [f"{type(exc).__name__}: {exc}"])


def load_problem(folder: Path, now: datetime) -> BankEntry:
    _generate(folder)
    return read_problem(folder, now)


def load_bank(now: datetime, root: Path = BANK_DIR) -> BankLoad:
    """Every problem generated and parsed, in memory at once (for checks of the whole bank)."""
    entries: list[BankEntry] = []
    failures: list[BankError] = []
    for folder in problem_dirs(root):
        try:
            _generate(folder)
        except BankError as exc:
            failures.append(exc)
            continue
        outcome = read_entry(folder, now)
        if isinstance(outcome, BankError):
            failures.append(outcome)
        else:
            entries.append(outcome)
    return BankLoad(entries=entries, failures=failures)
