"""Session fixtures: one SecantusDB process and one local Ray for the whole run; the app in-process."""

from __future__ import annotations

import os
from pathlib import Path

from gateway.launcher import db_command, ray_auth_env, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".data" / f"test-{os.getpid()}"
# Ray reads its auth mode when it is first imported: set it before anything imports ray.
os.environ.update(ray_auth_env(RUN_DIR))
os.environ.setdefault("RAY_TMPDIR", str(ROOT / ".data" / f"ray-test-{os.getpid()}"))
"""Per run, like RUN_DIR: two test runs of one checkout never share Ray's session files."""

import asyncio  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import uuid  # noqa: E402
from collections.abc import AsyncIterator, Iterator  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from gateway.app import create_app  # noqa: E402
from gateway.cli import server_config  # noqa: E402
from gateway.services import Services  # noqa: E402
from gateway.settings import Config, Settings, load_config  # noqa: E402
from tests import processes  # noqa: E402
from tests.support import AdjustableClock, free_port  # noqa: E402

pytest_plugins = ["tests.deadlines"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove the run dirs (database files, hundreds of MB each) of earlier runs that did not clean up."""
    for stale in [*RUN_DIR.parent.glob("test-*"), *RUN_DIR.parent.glob("ray-test-*")]:
        pid = stale.name.rsplit("-", 1)[-1]  # test-<pid> (and the older test-stack-<pid>)
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The database and Ray are stopped by now (session fixtures are torn down first); whatever child a
    broken teardown left is stopped; then this run's files go."""
    processes.stop_all()
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    shutil.rmtree(os.environ["RAY_TMPDIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    port = free_port()
    proc = processes.spawn(
        db_command(RUN_DIR, port=port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port("127.0.0.1", port, 60, proc)
        yield f"mongodb://127.0.0.1:{port}"
    finally:
        processes.stop(proc)


@pytest.fixture(scope="session")
def ray_session() -> Iterator[None]:
    from actors import deploy

    Path(os.environ["RAY_TMPDIR"]).mkdir(parents=True, exist_ok=True)
    deploy.connect(None)
    yield
    deploy.disconnect()


def make_config(mongo_uri: str, **overrides: object) -> Config:
    values: dict[str, object] = {
        "mongodb_uri": mongo_uri,
        "mongodb_database": f"test_{uuid.uuid4().hex[:8]}",
        "data_dir": RUN_DIR,
        "room_spare_slots": 2,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 8192,
        "fault_injection": True,
        **overrides,
    }
    return load_config(Settings(**values))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def clock() -> AdjustableClock:
    return AdjustableClock()


@pytest.fixture(autouse=True)
def _reset_clock(clock: AdjustableClock) -> Iterator[None]:
    yield
    clock.offset = clock.offset * 0


@pytest.fixture(scope="session")
async def app(mongo_uri: str, ray_session: None, clock: AdjustableClock) -> AsyncIterator[FastAPI]:
    application = create_app(make_config(mongo_uri), clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def services(app: FastAPI) -> Services:
    result: Services = app.state.services
    return result


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="session")
async def live_url(app: FastAPI) -> AsyncIterator[str]:
    """The session's app served by a real uvicorn on a free port (its lifespan already runs)."""
    port = free_port()
    config = server_config(app, "127.0.0.1", port)  # as the product runs it (proxy headers off)
    config.lifespan = "off"
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)  # bounded-poll: uvicorn offers no start event
        if task.done():
            task.result()
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    await task
