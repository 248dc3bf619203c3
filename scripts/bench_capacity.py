"""Idle capacity of a running SynCode: memory and CPU of N live rooms with 2 connected, idle sockets each.

Against a running stack at --base (`syncode up`), for each room count in --rooms (provisioned
incrementally; 100,300,500 measures at 100, then adds 200 and measures again, ...):
  1. provisions rooms with bench_collab.Provisioner (per room two fresh users: the host creates a peer
     room, the guest joins it; both fetch their collab token with GET /api/rooms/{id});
  2. opens both users' room sockets (`<collabUrl>?token=<collabToken>`), sends the reference client's
     `join` frame (unless --no-join: then the socket is a stock-Yjs-style binary-only client) and from then
     on only reads: one reader task per socket drains everything it is sent and answers nothing;
  3. waits until the stack's CPU use has settled, then measures over --measure seconds.

What is measured: every process of the stack's process tree (found from the process listening on
--base's port, walking up to the `syncode up` launcher; or --root-pid), classified by command line:
launcher/gateway (`syncode`, `gateway.cli`), the Ray head's processes (`ray start`, gcs_server, raylet,
dashboard, monitor, log_monitor, agents) and Ray workers (`ray::...`: room hosts, the matchmaker, idle
workers). Counted: the sum of VmRSS (/proc/<pid>/status), the sum of PSS (/proc/<pid>/smaps_rollup,
when readable: shared pages split among the processes mapping them, so it does not count the shared
Ray/Python libraries once per process) and CPU as the utime+stime delta (/proc/<pid>/stat) over the
window, in % of one core. SecantusDB (the database) is listed separately and not counted. Only this
stack's tree is looked at, so other stacks or test runs on the same machine are not counted (they do
show in the machine CPU/memory columns).

Per-room MB is (PSS - PSS of the 0-room row) / rooms (RSS when PSS is unreadable); the 0-room row is
measured before any room is provisioned (the warm room host and the Ray head are already there).

Stop conditions (for the SYNCODE_ROOMS_PER_HOST=1 comparison): every --check-every rooms the
provisioning pauses, waits for the CPU to settle (bounded) and stops adding rooms once the machine's
memory in use ((MemTotal - MemAvailable) / MemTotal) passes --stop-at-mem-frac or the machine's CPU
use passes --stop-at-cpu-frac (with --stop-basis stack: this stack's RSS / MemTotal and its CPU /
cores instead, for a machine shared with other load). The rooms reached are then measured as a last
row.

Usage:
  SYNCODE_AUTH_RATE_LIMIT_PER_MIN=100000 .venv/bin/syncode up      # the stack under test
  .venv/bin/python scripts/bench_capacity.py [--base http://127.0.0.1:8000] [--rooms 100,300,500]
      [--measure 20] [--stop-at-mem-frac 0.6] [--stop-at-cpu-frac 0.5] [--stop-basis machine|stack]
      [--check-every 25] [--concurrency 4] [--no-join] [--root-pid PID] [--json out.json]
The stop fractions default to 0.6 / 0.5; pass 1 to turn one off (a 500-room run on a shared machine).
Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench_collab import LOOPBACK, Provisioner, log, syncode_ws_base
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


# ---------------------------------------------------------------- /proc


def read(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return None


def cmdline(pid: int) -> str:
    raw = read(f"/proc/{pid}/cmdline")
    return (raw or "").replace("\0", " ").strip()


def stat_fields(pid: int) -> list[str] | None:
    raw = read(f"/proc/{pid}/stat")
    if raw is None or ")" not in raw:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from 3 (state) on; comm may contain spaces


def parent_map() -> dict[int, int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = stat_fields(int(entry))
            if fields:
                parents[int(entry)] = int(fields[1])
    return parents


def listening_pid(port: int) -> int | None:
    """The process holding a listening TCP socket on `port` (needs to see other processes' fds)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in (read(table) or "").splitlines()[1:]:
            cols = line.split()
            if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{entry}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{entry}/fd/{fd}") in inodes:
                        return int(entry)
    return None


def find_root(port: int) -> int:
    pid = listening_pid(port)
    if pid is None:
        raise SystemExit(f"no process listens on port {port} (or its fds are unreadable): pass --root-pid")
    parents = parent_map()
    while parents.get(pid, 0) > 1 and "syncode" in cmdline(parents[pid]):
        pid = parents[pid]  # the gateway's launcher (`syncode up`) owns the Ray head and the database
    return pid


def tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in parent_map().items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def kind_of(cmd: str) -> str:
    if "secantusd" in cmd:
        return "database"
    if cmd.startswith("ray::"):
        name = cmd[5:].split()[0] if len(cmd) > 5 else "?"
        return "room host" if name.startswith(("RoomHost", "RoomActor")) else f"ray::{name}"
    if "gateway.cli" in cmd or "syncode serve" in cmd:
        return "gateway"
    if "syncode" in cmd:
        return "launcher"
    for part in ("ray start", "gcs_server", "raylet", "dashboard", "log_monitor", "monitor.py"):
        if part in cmd:
            return "ray " + part.replace(".py", "")
    return "ray/other" if "ray" in cmd else "other"


@dataclass
class Sample:
    rss_kb: int
    pss_kb: int | None
    ticks: int
    kind: str


def sample(pid: int) -> Sample | None:
    status, fields = read(f"/proc/{pid}/status"), stat_fields(pid)
    if status is None or fields is None:
        return None
    rss = next((int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmRSS:")), 0)
    rollup = read(f"/proc/{pid}/smaps_rollup")
    pss = None
    if rollup is not None:
        pss = next((int(ln.split()[1]) for ln in rollup.splitlines() if ln.startswith("Pss:")), None)
    return Sample(rss, pss, int(fields[11]) + int(fields[12]), kind_of(cmdline(pid)))


def snapshot(root: int) -> dict[int, Sample]:
    return {pid: s for pid in tree(root) if (s := sample(pid)) is not None}


def machine_cpu_ticks() -> tuple[int, int]:
    fields = [int(x) for x in (read("/proc/stat") or "cpu 0 0 0 0").splitlines()[0].split()[1:]]
    return sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0), sum(fields)


def machine_mem_frac() -> float:
    info = {
        ln.split(":")[0]: int(ln.split()[1]) for ln in (read("/proc/meminfo") or "").splitlines() if ":" in ln
    }
    total = info.get("MemTotal", 1)
    return (total - info.get("MemAvailable", total)) / total


def mem_total_kb() -> int:
    for ln in (read("/proc/meminfo") or "").splitlines():
        if ln.startswith("MemTotal:"):
            return int(ln.split()[1])
    return 1


async def measure(root: int, seconds: float) -> dict[str, Any]:
    """CPU deltas over `seconds`; memory at the end of the window."""
    before, (busy0, total0), t0 = snapshot(root), machine_cpu_ticks(), time.monotonic()
    await asyncio.sleep(seconds)
    after, (busy1, total1), elapsed = snapshot(root), machine_cpu_ticks(), time.monotonic() - t0
    kinds: dict[str, dict[str, float]] = {}
    for pid, s in after.items():
        k = kinds.setdefault(s.kind, {"procs": 0, "rss_mb": 0.0, "pss_mb": 0.0, "cpu_pct": 0.0})
        k["procs"] += 1
        k["rss_mb"] += s.rss_kb / 1024
        k["pss_mb"] += (s.pss_kb if s.pss_kb is not None else s.rss_kb) / 1024
        start = before[pid].ticks if pid in before else 0  # a process started in the window: all of it
        k["cpu_pct"] += 100 * (s.ticks - start) / CLK_TCK / elapsed
    stack = {n: v for n, v in kinds.items() if n != "database"}
    db = kinds.get("database", {"procs": 0, "rss_mb": 0.0, "pss_mb": 0.0, "cpu_pct": 0.0})
    return {
        "procs": int(sum(v["procs"] for v in stack.values())),
        "rss_mb": round(sum(v["rss_mb"] for v in stack.values()), 1),
        "pss_mb": round(sum(v["pss_mb"] for v in stack.values()), 1)
        if all(s.pss_kb is not None for s in after.values())
        else None,
        "cpu_pct_core": round(sum(v["cpu_pct"] for v in stack.values()), 2),
        "db_rss_mb": round(db["rss_mb"], 1),
        "db_cpu_pct_core": round(db["cpu_pct"], 2),
        "machine_cpu_frac": round((busy1 - busy0) / max(1, total1 - total0), 3),
        "machine_mem_frac": round(machine_mem_frac(), 3),
        "window_s": round(elapsed, 1),
        "by_kind": {n: {k: round(x, 2) for k, x in v.items()} for n, v in sorted(kinds.items())},
    }


async def settle(root: int, args: argparse.Namespace, min_s: float, max_s: float) -> float:
    """Wait until two consecutive 3 s windows of stack CPU agree (within 25 % or 2 % of a core)."""
    started = time.monotonic()
    await asyncio.sleep(min_s)
    last = (await measure(root, 3.0))["cpu_pct_core"]
    while time.monotonic() - started < max_s:
        now = (await measure(root, 3.0))["cpu_pct_core"]
        if abs(now - last) <= max(2.0, 0.25 * max(now, last)):
            return time.monotonic() - started
        last = now
    log(f"  stack CPU not settled after {max_s:.0f}s (last window {last:.1f}% of a core); measuring anyway")
    return time.monotonic() - started


# ---------------------------------------------------------------- sockets


@dataclass
class Sockets:
    join: bool
    conns: list[ClientConnection] = field(default_factory=list)
    readers: list[asyncio.Task[None]] = field(default_factory=list)
    frames: int = 0
    bytes: int = 0
    closed: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return len(self.conns) - sum(self.closed.values())

    async def add(self, url: str, room_id: str) -> None:
        ws = await connect(url, open_timeout=60, max_size=None)
        if self.join:
            with contextlib.suppress(ConnectionClosed):
                await ws.send(json.dumps({"type": "join", "data": {"roomId": room_id}}))
        self.conns.append(ws)
        self.readers.append(asyncio.create_task(self._read(ws)))

    async def _read(self, ws: ClientConnection) -> None:
        code = "eof"
        try:
            async for frame in ws:
                self.frames += 1
                self.bytes += len(frame)
        except ConnectionClosed as exc:
            code = str(exc.rcvd.code) if exc.rcvd else "no-close-frame"
        self.closed[code] = self.closed.get(code, 0) + 1

    async def close(self) -> None:
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.conns), return_exceptions=True)


# ---------------------------------------------------------------- driver


async def provision(
    args: argparse.Namespace, pool: ThreadPoolExecutor, provs: list[Provisioner], start: int, count: int
) -> list[tuple[dict[str, Any], str | None]]:
    loop = asyncio.get_running_loop()
    out: list[tuple[dict[str, Any], str | None]] = []
    for first in range(start, start + count, len(provs)):
        batch = range(first, min(start + count, first + len(provs)))
        out += await asyncio.gather(
            *(loop.run_in_executor(pool, provs[i % len(provs)].room, i) for i in batch)
        )
    return out


async def open_sockets(
    args: argparse.Namespace, socks: Sockets, rooms: list[tuple[dict[str, Any], str | None]]
) -> None:
    for room, url in rooms:
        rid = room["roomId"]
        base = syncode_ws_base(args.base, url, rid)
        for token in room["tokens"]:
            try:
                await socks.add(f"{base}/{rid}?token={token}", rid)
            except (OSError, WebSocketException, TimeoutError) as exc:
                socks.closed["connect-failed"] = socks.closed.get("connect-failed", 0) + 1
                log(f"  socket to room {rid} failed: {exc!r}")


def over_limit(args: argparse.Namespace, m: dict[str, Any]) -> str | None:
    if args.stop_basis == "stack":
        mem = m["rss_mb"] * 1024 / mem_total_kb()
        cpu = m["cpu_pct_core"] / 100 / NCPU
    else:
        mem, cpu = m["machine_mem_frac"], m["machine_cpu_frac"]
    if mem > args.stop_at_mem_frac:
        return f"{args.stop_basis} memory {mem:.0%} > {args.stop_at_mem_frac:.0%}"
    if cpu > args.stop_at_cpu_frac:
        return f"{args.stop_basis} CPU {cpu:.0%} > {args.stop_at_cpu_frac:.0%}"
    return None


def row(
    rooms: int, socks: Sockets, m: dict[str, Any], base: dict[str, Any] | None, note: str
) -> dict[str, Any]:
    per_room = None
    if base is not None and rooms:
        key = "pss_mb" if m["pss_mb"] is not None and base["pss_mb"] is not None else "rss_mb"
        per_room = round((m[key] - base[key]) / rooms, 2)
    return {
        "rooms": rooms,
        "sockets": socks.open,
        "sockets_expected": 2 * rooms,
        "frames_received": socks.frames,
        "bytes_received": socks.bytes,
        "closed": dict(socks.closed),
        **m,
        "per_room_mb": per_room,
        "note": note,
    }


async def run(args: argparse.Namespace, counts: list[int]) -> list[dict[str, Any]]:
    port = urlsplit(args.base).port or 80
    root = args.root_pid or find_root(port)
    log(f"stack root pid {root} ({cmdline(root)[:80]}); {len(tree(root))} processes in its tree")
    provs = [Provisioner(args.base, args.auth_wait_max) for _ in range(args.concurrency)]
    socks = Sockets(join=not args.no_join)
    rows: list[dict[str, Any]] = []
    try:
        health = provs[0].http.get("/api/health")
        log(f"SynCode at {args.base}: /api/health -> HTTP {health.status_code}")
        waited = await settle(root, args, 2.0, args.settle_max)
        base = await measure(root, args.measure)
        rows.append(row(0, socks, base, None, f"baseline, settled {waited:.0f}s"))
        log(f"  0 rooms: {base['rss_mb']:.0f} MB RSS, {base['cpu_pct_core']:.1f}% of a core")
        have, stop = 0, None
        with ThreadPoolExecutor(args.concurrency) as pool:
            for target in counts:
                started = time.monotonic()
                while have < target and stop is None:
                    step = min(target - have, args.check_every - have % args.check_every)
                    rooms = await provision(args, pool, provs, have, step)
                    await open_sockets(args, socks, rooms)
                    have += step
                    log(
                        f"  {have}/{target} rooms, {socks.open} sockets open ({time.monotonic() - started:.0f}s)"
                    )
                    if have < target and have % args.check_every == 0:
                        await settle(root, args, 3.0, args.check_settle_max)
                        stop = over_limit(args, await measure(root, 5.0))
                waited = await settle(root, args, args.settle_min, args.settle_max)
                m = await measure(root, args.measure)
                if target != counts[-1]:
                    stop = stop or over_limit(args, m)
                note = f"settled {waited:.0f}s" + (f"; stopped: {stop}" if stop else "")
                rows.append(row(have, socks, m, base, note))
                log(f"  {have} rooms: {m['rss_mb']:.0f} MB RSS, {m['cpu_pct_core']:.1f}% of a core; {note}")
                if stop:
                    break
    finally:
        await socks.close()
        for p in provs:
            p.close()
    return rows


def fmt(value: Any, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec) if isinstance(value, float) else str(value)


def print_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"idle capacity at {args.base}: 2 idle sockets/room ({'join frame, then read only' if not args.no_join else 'read only'}), "
        f"{args.measure:g}s windows; SynCode+Ray processes (database separate)"
    )
    header = (
        f"{'rooms':>5} {'sockets':>7} {'procs':>5} {'RSS MB':>8} {'PSS MB':>8} {'CPU %core':>9} "
        f"{'MB/room':>7} {'db MB':>6} {'db %core':>8} {'mach cpu':>8} {'mach mem':>8}  note"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['rooms']:>5} {r['sockets']:>7} {r['procs']:>5} {fmt(r['rss_mb']):>8} {fmt(r['pss_mb']):>8} "
            f"{fmt(r['cpu_pct_core'], '.2f'):>9} {fmt(r['per_room_mb'], '.2f'):>7} {fmt(r['db_rss_mb'], '.0f'):>6} "
            f"{fmt(r['db_cpu_pct_core'], '.2f'):>8} {r['machine_cpu_frac']:>8.0%} {r['machine_mem_frac']:>8.0%}  {r['note']}"
        )
    if rows:
        last = rows[-1]
        print(f"breakdown at {last['rooms']} rooms (procs / RSS MB / PSS MB / CPU % of a core):")
        for name, k in last["by_kind"].items():
            print(
                f"  {name:<22} {int(k['procs']):>4} {k['rss_mb']:>9.1f} {k['pss_mb']:>9.1f} {k['cpu_pct']:>7.2f}"
            )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8000", help="running SynCode's HTTP base URL")
    ap.add_argument("--rooms", default="100,300,500", help="room count, or increasing counts to measure at")
    ap.add_argument("--measure", type=float, default=20.0, help="seconds per measurement window")
    ap.add_argument(
        "--stop-at-mem-frac", type=float, default=0.6, help="stop adding rooms past this memory use"
    )
    ap.add_argument("--stop-at-cpu-frac", type=float, default=0.5, help="stop adding rooms past this CPU use")
    ap.add_argument("--stop-basis", choices=["machine", "stack"], default="machine")
    ap.add_argument("--check-every", type=int, default=25, help="rooms between stop-condition checks")
    ap.add_argument("--concurrency", type=int, default=4, help="rooms provisioned at once")
    ap.add_argument("--no-join", action="store_true", help="no join frame: binary-only (stock Yjs) sockets")
    ap.add_argument("--root-pid", type=int, help="root of the stack's process tree (default: from --base)")
    ap.add_argument("--settle-min", type=float, default=10.0, help="min seconds before a measurement")
    ap.add_argument("--settle-max", type=float, default=120.0, help="max seconds to wait for a steady CPU")
    ap.add_argument("--check-settle-max", type=float, default=30.0, help="same, before a stop check")
    ap.add_argument("--auth-wait-max", type=float, default=900.0, help="max seconds to wait out 429s")
    ap.add_argument("--json", type=Path, help="also write all rows to this file")
    args = ap.parse_args()

    counts = [int(c) for c in args.rooms.split(",") if c.strip()]
    if not counts or counts != sorted(set(counts)) or counts[0] < 1 or counts[-1] > 5000:
        ap.error("--rooms takes increasing counts between 1 and 5000")
    if urlsplit(args.base).hostname not in LOOPBACK:
        ap.error("--base must be a loopback address")
    if args.check_every < 1 or args.concurrency < 1:
        ap.error("--check-every and --concurrency must be positive")

    rows = asyncio.run(run(args, counts))
    print_table(rows, args)
    if args.json:
        args.json.write_text(
            json.dumps({"args": vars(args) | {"json": str(args.json)}, "rows": rows}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
