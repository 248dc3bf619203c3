"""Collaborative-editor edit propagation latency: SynCode vs the stock y-websocket server.

For each room count (default 20 and 100) and each target, runs tests/collab/node/latency.js: 2 typists per
room, each typing --rate keys/s for --duration s; a key's latency is the time from the sender's Yjs
transaction to the peer observing it. Prints one table: rows (server, rooms), columns p50/p99 ms, samples.

Targets:
  syncode  a running SynCode (`make run`) at --base. Per room: registers two users
           (POST /api/auth/register), the first creates a peer room (POST /api/rooms), the second joins it
           (POST /api/rooms/{id}/join with the room code), and both fetch their collab token
           (GET /api/rooms/{id}). Rooms are created just before the run needing them; each run reuses the
           earlier runs' rooms (20 then 80 more for 100), so every room of a run is live.
           Registration is rate limited (20/min per address by default) and this script waits out 429s; to
           avoid ~10 minutes of waiting for 100 rooms start the server with
           SYNCODE_AUTH_RATE_LIMIT_PER_MIN=100000 make run
  stock    `node .data/collab-node/node_modules/y-websocket/bin/server.js` (y-websocket@1.5.4), started here
           on a free loopback port and stopped at the end; rooms get random names, tokens are empty.

Two gateways (--split-base URL2): the syncode runs become cross-gateway. Each room's second typist (the
guest) fetches its collab token from the second gateway and connects its socket there, the first typist
stays on --base, so every measured key crosses from one gateway to the other (rows "syncode, 2
gateways"; the note counts rooms whose two documents differ after the drain). The second gateway is a
`syncode serve` joined to the same Ray cluster and database, e.g. next to `syncode up` with
SYNCODE_DATA_DIR=D and SYNCODE_EMBEDDED_RAY_PORT=R:
  RAY_ADDRESS=127.0.0.1:R RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH=D/ray-auth-token \
  SYNCODE_DATA_DIR=D SYNCODE_MONGODB_URI=mongodb://127.0.0.1:<db port> SYNCODE_PORT=8001 \
  SYNCODE_SEED_ON_START=false SYNCODE_AUTH_RATE_LIMIT_PER_MIN=100000 .venv/bin/python -m gateway.cli serve

Usage:
  make bootstrap            # installs the Node clients into .data/collab-node
  .venv/bin/python scripts/bench_collab.py [--base http://127.0.0.1:8000] [--rooms 20,100] [--rate 5]
      [--duration 10] [--targets syncode,stock] [--split-base http://127.0.0.1:8001] [--json results.json]
Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".data" / "collab-node" / "node_modules"
LATENCY_JS = ROOT / "tests" / "collab" / "node" / "latency.js"
STOCK_SERVER = NODE_MODULES / "y-websocket" / "bin" / "server.js"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Provisioner:
    """Creates SynCode users and rooms over the REST API, waiting out auth rate limits (bounded)."""

    def __init__(self, base: str, auth_wait_max_s: float) -> None:
        self.http = httpx.Client(base_url=base.rstrip("/"), timeout=60.0)
        self.auth_wait_left = auth_wait_max_s
        self.run_id = secrets.token_hex(3)

    def close(self) -> None:
        self.http.close()

    def _post_auth(self, path: str, body: dict[str, Any]) -> httpx.Response:
        for _ in range(100):
            r = self.http.post(path, json=body)
            if r.status_code != 429:
                return r
            wait = float(r.headers.get("Retry-After", "5") or 5) + 0.5
            if wait > self.auth_wait_left:
                raise SystemExit(
                    f"auth rate limited and --auth-wait-max exhausted; restart SynCode with "
                    f"SYNCODE_AUTH_RATE_LIMIT_PER_MIN=100000 (last response: {r.text[:200]})"
                )
            self.auth_wait_left -= wait
            log(f"  rate limited on {path}; waiting {wait:.0f}s (budget left {self.auth_wait_left:.0f}s)")
            time.sleep(wait)
        raise SystemExit(f"{path}: still rate limited after 100 tries")

    def register(self, n: int) -> str:
        name = f"bench_{self.run_id}_{n}"
        r = self._post_auth(
            "/api/auth/register",
            {"username": name, "email": f"{name}@bench.example.com", "password": "bench-password-1"},
        )
        if r.status_code != 201:
            raise SystemExit(f"register {name}: HTTP {r.status_code} {r.text[:300]}")
        return str(r.json()["accessToken"])

    def _call(
        self,
        method: str,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
        via: httpx.Client | None = None,
    ) -> dict[str, Any]:
        http = via or self.http
        r = http.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
        if r.status_code >= 300:
            raise SystemExit(f"{method} {path}: HTTP {r.status_code} {r.text[:300]}")
        data: dict[str, Any] = r.json()
        return data

    def room(self, i: int, split: httpx.Client | None = None) -> tuple[dict[str, Any], str | None]:
        """Room i, live with both users joined. With `split` (a client of a second gateway) the guest
        fetches its collab token there, and the room gets per-typist socket bases in `urls` (the host's
        on this gateway, the guest's on the second), as latency.js's rooms file takes them."""
        host = self.register(2 * i)
        guest = self.register(2 * i + 1)
        created = self._call("POST", "/api/rooms", host, {"mode": "peer", "language": "python"})
        room_id, code = created["roomId"], created["roomCode"]
        self._call("POST", f"/api/rooms/{room_id}/join", guest, {"roomCode": code})
        tokens, urls, url = [], [], None
        for token, via in ((host, None), (guest, split)):
            detail = self._call("GET", f"/api/rooms/{room_id}", token, via=via)
            if not detail.get("collabToken"):
                raise SystemExit(f"room {room_id}: no collabToken in GET /api/rooms/{{id}} (room not live?)")
            tokens.append(detail["collabToken"])
            base = str((via or self.http).base_url)
            urls.append(syncode_ws_base(base, detail.get("collabUrl"), room_id))
            url = url or detail.get("collabUrl")
        room: dict[str, Any] = {"roomId": room_id, "tokens": tokens}
        if split is not None:
            room["urls"] = urls
        return room, url


def syncode_ws_base(base: str, collab_url: str | None, room_id: str) -> str:
    if collab_url and collab_url.endswith("/" + room_id):
        return collab_url[: -len(room_id) - 1]
    parts = urlsplit(base)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}/ws/rooms"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_port(port: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def cpu_idle(interval_s: float = 1.0) -> float | None:
    """Fraction of machine CPU time idle over interval_s (Linux /proc/stat), or None elsewhere."""

    def snap() -> tuple[int, int]:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)

    try:
        idle0, total0 = snap()
        time.sleep(interval_s)
        idle1, total1 = snap()
    except (OSError, ValueError, IndexError):
        return None
    return (idle1 - idle0) / max(1, total1 - total0)


def settle(args: argparse.Namespace) -> float | None:
    """Wait (bounded by --settle-max) until the machine is mostly idle, so runs don't measure each other."""
    deadline = time.monotonic() + args.settle_max
    idle = cpu_idle()
    while idle is not None and idle < args.idle_threshold and time.monotonic() < deadline:
        idle = cpu_idle(2.0)
    if idle is not None and idle < args.idle_threshold:
        log(f"  machine still busy after {args.settle_max:.0f}s (cpu idle {idle:.0%}); measuring anyway")
    return idle


def run_latency(
    args: argparse.Namespace, url: str, rooms: list[dict[str, Any]], label: str, workdir: Path
) -> dict[str, Any]:
    rooms_file = workdir / f"rooms-{label}.json"
    rooms_file.write_text(json.dumps(rooms))
    cmd = [
        args.node,
        str(LATENCY_JS),
        "--url",
        url,
        "--rooms-file",
        str(rooms_file),
        "--rate",
        str(args.rate),
        "--duration",
        str(args.duration),
        "--drain-ms",
        str(args.drain_ms),
        "--label",
        label,
    ]
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    timeout = args.duration + args.drain_ms / 1000 + 60 + 60
    idle = settle(args)
    log(f"  {label}: {len(rooms)} rooms x 2 typists, {args.rate} keys/s, {args.duration}s against {url}")
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"label": label, "rooms": len(rooms), "error": f"latency.js timed out after {timeout:.0f}s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"label": label, "rooms": len(rooms), "error": f"exit {proc.returncode}: {' | '.join(err)}"}
    result: dict[str, Any] = json.loads(lines[-1])
    result["cpu_idle_before"] = None if idle is None else round(idle, 2)
    return result


def bench_syncode(args: argparse.Namespace, counts: list[int], workdir: Path) -> list[dict[str, Any]]:
    """Rooms are provisioned just before the run that needs them (the 20-room run sees only 20 live rooms)."""
    prov = Provisioner(args.base, args.auth_wait_max)
    split = httpx.Client(base_url=args.split_base.rstrip("/"), timeout=60.0) if args.split_base else None
    rooms: list[dict[str, Any]] = []
    url: str | None = None
    results = []
    label = "syncode-split" if split else "syncode"
    try:
        health = prov.http.get("/api/health")
        log(f"SynCode at {args.base}: /api/health -> HTTP {health.status_code}")
        if split is not None:
            health = split.get("/api/health")
            log(f"second gateway at {args.split_base}: /api/health -> HTTP {health.status_code}")
            if health.status_code != 200:
                raise SystemExit(f"--split-base {args.split_base} is not a healthy gateway")
        for n in counts:
            started = time.monotonic()
            while len(rooms) < n:
                room, url = prov.room(len(rooms), split)
                rooms.append(room)
                if len(rooms) % 10 == 0:
                    log(f"  provisioned {len(rooms)}/{n} rooms ({time.monotonic() - started:.0f}s)")
            ws_base = syncode_ws_base(args.base, url, rooms[0]["roomId"])
            results.append(run_latency(args, ws_base, rooms[:n], f"{label}-{n}", workdir))
    finally:
        prov.close()
        if split is not None:
            split.close()
    return results


def bench_stock(args: argparse.Namespace, counts: list[int], workdir: Path) -> list[dict[str, Any]]:
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "NODE_PATH": str(NODE_MODULES)}
    with (workdir / "stock-server.log").open("w") as out:
        server = subprocess.Popen(
            [args.node, str(STOCK_SERVER)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        if not wait_port(port, 15):
            raise SystemExit(f"stock y-websocket server did not listen on 127.0.0.1:{port}")
        log(f"stock y-websocket@1.5.4 server pid {server.pid} on 127.0.0.1:{port}")
        results = []
        for n in counts:
            tag = secrets.token_hex(4)
            rooms = [{"roomId": f"bench-{tag}-{i}", "tokens": ["", ""]} for i in range(n)]
            results.append(run_latency(args, f"ws://127.0.0.1:{port}", rooms, f"stock-{n}", workdir))
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def print_table(rows: list[tuple[str, dict[str, Any]]]) -> None:
    header = f"{'server':<22} {'rooms':>5} {'p50 ms':>9} {'p99 ms':>9} {'samples':>8} {'expected':>8}  note"
    print(header)
    print("-" * len(header))
    for server, r in rows:
        notes = [f"missing={r['missing']}"] if r.get("missing") else []
        notes += [f"reconnects={r['reconnects']}"] if r.get("reconnects") else []
        notes += [f"diverged rooms={r['diverged_rooms']}"] if r.get("diverged_rooms") else []
        notes += [f"typists split over {r['gateways']} gateways"] if r.get("gateways", 1) > 1 else []
        if r.get("cpu_idle_before") is not None:
            notes.append(f"cpu idle before {r['cpu_idle_before']:.0%}")
        if r.get("loop_delay_p99_ms"):
            notes.append(f"client loop lag p99 {r['loop_delay_p99_ms']:.0f} ms")
        note = r.get("error") or ", ".join(notes)
        print(
            f"{server:<22} {r.get('rooms', '-'):>5} {fmt(r.get('p50_ms')):>9} {fmt(r.get('p99_ms')):>9} "
            f"{fmt(r.get('samples')):>8} {fmt(r.get('expected')):>8}  {note}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8000", help="running SynCode's HTTP base URL")
    ap.add_argument("--rooms", default="20,100", help="comma-separated room counts (2 typists each)")
    ap.add_argument("--rate", type=float, default=5.0, help="keys per second per typist")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of typing per run")
    ap.add_argument("--drain-ms", type=int, default=3000, help="wait after the last key before counting")
    ap.add_argument("--targets", default="syncode,stock", help="any of: syncode, stock")
    ap.add_argument("--node", default="node", help="node executable")
    ap.add_argument("--auth-wait-max", type=float, default=900.0, help="max seconds to wait out 429s")
    ap.add_argument("--settle-max", type=float, default=120.0, help="max seconds to wait for an idle CPU")
    ap.add_argument("--idle-threshold", type=float, default=0.6, help="CPU idle fraction that counts as idle")
    ap.add_argument(
        "--split-base",
        help="a second gateway of the same stack: each room's second typist connects through it",
    )
    ap.add_argument("--json", type=Path, help="also write all raw summaries to this file")
    args = ap.parse_args()

    counts = sorted({int(c) for c in args.rooms.split(",") if c.strip()})
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not counts or min(counts) < 1 or max(counts) > 500:
        ap.error("--rooms must be counts between 1 and 500")
    if not set(targets) <= {"syncode", "stock"}:
        ap.error("--targets takes syncode and/or stock")
    if "syncode" in targets and urlsplit(args.base).hostname not in LOOPBACK:
        ap.error("--base must be a loopback address")
    if args.split_base and (
        urlsplit(args.split_base).hostname not in LOOPBACK or args.split_base == args.base
    ):
        ap.error("--split-base must be another loopback gateway than --base")
    if not (NODE_MODULES / "y-websocket").is_dir():
        ap.error(f"{NODE_MODULES} is missing: run `make bootstrap` (or `make .data/collab-node/.installed`)")

    rows: list[tuple[str, dict[str, Any]]] = []
    server = "syncode, 2 gateways" if args.split_base else "syncode"
    with tempfile.TemporaryDirectory(prefix="bench-collab-") as tmp:
        workdir = Path(tmp)
        if "stock" in targets:  # first: SynCode leaves room actors behind that would load the machine
            rows += [("y-websocket@1.5.4", r) for r in bench_stock(args, counts, workdir)]
        if "syncode" in targets:
            try:
                rows += [(server, r) for r in bench_syncode(args, counts, workdir)]
            except (SystemExit, httpx.HTTPError) as exc:
                log(f"SynCode benchmark failed: {exc}")
                rows += [(server, {"rooms": n, "error": str(exc)[:120]}) for n in counts]

    print(f"edit propagation latency, 2 typists/room, {args.rate:g} keys/s each, {args.duration:g}s per run")
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps([{"server": s, **r} for s, r in rows], indent=2) + "\n")
    return 0 if all("error" not in r for _, r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
