"""Per-test deadlines that fail one test and leave the session's event loop, database and Ray usable.

An async test gets its deadline inside the event loop: it is cancelled there and failed alone, and
anyio's test runner goes on to the next test. pytest-timeout's signal only backs it up later, for a test
that blocks the loop itself: a signal that lands while the loop waits in `select()` escapes the loop and
leaves anyio's runner wedged, so every later async test of the session would fail with `WouldBlock`.
Sync tests keep pytest-timeout's signal (no loop is running then).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Generator
from typing import Any

import anyio
import pytest

BACKSTOP_EXTRA_S = 60.0
"""pytest-timeout's signal fires this long after an async test's own deadline."""
IN_LOOP_DEADLINE = pytest.StashKey[float]()


def _timeout_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    if marker is not None and marker.args:
        return float(marker.args[0])
    return float(item.config.getini("timeout"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Async tests: their timeout becomes an in-loop deadline; pytest-timeout's moves later."""
    for item in items:
        if isinstance(item, pytest.Function) and inspect.iscoroutinefunction(item.obj):
            deadline = _timeout_of(item)
            item.stash[IN_LOOP_DEADLINE] = deadline
            item.add_marker(pytest.mark.timeout(deadline + BACKSTOP_EXTRA_S), append=False)


def _bounded(test: Callable[..., Awaitable[None]], deadline_s: float) -> Callable[..., Awaitable[None]]:
    @functools.wraps(test)
    async def run(**kwargs: Any) -> None:
        with anyio.move_on_after(deadline_s) as scope:
            await test(**kwargs)
        if scope.cancelled_caught:
            pytest.fail(f"Timeout: the test ran past its {deadline_s:.0f} s deadline", pytrace=False)

    return run


@pytest.hookimpl(tryfirst=True, wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    deadline = pyfuncitem.stash.get(IN_LOOP_DEADLINE, None)
    if deadline is not None:
        pyfuncitem.obj = _bounded(pyfuncitem.obj, deadline)
    return (yield)
