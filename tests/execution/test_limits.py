"""Limits: derived wall clock, whole-second CPU rlimit, hard caps."""

from __future__ import annotations

from engine.execution.limits import (
    MEMORY_LIMIT_MAX_MB,
    MEMORY_LIMIT_MIN_MB,
    TIME_LIMIT_MAX_MS,
    Limits,
    clamped,
)


def test_limits_wall_clock_defaults_to_twice_the_cpu_limit_plus_a_second() -> None:
    assert Limits(time_ms=2000, memory_mb=256).wall_limit_ms == 5000


def test_limits_explicit_wall_clock_is_never_below_the_cpu_limit() -> None:
    assert Limits(time_ms=2000, memory_mb=256, wall_ms=10_000).wall_limit_ms == 10_000
    assert Limits(time_ms=2000, memory_mb=256, wall_ms=500).wall_limit_ms == 2000


def test_limits_cpu_rlimit_is_the_next_whole_second() -> None:
    assert Limits(time_ms=1000, memory_mb=64).cpu_limit_s == 2
    assert Limits(time_ms=1500, memory_mb=64).cpu_limit_s == 2
    assert Limits(time_ms=999, memory_mb=64).cpu_limit_s == 1


def test_clamped_holds_limits_within_the_caps() -> None:
    wild = clamped(Limits(time_ms=10**9, memory_mb=10**9, wall_ms=10**9))
    assert wild.time_ms == TIME_LIMIT_MAX_MS
    assert wild.memory_mb == MEMORY_LIMIT_MAX_MB
    assert wild.wall_ms == 2 * TIME_LIMIT_MAX_MS
    tiny = clamped(Limits(time_ms=0, memory_mb=1, wall_ms=0))
    assert (tiny.time_ms, tiny.memory_mb, tiny.wall_ms) == (1, MEMORY_LIMIT_MIN_MB, 1)
    assert clamped(Limits(time_ms=5, memory_mb=64)).wall_ms is None
