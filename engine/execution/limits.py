"""What one sandboxed process may use, with units in every name.

Invariant: a `Limits` is always within the hard caps below (`clamped` enforces them), and the wall clock
limit is never shorter than the CPU limit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

KIB: Final = 1024
MIB: Final = 1024 * 1024

OUTPUT_LIMIT_BYTES: Final = 64 * KIB
PROCESS_LIMIT: Final = 64
OPEN_FILES_LIMIT: Final = 128
FILE_SIZE_LIMIT_BYTES: Final = 16 * MIB
TMP_SIZE_LIMIT_BYTES: Final = 64 * MIB

TIME_LIMIT_MAX_MS: Final = 60_000
MEMORY_LIMIT_MAX_MB: Final = 4096
MEMORY_LIMIT_MIN_MB: Final = 32
WALL_FACTOR: Final = 2
WALL_GRACE_MS: Final = 1_000


@dataclass(frozen=True)
class Limits:
    """Limits of one run; `wall_ms=None` means `WALL_FACTOR * time_ms + WALL_GRACE_MS`."""

    time_ms: int
    memory_mb: int
    wall_ms: int | None = None
    output_bytes: int = OUTPUT_LIMIT_BYTES
    processes: int = PROCESS_LIMIT
    open_files: int = OPEN_FILES_LIMIT
    file_bytes: int = FILE_SIZE_LIMIT_BYTES
    tmp_bytes: int = TMP_SIZE_LIMIT_BYTES

    @property
    def wall_limit_ms(self) -> int:
        derived = WALL_FACTOR * self.time_ms + WALL_GRACE_MS
        return max(self.time_ms, self.wall_ms if self.wall_ms is not None else derived)

    @property
    def cpu_limit_s(self) -> int:
        """Whole seconds for RLIMIT_CPU: the next second above the limit (the verdict uses the ms)."""
        return self.time_ms // 1000 + 1


def clamped(limits: Limits) -> Limits:
    """The same limits, held inside the product's hard caps."""
    return replace(
        limits,
        time_ms=min(max(limits.time_ms, 1), TIME_LIMIT_MAX_MS),
        memory_mb=min(max(limits.memory_mb, MEMORY_LIMIT_MIN_MB), MEMORY_LIMIT_MAX_MB),
        wall_ms=None if limits.wall_ms is None else min(max(limits.wall_ms, 1), 2 * TIME_LIMIT_MAX_MS),
    )


COMPILE_LIMITS: Final = Limits(
    time_ms=30_000,
    memory_mb=1024,
    wall_ms=60_000,
    processes=256,
    open_files=512,
    file_bytes=128 * MIB,
    tmp_bytes=512 * MIB,
)
"""Compilers and syntax checks: one per job, trusted tools on untrusted input."""


def judging_limits(limits: Limits, expected_outputs: list[str | None]) -> Limits:
    """Limits for judging against known outputs: the output cap grows to twice the largest expected
    output (bank problems print up to megabytes), never below the default cap."""
    largest = max((len((e or "").encode()) for e in expected_outputs), default=0)
    return replace(limits, output_bytes=max(limits.output_bytes, 2 * largest))
