"""Benchmark of seeding the whole problem bank into a fresh database, twice (issue 10).

For each code version measured (the working tree, and with --baseline REF the code of a git commit,
extracted read-only with `git archive` into a temp dir) a child process seeds the bank twice into a
fresh database and reports: first and second seed seconds (ensure_indexes + seed_bank, as `syncode seed`
does, without interpreter start-up), the SecantusDB data dir bytes before, after each seed and after the
server stopped (checkpointed), and dbStats of the seeded database.

By default every run gets its own throwaway SecantusDB (gateway.launcher.db_command) in a temp dir;
with --mongodb-uri the runs use fresh databases on that server (dbStats only, dropped afterwards).

  .venv/bin/python scripts/bench_seed.py --baseline HEAD --repeat 3
  .venv/bin/python scripts/bench_seed.py --fresh-bank      (bank copy without tests/: gen.py included)
  .venv/bin/python scripts/bench_seed.py --mongodb-uri mongodb://127.0.0.1:27017
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000
COLUMNS = (
    "first_s",
    "first_cpu_s",
    "first_db_cpu_s",
    "second_s",
    "second_cpu_s",
    "second_db_cpu_s",
    "dir_before",
    "dir_seed1",
    "dir_seed2",
    "dir_stopped",
    "db_storage",
)


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def own_cpu_s() -> float:
    """CPU seconds of this process and its finished children (gen.py runs)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def process_cpu_s(pid: int | None) -> float | None:
    """CPU seconds of another process (the database server), from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat")
    if pid is None or not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the child: seeds twice with the code found under --code-root -----------------------------------------


async def _seed_twice(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, args.code_root)
    from gateway.seeding import seed_bank
    from gateway.services import build_services
    from gateway.settings import Settings, load_config
    from storage.client import connect, ensure_indexes

    values: dict[str, Any] = {"mongodb_uri": args.mongodb_uri, "mongodb_database": args.database}
    config = load_config(Settings(**values, data_dir=Path(args.data_dir)))
    db_dir = Path(args.db_dir) if args.db_dir else None
    result: dict[str, Any] = {"database": args.database, "dir_before": dir_bytes(db_dir) if db_dir else None}
    for run, name in ((1, "first"), (2, "second")):
        mongo = connect(args.mongodb_uri, args.database)
        started, cpu, db_cpu = time.perf_counter(), own_cpu_s(), process_cpu_s(args.db_pid)
        await ensure_indexes(mongo)
        report = await seed_bank(build_services(config, mongo), Path(args.root))
        result[f"{name}_s"], result[f"{name}_cpu_s"] = time.perf_counter() - started, own_cpu_s() - cpu
        db_after = process_cpu_s(args.db_pid)
        result[f"{name}_db_cpu_s"] = (
            db_after - db_cpu if db_after is not None and db_cpu is not None else None
        )
        result[f"summary{run}"] = report.summary()
        result[f"dir_seed{run}"] = dir_bytes(db_dir) if db_dir else None
        await mongo.close()
    return {**result, **await _db_stats(connect(args.mongodb_uri, args.database))}


async def _db_stats(mongo: Any) -> dict[str, Any]:
    stats = await mongo.db.command("dbStats")
    await mongo.close()
    return {"db_storage": stats["storageSize"], "db_data": stats["dataSize"], "db_objects": stats["objects"]}


# -- the parent: databases, code versions, the table -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_db(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    from gateway.launcher import db_command, wait_for_port

    port = _free_port()
    proc = subprocess.Popen(
        db_command(data_dir, port=port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for_port("127.0.0.1", port, 60, proc)
    return proc, f"mongodb://127.0.0.1:{port}"


def _extract(ref: str, dest: Path) -> Path:
    """The tracked files of `ref` (reads .git only; the working tree is untouched)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True, capture_output=True
    )
    tar_path = dest / "code.tar"
    tar_path.write_bytes(archive.stdout)
    with tarfile.open(tar_path) as tar:
        tar.extractall(dest / "code", filter="data")
    return dest / "code"


def _fresh_bank(dest: Path) -> Path:
    """A copy of the bank without the generated tests/ folders (a fresh clone's state)."""
    source = ROOT / "storage" / "problem_bank"
    shutil.copytree(source, dest, ignore=lambda d, names: ["tests"] if Path(d) != source else [])
    return dest


def _child(
    code_root: Path, uri: str, tmp: Path, bank: Path, server: subprocess.Popen[bytes] | None
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--code-root", str(code_root), "--mongodb-uri", uri]
    command += [
        "--database",
        f"bench_{uuid.uuid4().hex[:8]}",
        "--data-dir",
        str(tmp / "app"),
        "--root",
        str(bank),
    ]
    command += ["--db-dir", str(tmp / "server" / "db"), "--db-pid", str(server.pid)] if server else []
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tmp)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _one_run(code_root: Path, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as name:
        tmp = Path(name)
        bank = _fresh_bank(tmp / "bank") if args.fresh_bank else ROOT / "storage" / "problem_bank"
        if args.mongodb_uri:
            result = _child(code_root, args.mongodb_uri, tmp, bank, None)
            asyncio.run(_drop(args.mongodb_uri, result))
            return result
        proc, uri = _start_db(tmp / "server")
        try:
            result = _child(code_root, uri, tmp, bank, proc)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        return {**result, "dir_stopped": dir_bytes(tmp / "server" / "db")}


async def _drop(uri: str, result: dict[str, Any]) -> None:
    from storage.client import connect

    mongo = connect(uri, result["database"])
    await mongo.client.drop_database(result["database"])
    await mongo.close()


def _fmt(value: Any, column: str) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if column.endswith("_s") else f"{value / MB:.1f}"


def _print_table(rows: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Seconds (`_s`: wall, `cpu`: the seeding process and its children, `db_cpu`: the server) and MB."""
    header = ["code", "run", *[c + ("" if c.endswith("_s") else "_MB") for c in COLUMNS]]
    widths = [max(len(h), 6) for h in header]
    widths[0] = max(len(r[0]) for r in rows)
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for label, run, result in rows:
        cells = [label, run, *[_fmt(result.get(c), c) for c in COLUMNS]]
        print("  ".join(v.rjust(w) for v, w in zip(cells, widths, strict=True)))


def _median(results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        c: statistics.median(r[c] for r in results) if results[0].get(c) is not None else None
        for c in COLUMNS
    }


def _measure(label: str, code_root: Path, args: argparse.Namespace) -> list[tuple[str, str, dict[str, Any]]]:
    results = []
    for _ in range(args.repeat):
        results.append(_one_run(code_root, args))
        print(f"# {label}: {results[-1]['summary1']} | {results[-1]['summary2']}", file=sys.stderr)
    rows = [(label, str(i + 1), r) for i, r in enumerate(results)]
    return [*rows, (label, "median", _median(results))] if args.repeat > 1 else rows


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mongodb-uri", help="use this server instead of a throwaway SecantusDB per run")
    p.add_argument("--baseline", metavar="REF", help="also measure the code of this git commit")
    p.add_argument("--fresh-bank", action="store_true", help="seed a bank copy without tests/ (gen.py runs)")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print the raw results as JSON too")
    for hidden in ("--code-root", "--database", "--data-dir", "--root", "--db-dir"):
        p.add_argument(hidden, help=argparse.SUPPRESS)
    p.add_argument("--db-pid", type=int, help=argparse.SUPPRESS)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return p


def main() -> int:
    args = _parser().parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_seed_twice(args))))
        return 0
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)  # db_command falls back to ./.venv-db/bin/secantusd-py
    print(f"# load average before: {os.getloadavg()}, cpus: {os.cpu_count()}", file=sys.stderr)
    rows = _measure("working-tree", ROOT, args)
    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="bench-seed-code-") as name:
            rows += _measure(f"baseline:{args.baseline}", _extract(args.baseline, Path(name)), args)
    print(f"# load average after: {os.getloadavg()}", file=sys.stderr)
    _print_table(rows)
    if args.json:
        print(json.dumps([{"code": c, "run": r, **res} for c, r, res in rows]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
