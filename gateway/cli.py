"""The `syncode` console script: up, serve, drain, db, admin create-user, seed, generate, status, rooms.

`serve` runs the gateway under `DrainingServer`: the first SIGTERM/SIGINT drains it (gateway/drain.py)
before uvicorn stops listening, finishes in-flight requests and runs the lifespan shutdown; it exits 0.
The gateway's pid is in `<data_dir>/gateway-<port>.pid` while it runs (what `syncode drain` signals).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

import uvicorn

from engine.errors import DomainError
from engine.identity import UserRole
from gateway.settings import Config, Settings, load_config

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from actors.placement import HostDirectory

log = logging.getLogger(__name__)
DRAIN_TIMEOUT_S = 30.0
"""The most a drain may take before uvicorn's shutdown goes ahead regardless."""
DRAIN_WAIT_S = 60.0
"""How long `syncode drain` waits for the gateway to exit."""


def server_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """How the gateway's uvicorn runs. `proxy_headers=False`: uvicorn would otherwise believe
    X-Forwarded-For from any loopback peer (its default FORWARDED_ALLOW_IPS) and replace the client
    address with a spoofable hop; the gateway decides that itself (gateway.deps.client_ip, from
    SYNCODE_TRUSTED_PROXIES). `ws_per_message_deflate=False`: Yjs frames are small binary updates that
    do not compress, and deflating every one cost the gateway ~5 % of its loop at 200 typing rooms."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        ws_max_size=1024 * 1024,
        proxy_headers=False,
        ws_per_message_deflate=False,
    )


class DrainingServer(uvicorn.Server):
    """uvicorn with a graceful drain: the first exit signal runs `drain` (bounded by DRAIN_TIMEOUT_S),
    keeps listening `grace_s` more (health says `draining`, so a load balancer takes the gateway out),
    and only then lets uvicorn stop listening, wait for in-flight requests and run the lifespan shutdown.
    That signal is not re-raised at exit, so the process exits 0; a second signal is uvicorn's own
    (stop now; a second SIGINT forces the exit)."""

    def __init__(
        self, config: uvicorn.Config, drain: Callable[[], Awaitable[object]], grace_s: float = 0.0
    ) -> None:
        super().__init__(config)
        self._drain = drain
        self._grace_s = grace_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drain_requested = False
        self._draining: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._loop = asyncio.get_running_loop()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._loop is None or self._drain_requested:  # not serving yet, or a second signal
            super().handle_exit(sig, frame)
            return
        self._drain_requested = True
        self._loop.call_soon_threadsafe(self._begin_drain)  # a signal handler must not touch the loop

    def _begin_drain(self) -> None:
        self._draining = asyncio.get_running_loop().create_task(self._drain_then_exit())

    async def _drain_then_exit(self) -> None:
        try:
            report = await asyncio.wait_for(self._drain(), DRAIN_TIMEOUT_S)
            log.info("drain finished", extra={"report": repr(report)})
            if self._grace_s > 0:
                await asyncio.sleep(self._grace_s)  # let the load balancer see `draining`
        except Exception:
            log.exception("drain failed; shutting down regardless")
        finally:
            self.should_exit = True


def pid_file(data_dir: Path, port: int) -> Path:
    return data_dir / f"gateway-{port}.pid"


def _serve(args: argparse.Namespace) -> int:
    from gateway.app import create_app
    from gateway.logs import configure

    configure()
    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    config = load_config(Settings(**overrides))
    app = create_app(config)
    server = DrainingServer(
        server_config(app, config.settings.host, config.settings.port), app.state.drain, args.drain_grace_s
    )
    pid = pid_file(config.data_dir, config.settings.port)
    pid.parent.mkdir(parents=True, exist_ok=True)
    pid.write_text(f"{os.getpid()}\n")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        with contextlib.suppress(OSError):
            if pid.read_text().strip() == str(os.getpid()):
                pid.unlink()
    _exit_now(0 if server.started else 1)


def _exit_now(code: int) -> NoReturn:
    """End the gateway process once everything has been shut down in order (uvicorn, the lifespan,
    then Ray here), without the interpreter's native teardown: after `ray.shutdown()` it sometimes
    aborts (SIGABRT, seen in about half the drain test runs), which would make a clean drain exit -6."""
    from actors import deploy

    deploy.disconnect()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _running(pid: int) -> bool:
    """Whether the process exists and has not exited (a zombie, not yet reaped by its parent, has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")


def _gateway_pid(args: argparse.Namespace) -> int | None:
    if args.pid is not None:
        return int(args.pid)
    config = load_config()
    path = pid_file(config.data_dir, args.port or config.settings.port)
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        print(f"error: no gateway pid file at {path} (is `syncode serve` running? else pass --pid)")
        return None


def _drain_gateway(args: argparse.Namespace) -> int:
    """SIGTERM the gateway (it drains, see DrainingServer) and wait for it to exit."""
    pid = _gateway_pid(args)
    if pid is None:
        return 1
    if not _running(pid):
        print(f"error: gateway pid {pid} is not running (stale pid file?)")
        return 1
    started = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    print(f"draining gateway pid {pid}", flush=True)
    while _running(pid):
        if time.monotonic() - started > args.timeout:
            print(f"error: gateway pid {pid} still running after {args.timeout:g} s")
            return 1
        time.sleep(0.1)  # bounded-poll: another process's exit cannot be awaited
    print(f"gateway pid {pid} exited after {time.monotonic() - started:.1f} s")
    return 0


def _up(_: argparse.Namespace) -> int:
    from gateway.launcher import run_stack

    return run_stack(load_config())


def _db(args: argparse.Namespace) -> int:
    from gateway.launcher import db_command

    command = db_command(load_config().data_dir, port=args.port)
    os.execv(command[0], command)  # noqa: S606 - replaces this process with the database server


async def _create_user(args: argparse.Namespace) -> int:
    from gateway import accounts
    from gateway.services import build_services
    from storage.client import connect, ensure_indexes

    config = load_config()
    mongo = connect(config.mongodb_uri, config.settings.mongodb_database)
    try:
        await ensure_indexes(mongo)
        services = build_services(config, mongo)
        role = UserRole.ADMIN if args.admin else UserRole.USER
        user = await accounts.create_user(services, args.email, args.username, args.password, role)
        await accounts.audit(services, "admin.user.create", None, user.id, None, {"role": role.value})
        print(f"created {role.value} {user.username} <{user.email}> id={user.id}")
    finally:
        await mongo.close()
    return 0


async def _seed_async() -> int:
    from gateway.seeding import seed_bank
    from gateway.services import build_services
    from storage.client import connect, ensure_indexes

    config = load_config()
    mongo = connect(config.mongodb_uri, config.settings.mongodb_database)
    try:
        await ensure_indexes(mongo)
        report = await seed_bank(build_services(config, mongo))
    finally:
        await mongo.close()
    print(report.summary())
    for slug, reason in report.failed.items():
        print(f"  failed {slug}: {reason}")
    return 1 if report.failed else 0


def _seed(_: argparse.Namespace) -> int:
    return asyncio.run(_seed_async())


def _generate(_: argparse.Namespace) -> int:
    """Generate (or verify) every bank problem's large tests against its tests.sha256, in parallel: a
    build step (`make bootstrap` runs it), so that seeding never waits on gen.py."""
    from storage.bank import scan_bank

    result = scan_bank()
    print(f"problem bank: {len(result.scans)} generated or verified, {len(result.failures)} failed")
    for failure in result.failures:
        print(f"  failed {failure.slug}: {'; '.join(failure.problems)}")
    return 1 if result.failures else 0


def _join_embedded_ray(settings: Settings, data_dir: str) -> str:
    """The Ray address to join: RAY_ADDRESS, else the embedded head of `syncode up`, whose token is in the
    data dir (set before Ray is imported: Ray reads its auth mode on import)."""
    token = os.path.join(data_dir, "ray-auth-token")
    if not settings.ray_address and os.path.exists(token):
        os.environ.setdefault("RAY_AUTH_MODE", "token")
        os.environ.setdefault("RAY_AUTH_TOKEN_PATH", token)
    return settings.ray_address or f"127.0.0.1:{settings.embedded_ray_port}"


def _reachable(address: str, timeout_s: float = 3.0) -> bool:
    """Whether the Ray head's port accepts a connection (Ray itself would retry for a long time)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s):
            return True
    except (OSError, ValueError):
        return False


@contextlib.asynccontextmanager
async def _ray_joined(config: Config) -> AsyncIterator[bool]:
    """Join the cluster for one command (False when no head answers); a process already in Ray (tests)
    keeps its connection."""
    address = _join_embedded_ray(config.settings, str(config.data_dir))
    from actors import cluster, deploy

    joined = not cluster.connected()
    if joined:
        if not _reachable(address):
            print(f"error: no Ray head answers at {address} (start `syncode up` or set RAY_ADDRESS)")
            yield False
            return
        await asyncio.to_thread(deploy.connect, address)
    try:
        yield True
    finally:
        if joined:
            deploy.disconnect()


async def _status_async() -> int:
    config = load_config()
    from gateway.status import gather, render
    from storage.client import connect

    async with _ray_joined(config) as joined:
        if not joined:
            return 1
        mongo = connect(config.mongodb_uri, config.settings.mongodb_database, timeout_ms=3000)
        try:
            status = await gather(mongo)
        finally:
            await mongo.close()
    print(render(status))
    return 0 if status.healthy else 1


def _status(_: argparse.Namespace) -> int:
    return asyncio.run(_status_async())


async def _rooms_async(args: argparse.Namespace) -> int:
    """`rooms move` / `rooms drain-node`: the room hosts' own HostDirectory, built from the configured
    database as the gateway builds it."""
    config = load_config()
    from actors.placement import HostDirectory
    from gateway.app import room_runtime
    from storage.client import connect

    async with _ray_joined(config) as joined:
        if not joined:
            return 1
        mongo = connect(config.mongodb_uri, config.settings.mongodb_database, timeout_ms=3000)
        try:
            hosts = HostDirectory(room_runtime(config), mongo)
            result: int = await args.rooms_func(hosts, args)
        finally:
            await mongo.close()
    return result


async def _move_room(hosts: HostDirectory, args: argparse.Namespace) -> int:
    before = await hosts.host_of(args.room_id)
    if before is None:
        print(f"error: room {args.room_id} is not placed on any host (unknown, finished or destroyed)")
        return 1
    if args.to == before:
        print(f"room {args.room_id} is already on {before}")
        return 0
    try:
        after = await hosts.move(args.room_id, target=args.to)
    except RuntimeError as exc:
        print(f"error: {exc}")
        return 1
    print(f"moved {args.room_id}  {before} -> {after}")
    return 0


async def _drain_node(hosts: HostDirectory, args: argparse.Namespace) -> int:
    from actors import cluster

    nodes = await asyncio.to_thread(cluster.nodes)
    matches = [n.node_id for n in nodes if n.alive and n.node_id.startswith(args.node_id)]
    if len(matches) != 1:
        found = "no live node" if not matches else f"{len(matches)} live nodes"
        print(f"error: {found} with id {args.node_id!r} (see `syncode status`)")
        return 1
    moved = await hosts.drain_node(matches[0])
    for room_id, host in moved:
        print(f"moved {room_id}  -> {host}")
    print(f"{len(moved)} room(s) moved off node {matches[0][:12]}; its room hosts ended")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="syncode", description="SynCode room engine")
    sub = root.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the embedded stack (database, Ray head, gateway)").set_defaults(func=_up)
    serve = sub.add_parser("serve", help="run the gateway (joins RAY_ADDRESS or starts a local Ray)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--drain-grace-s", type=float, default=0.0, help="keep listening this long after a drain (for the LB)"
    )
    serve.set_defaults(func=_serve)
    drain = sub.add_parser("drain", help="drain a running gateway (SIGTERM) and wait for it to exit")
    drain.add_argument("--pid", type=int, help="the gateway's pid (default: its pid file in the data dir)")
    drain.add_argument("--port", type=int, help="the gateway's port, naming its pid file")
    drain.add_argument("--timeout", type=float, default=DRAIN_WAIT_S, help="seconds to wait for the exit")
    drain.set_defaults(func=_drain_gateway)
    db = sub.add_parser("db", help="run the embedded SecantusDB")
    db.add_argument("--port", type=int, default=27017)
    db.set_defaults(func=_db)
    admin = sub.add_parser("admin", help="administration").add_subparsers(dest="admin_command", required=True)
    create = admin.add_parser("create-user", help="create an account")
    for flag in ("--email", "--username", "--password"):
        create.add_argument(flag, required=True)
    create.add_argument("--admin", action="store_true")
    create.set_defaults(func=lambda a: asyncio.run(_create_user(a)))
    sub.add_parser("seed", help="load the problem bank (idempotent)").set_defaults(func=_seed)
    sub.add_parser(
        "status", help="print Ray nodes, actors, live rooms, job queues, database health"
    ).set_defaults(func=_status)
    sub.add_parser("generate", help="generate the bank's large tests (a build step)").set_defaults(
        func=_generate
    )
    _rooms_parser(sub)
    return root


def _rooms_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rooms = sub.add_parser("rooms", help="move live rooms between room hosts").add_subparsers(
        dest="rooms_command", required=True
    )
    move = rooms.add_parser("move", help="move a live room to another host (its sockets resync)")
    move.add_argument("room_id", metavar="roomId")
    move.add_argument("--to", help="the target host's name (default: the least-loaded other host)")
    move.set_defaults(func=lambda a: asyncio.run(_rooms_async(a)), rooms_func=_move_room)
    node = rooms.add_parser("drain-node", help="move every room off a Ray node, then end its hosts")
    node.add_argument("node_id", metavar="nodeId", help="a Ray node id (or a unique prefix of it)")
    node.set_defaults(func=lambda a: asyncio.run(_rooms_async(a)), rooms_func=_drain_node)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except DomainError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
