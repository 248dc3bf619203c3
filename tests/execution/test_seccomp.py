"""The seccomp filter, run through a small classic-BPF interpreter: what it refuses and what it allows."""

from __future__ import annotations

import struct

import pytest

from engine.execution.seccomp import (
    AUDIT_ARCH_X86_64,
    CLONE,
    CLONE3,
    CLONE_NEWUSER,
    DENIED,
    ENOSYS,
    EPERM,
    UNSHARE,
    X32_SYSCALL_BIT,
    filter_program,
)

ALLOW = 0x7FFF0000
KILL = 0x80000000
ERRNO = 0x00050000
CLONE_THREAD_FLAGS = 0x3D0F00  # what pthread_create passes
CLONE_NEWNET = 0x40000000


def _run(program: bytes, nr: int, arg0: int = 0, arch: int = AUDIT_ARCH_X86_64) -> int:
    data = struct.pack("=iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    code = [struct.unpack_from("=HBBI", program, at) for at in range(0, len(program), 8)]
    accumulator, pc = 0, 0
    while True:
        op, jt, jf, k = code[pc]
        pc += 1
        if op == 0x20:
            accumulator = struct.unpack_from("=I", data, k)[0]
        elif op == 0x06:
            return int(k)
        else:
            taken = {0x15: accumulator == k, 0x35: accumulator >= k, 0x45: bool(accumulator & k)}[op]
            pc += jt if taken else jf


PROGRAM = filter_program()


def test_filter_is_whole_instructions_and_deterministic() -> None:
    assert len(PROGRAM) % 8 == 0
    assert filter_program() == PROGRAM


@pytest.mark.parametrize("nr", [CLONE, UNSHARE])
def test_filter_refuses_new_user_namespaces(nr: int) -> None:
    assert _run(PROGRAM, nr, CLONE_NEWUSER) == ERRNO | EPERM
    assert _run(PROGRAM, nr, CLONE_NEWUSER | CLONE_NEWNET) == ERRNO | EPERM


def test_filter_allows_threads_and_forks() -> None:
    assert _run(PROGRAM, CLONE, CLONE_THREAD_FLAGS) == ALLOW
    assert _run(PROGRAM, CLONE, 0x11) == ALLOW  # SIGCHLD: fork
    assert _run(PROGRAM, UNSHARE, CLONE_NEWNET) == ALLOW  # fails later for lack of capabilities


def test_filter_sends_clone3_back_to_clone() -> None:
    assert _run(PROGRAM, CLONE3) == ERRNO | ENOSYS


@pytest.mark.parametrize(("name", "nr"), sorted(DENIED.items()))
def test_filter_refuses_the_denied_syscalls(name: str, nr: int) -> None:
    assert _run(PROGRAM, nr) == ERRNO | EPERM, name


@pytest.mark.parametrize("nr", [0, 1, 2, 9, 12, 60, 231, 57])
def test_filter_allows_ordinary_syscalls(nr: int) -> None:
    assert _run(PROGRAM, nr) == ALLOW


def test_filter_refuses_x32_and_kills_other_architectures() -> None:
    assert _run(PROGRAM, X32_SYSCALL_BIT | 0) == ERRNO | EPERM
    assert _run(PROGRAM, 0, arch=0x40000003) == KILL
