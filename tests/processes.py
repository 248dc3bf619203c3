"""Child processes the test session starts (database, gateways, node clients): they die with the session.

Every child gets `PR_SET_PDEATHSIG = SIGKILL`, so the kernel kills it when the pytest process ends in any
way (a failure, a pytest-timeout backstop that exits the process, Ctrl-C, `kill -9`); `stop` ends one
politely and then by force, and `stop_all` (called when the session finishes) ends whatever is left.
Invariant: a started child is in `_LIVE` until it has exited.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
from typing import Any

PR_SET_PDEATHSIG = 1
STOP_GRACE_S = 10.0
_LIVE: list[subprocess.Popen[bytes]] = []


def die_with_parent() -> None:
    """`preexec_fn` for children: the kernel sends SIGKILL when the parent (this session) exits."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def spawn(argv: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """Start a child process owned by the session (same keywords as `subprocess.Popen`)."""
    proc = subprocess.Popen(argv, preexec_fn=die_with_parent, **options)
    _LIVE.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM, then SIGKILL when it has not exited within `grace_s`."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace_s)
    if proc in _LIVE:
        _LIVE.remove(proc)


def stop_all() -> None:
    while _LIVE:
        stop(_LIVE[0], grace_s=2.0)
