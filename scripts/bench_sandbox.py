"""Sandbox overhead per language, printed as a Markdown table.

Usage (as root, like the runner): .venv/bin/python scripts/bench_sandbox.py [--runs 20] [language ...]

- hello world: median wall time of `--runs` runs, sandboxed (one job, `--runs` cases, the runner's own
  spawn-to-exit clock per case) against the same command run bare (a plain subprocess, timed around
  spawn and wait). The bare command is the one the sandbox runs, resolved for a host temp dir.
- submission: the wall time of a whole `--runs`-case job (compile once, run every case, compare, clean
  up) against compiling bare and running the cases bare one after another.

The bare runs execute only this script's own trusted programs. Timings include whatever else the machine
is doing; the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actors.sandbox import DEFAULT_TYPESCRIPT_DIR, Sandbox
from engine.execution.languages import (
    SANDBOX_TMP,
    Language,
    LanguageSpec,
    placeholder_values,
    resolve,
    resolve_env,
    source_file_name,
    spec_for,
)
from engine.execution.limits import COMPILE_LIMITS, Limits
from engine.execution.verdicts import Verdict

LIMITS = Limits(time_ms=10_000, memory_mb=256)

HELLO = {
    Language.PYTHON: 'print("Hello, World!")\n',
    Language.JAVASCRIPT: 'console.log("Hello, World!");\n',
    Language.TYPESCRIPT: 'const greeting: string = "Hello, World!";\nconsole.log(greeting);\n',
    Language.JAVA: 'public class Main { public static void main(String[] a) { System.out.println("Hello, World!"); } }\n',
    Language.CPP: '#include <iostream>\nint main() { std::cout << "Hello, World!" << std::endl; }\n',
    Language.C: '#include <stdio.h>\nint main(void) { puts("Hello, World!"); return 0; }\n',
    Language.GO: 'package main\nimport "fmt"\nfunc main() { fmt.Println("Hello, World!") }\n',
    Language.RUST: 'fn main() { println!("Hello, World!"); }\n',
}

SUM = {
    Language.PYTHON: "a, b = map(int, input().split())\nprint(a + b)\n",
    Language.JAVASCRIPT: 'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n',
    Language.TYPESCRIPT: 'import * as fs from "fs";\nconst [a, b]: number[] = fs.readFileSync(0, "utf8").trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n',
    Language.JAVA: "import java.util.Scanner;\npublic class Main { public static void main(String[] x) { Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n",
    Language.CPP: "#include <iostream>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << std::endl; }\n",
    Language.C: '#include <stdio.h>\nint main(void) { long long a, b; scanf("%lld %lld", &a, &b); printf("%lld\\n", a + b); return 0; }\n',
    Language.GO: 'package main\nimport "fmt"\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b) }\n',
    Language.RUST: 'use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect(); println!("{}", v[0] + v[1]); }\n',
}


def _bare_values(spec: LanguageSpec, source: str, work: Path, memory_mb: int) -> dict[str, str]:
    values = placeholder_values(spec, source, str(work), memory_mb)
    values["typescript"] = str(DEFAULT_TYPESCRIPT_DIR)
    return values


def _bare_env(work: Path, extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8"}
    for name, value in extra:
        env[name] = value.replace(SANDBOX_TMP, str(work))
    return env


def _bare_build(spec: LanguageSpec, source: str, work: Path) -> list[str]:
    """Write and compile `source` in `work` without a sandbox; return the bare run command."""
    (work / source_file_name(spec, source)).write_text(source)
    if spec.compile is not None:
        command = resolve(spec.compile, _bare_values(spec, source, work, COMPILE_LIMITS.memory_mb))
        env = _bare_env(work, resolve_env(spec.compile_env, COMPILE_LIMITS.memory_mb))
        subprocess.run(command, cwd=work, env=env, check=True, capture_output=True, timeout=300)
    return list(resolve(spec.run, _bare_values(spec, source, work, LIMITS.memory_mb)))


def _bare_run_s(command: list[str], work: Path, env: dict[str, str], stdin: bytes) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=work, env=env, input=stdin, capture_output=True, timeout=60, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"bare {command[0]} failed: {done.stderr.decode()[:300]}")
    return elapsed


def _bare(spec: LanguageSpec, source: str, inputs: list[bytes]) -> tuple[list[float], float]:
    """(each bare run in seconds, build + all runs in seconds)."""
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as folder:
        work = Path(folder)
        started = time.perf_counter()
        command = _bare_build(spec, source, work)
        env = _bare_env(work, resolve_env(spec.env, LIMITS.memory_mb))
        runs = [_bare_run_s(command, work, env, data) for data in inputs]
        return runs, time.perf_counter() - started


async def _sandboxed(
    sandbox: Sandbox, language: Language, source: str, cases: list[tuple[str, str | None]]
) -> tuple[list[float], float]:
    """(each sandboxed run in seconds, as the runner clocked it; the whole job in seconds)."""
    started = time.perf_counter()
    result = await sandbox.run_job(language, source, cases, LIMITS)
    elapsed = time.perf_counter() - started
    if result.verdict is not Verdict.ACCEPTED:
        raise RuntimeError(f"{language}: {result.verdict} {result.compile.message[:300]}")
    return [case.execution.wall_ms / 1000 for case in result.cases if case.execution], elapsed


async def _row(sandbox: Sandbox, language: Language, runs: int) -> list[str]:
    spec = spec_for(language)
    bare_hello, _ = await asyncio.to_thread(_bare, spec, HELLO[language], [b""] * runs)
    boxed_hello, _ = await _sandboxed(sandbox, language, HELLO[language], [("", "Hello, World!")] * runs)
    pairs = [(f"{i} {i * 7}\n", str(i * 8)) for i in range(runs)]
    _, bare_job = await asyncio.to_thread(_bare, spec, SUM[language], [stdin.encode() for stdin, _ in pairs])
    _, boxed_job = await _sandboxed(sandbox, language, SUM[language], list(pairs))
    bare_ms, boxed_ms = statistics.median(bare_hello) * 1000, statistics.median(boxed_hello) * 1000
    return [
        language.value,
        f"{bare_ms:.1f}",
        f"{boxed_ms:.1f}",
        f"{boxed_ms - bare_ms:+.1f}",
        f"{bare_job:.2f}",
        f"{boxed_job:.2f}",
        f"{boxed_job - bare_job:+.2f}",
        f"{boxed_job / bare_job:.2f}x",
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("languages", nargs="*", default=[language.value for language in Language])
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: the sandbox switches to slot uids")
    sandbox = Sandbox()
    header = [
        "language",
        "hello bare (ms)",
        "hello sandboxed (ms)",
        "overhead (ms)",
        f"{args.runs}-case bare (s)",
        f"{args.runs}-case sandboxed (s)",
        "overhead (s)",
        "ratio",
    ]
    rows = [await _row(sandbox, Language(name), args.runs) for name in args.languages]
    print(f"median of {args.runs} hello-world runs; {args.runs}-case job = compile once + {args.runs} runs")
    print(f"load average before/after: {os.getloadavg()[0]:.2f}; cgroups: {sandbox.cgroups}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    asyncio.run(main())
