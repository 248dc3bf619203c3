"""Regenerate a problem's large tests with its gen.py and pin their digests in tests.sha256.

Usage: python scripts/bank_manifest.py storage/problem_bank/<slug> [...]   (or --all)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage.bank import BANK_DIR, problem_dirs, write_manifest  # noqa: E402


def main() -> int:
    args = sys.argv[1:]
    folders = problem_dirs(BANK_DIR) if args == ["--all"] else [Path(a).resolve() for a in args]
    for folder in folders:
        if (folder / "gen.py").exists():
            subprocess.run([sys.executable, "gen.py"], cwd=folder, check=True, capture_output=True)
        write_manifest(folder)
        print(f"{folder.name}: {len((folder / 'tests.sha256').read_text().splitlines())} files pinned")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
