"""The sandbox's toolchains as health sees them: every tool each language's commands start, found on the
sandbox's PATH and answering a cheap version probe within a timeout; plus the sandbox's own host tools.

Results are cached for `CACHE_S` so that `/api/health` stays fast (a cold probe runs every tool at once
and takes about as long as the slowest, the JVM's `-version`). Invariant: the tool list is derived from
`engine.execution.languages.SPECS`, so a language added there is probed without touching this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actors.sandbox import DEFAULT_TYPESCRIPT_DIR
from engine.execution.languages import SPECS, LanguageSpec
from engine.execution.sandbox import MEASURE_TOOL, SANDBOX_PATH

CACHE_S = 60.0
PROBE_TIMEOUT_S = 10.0
HOST_TOOLS = ("bwrap", "setpriv", "prlimit", MEASURE_TOOL)
VERSION_ARGS: dict[str, tuple[str, ...]] = {"go": ("version",), "java": ("-version",), "javac": ("-version",)}
"""How to ask a tool its version; anything not named here answers `--version`."""


def language_tools(spec: LanguageSpec) -> tuple[str, ...]:
    """The programs a language's compile and run commands start (placeholders such as `{binary}` are the
    job's own program, not a toolchain)."""
    found: list[str] = []
    for argv in (spec.compile, spec.run):
        if argv and "{" not in argv[0] and argv[0] not in found:
            found.append(argv[0])
    return tuple(found)


async def _probe(tool: str, path: str) -> str | None:
    """None when `tool` is on `path` and answers its version probe with status 0; else the reason."""
    binary = tool if os.path.isabs(tool) else shutil.which(tool, path=path)
    if binary is None or not os.access(binary, os.X_OK):
        return f"{tool} not found"
    args = VERSION_ARGS.get(Path(tool).name, ("--version",))
    proc = await asyncio.create_subprocess_exec(
        binary, *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        code = await asyncio.wait_for(proc.wait(), PROBE_TIMEOUT_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        return f"{tool} did not answer within {PROBE_TIMEOUT_S:g}s"
    return None if code == 0 else f"{tool} exited with {code}"


@dataclass
class ToolchainProbe:
    """Probes (and caches) the host tools and every language's toolchain on `path`."""

    path: str = SANDBOX_PATH
    typescript_dir: Path | None = DEFAULT_TYPESCRIPT_DIR
    cache_s: float = CACHE_S
    _result: tuple[float, dict[str, Any]] | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def check(self) -> dict[str, Any]:
        """`{"failing": {part: reason}, "languages": {language: "ok" | reason}, "checkedAt": epoch s}`."""
        async with self._lock:
            now = time.monotonic()
            if self._result is None or now - self._result[0] > self.cache_s:
                self._result = (now, await self._run())
            return self._result[1]

    async def _run(self) -> dict[str, Any]:
        tools = sorted({*HOST_TOOLS, *(t for spec in SPECS.values() for t in language_tools(spec))})
        reasons = dict(zip(tools, await asyncio.gather(*(_probe(t, self.path) for t in tools)), strict=True))
        failing = {f"tool:{tool}": reason for tool, reason in reasons.items() if reason is not None}
        if os.geteuid() != 0:
            failing["user"] = "the sandbox starts as root to switch to a slot uid"
        languages: dict[str, str] = {}
        for language, spec in SPECS.items():
            missing = [reasons[t] for t in language_tools(spec) if reasons[t] is not None]
            if spec.uses_typescript and not self._typescript_ok():
                missing.append(f"typescript compiler not found under {self.typescript_dir}")
            languages[language.value] = "; ".join(r for r in missing if r) if missing else "ok"
            if missing:
                failing[f"language:{language.value}"] = languages[language.value]
        return {"failing": failing, "languages": languages, "checkedAt": round(time.time())}

    def _typescript_ok(self) -> bool:
        return self.typescript_dir is not None and (self.typescript_dir / "bin" / "tsc").is_file()
