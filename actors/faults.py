"""Test-only fault injection for a room (enabled by `SYNCODE_FAULT_INJECTION`, refused in production):
a crash right after a method has applied (before it answers), or a hold that makes a method wait."""

from __future__ import annotations

import asyncio
import os


class Faults:
    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._crash_after: str | None = None
        self._holds: dict[str, asyncio.Event] = {}

    def arm_crash(self, method: str) -> bool:
        """The next `method` kills this process right after it applied, as a crash at the worst moment."""
        if not self._enabled:
            return False
        self._crash_after = method
        return True

    def arm_hold(self, method: str, held: bool) -> bool:
        """Calls of `method` wait until the hold is lifted (a slow actor)."""
        if not self._enabled:
            return False
        if held:
            self._holds.setdefault(method, asyncio.Event())
        elif method in self._holds:
            self._holds.pop(method).set()
        return True

    async def held(self, method: str) -> None:
        hold = self._holds.get(method)
        if hold is not None:
            await hold.wait()

    def maybe_crash(self, method: str) -> None:
        if self._crash_after == method:
            os._exit(1)
