"""The sandbox's seccomp filter (x86_64), as the classic BPF program bwrap loads with `--seccomp FD`.

What it refuses, and why: the program runs without a user namespace of its own, but Linux lets any
unprivileged process create one, and with it capabilities over fresh network and mount namespaces, the
usual way into kernel exploits (nf_tables and friends). So `unshare` and `clone` with `CLONE_NEWUSER`
fail with EPERM, and `clone3`, whose flags a filter cannot read, fails with ENOSYS (libc then falls back
to `clone`). `DENIED` are interfaces a judged program never needs that either require privileges it lacks
or are frequent exploit entry points (keyrings, bpf, perf events, userfaultfd, io_uring, the mount API,
ptrace); they fail with EPERM. Syscalls of another ABI (x32) fail with EPERM; a foreign architecture is
killed. Everything else is allowed.

Theory of operation: `seccomp_data` is `{int nr; u32 arch; u64 ip; u64 args[6]}`; the program loads
`arch`, then `nr`, compares `nr` against each listed syscall and jumps to a shared return. Jumps are
relative and resolved from labels by `_assemble`. Invariant: pure data, identical on every call.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Final

AUDIT_ARCH_X86_64: Final = 0xC000003E
X32_SYSCALL_BIT: Final = 0x40000000
CLONE_NEWUSER: Final = 0x10000000
EPERM: Final = 1
ENOSYS: Final = 38

CLONE: Final = 56
UNSHARE: Final = 272
CLONE3: Final = 435
DENIED: Final = {
    "ptrace": 101,
    "syslog": 103,
    "pivot_root": 155,
    "acct": 163,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "init_module": 175,
    "delete_module": 176,
    "quotactl": 179,
    "lookup_dcookie": 212,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "perf_event_open": 298,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "setns": 308,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
}

_LD_W_ABS: Final = 0x20
_JEQ: Final = 0x15
_JGE: Final = 0x35
_JSET: Final = 0x45
_RET: Final = 0x06
_RET_KILL_PROCESS: Final = 0x80000000
_RET_ERRNO: Final = 0x00050000
_RET_ALLOW: Final = 0x7FFF0000
_OFFSET_NR: Final = 0
_OFFSET_ARCH: Final = 4
_OFFSET_ARG0_LOW: Final = 16

Target = str | int
Instruction = tuple[int, Target, Target, int]


def _jump(code: int, value: int, if_true: Target, if_false: Target = 0) -> Instruction:
    return (code, if_true, if_false, value)


def _load(offset: int) -> Instruction:
    return (_LD_W_ABS, 0, 0, offset)


def _ret(action: int) -> Instruction:
    return (_RET, 0, 0, action)


def _program() -> list[tuple[str, Instruction]]:
    """(label, instruction) pairs; a label names the instruction it is paired with ('' for none)."""
    steps: list[tuple[str, Instruction]] = [
        ("", _load(_OFFSET_ARCH)),
        ("", _jump(_JEQ, AUDIT_ARCH_X86_64, 0, "kill")),
        ("", _load(_OFFSET_NR)),
        ("", _jump(_JGE, X32_SYSCALL_BIT, "eperm")),
        ("", _jump(_JEQ, CLONE, "flags")),
        ("", _jump(_JEQ, UNSHARE, "flags")),
        ("", _jump(_JEQ, CLONE3, "enosys")),
    ]
    steps += [("", _jump(_JEQ, number, "eperm")) for number in sorted(DENIED.values())]
    steps += [
        ("", _ret(_RET_ALLOW)),
        ("flags", _load(_OFFSET_ARG0_LOW)),
        ("", _jump(_JSET, CLONE_NEWUSER, "eperm", "allow")),
        ("eperm", _ret(_RET_ERRNO | EPERM)),
        ("enosys", _ret(_RET_ERRNO | ENOSYS)),
        ("allow", _ret(_RET_ALLOW)),
        ("kill", _ret(_RET_KILL_PROCESS)),
    ]
    return steps


def _assemble(steps: Sequence[tuple[str, Instruction]]) -> bytes:
    """Resolve label jumps to relative offsets and pack each `struct sock_filter {u16 u8 u8 u32}`."""
    where = {label: index for index, (label, _) in enumerate(steps) if label}

    def offset(target: Target, index: int) -> int:
        return target if isinstance(target, int) else where[target] - index - 1

    return b"".join(
        struct.pack("=HBBI", code, offset(if_true, index), offset(if_false, index), value)
        for index, (_, (code, if_true, if_false, value)) in enumerate(steps)
    )


def filter_program() -> bytes:
    """The compiled filter bwrap reads from its `--seccomp` fd."""
    return _assemble(_program())
