"""What one sandboxed process did, as the runner measured it (the input of every verdict).

Exit statuses come through bubblewrap, which reports a child killed by signal N as exit code 128 + N;
`split_exit_code` undoes that. Invariant: `signal` is set exactly when the process ended by a signal.
"""

from __future__ import annotations

import json
import re
import signal as signals
from dataclasses import dataclass
from typing import Final

SIGNAL_EXIT_BASE: Final = 128
_LAUNCHERS: Final = ("setpriv:", "prlimit:", "bwrap:")
_LAUNCH_FAILURE_CODES: Final = frozenset({1, 126, 127})
_TRAILING_NUMBER: Final = re.compile(r"(\d+)\s*$")


@dataclass(frozen=True)
class Execution:
    """One process run: its end, its resource use and its (capped) output."""

    exit_code: int | None
    signal: int | None
    wall_ms: int
    cpu_ms: int
    peak_memory_kb: int
    stdout: str = ""
    stderr: str = ""
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    timed_out: bool = False
    sandbox_error: str | None = None

    @property
    def output_truncated(self) -> bool:
        return self.stdout_truncated or self.stderr_truncated

    @property
    def exited_cleanly(self) -> bool:
        """Exit code 0, not killed, nothing cut off, sandbox fine (the reference's `completed`)."""
        return (
            self.exit_code == 0
            and self.signal is None
            and not self.timed_out
            and not self.output_truncated
            and self.sandbox_error is None
        )


def split_exit_code(code: int) -> tuple[int, int | None]:
    """(exit code, signal) from an exit code that encodes death by signal N as 128 + N."""
    number = code - SIGNAL_EXIT_BASE
    return (code, number) if 0 < number < signals.NSIG else (code, None)


def signal_name(number: int) -> str:
    try:
        return signals.Signals(number).name
    except ValueError:
        return f"signal {number}"


def launcher_failure(exit_code: int | None, stderr: str, started: bool) -> str | None:
    """Why the sandbox itself failed, if it did: bwrap never started the child, or setpriv/prlimit
    could not start the language's tool (a missing toolchain is a system error, not the user's)."""
    first_line = stderr.strip().split("\n", 1)[0]
    if not started:
        return first_line or "the sandbox did not start"
    if exit_code in _LAUNCH_FAILURE_CODES and first_line.startswith(_LAUNCHERS):
        return first_line
    return None


def peak_from_report(report: str) -> int:
    """Peak resident set in KiB: the number GNU time wrote last (0 when it wrote none)."""
    match = _TRAILING_NUMBER.search(report)
    return int(match.group(1)) if match else 0


def sandbox_started(status: str) -> bool:
    """bwrap wrote its child's pid on its JSON status fd: the sandbox was set up."""
    for line in status.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "child-pid" in record:
            return True
    return False
