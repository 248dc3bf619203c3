"""The `syncode` console script: up, serve, db, admin create-user, seed, generate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from typing import TYPE_CHECKING

from engine.errors import DomainError
from engine.identity import UserRole
from gateway.settings import Settings, load_config

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp


def server_config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    """How the gateway's uvicorn runs. `proxy_headers=False`: uvicorn would otherwise believe
    X-Forwarded-For from any loopback peer (its default FORWARDED_ALLOW_IPS) and replace the client
    address with a spoofable hop; the gateway decides that itself (gateway.deps.client_ip, from
    SYNCODE_TRUSTED_PROXIES)."""
    import uvicorn

    return uvicorn.Config(
        app, host=host, port=port, log_config=None, ws_max_size=1024 * 1024, proxy_headers=False
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.app import create_app
    from gateway.logs import configure

    configure()
    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    config = load_config(Settings(**overrides))
    server = uvicorn.Server(server_config(create_app(config), config.settings.host, config.settings.port))
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return 0 if server.started else 1


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


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="syncode", description="SynCode room engine")
    sub = root.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the embedded stack (database, Ray head, gateway)").set_defaults(func=_up)
    serve = sub.add_parser("serve", help="run the gateway (joins RAY_ADDRESS or starts a local Ray)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=_serve)
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
    sub.add_parser("generate", help="generate the bank's large tests (a build step)").set_defaults(
        func=_generate
    )
    return root


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
