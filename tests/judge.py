"""A plain-subprocess judge for the bank tests (the sandboxed runner replaces it in the execution issue):
build a solution, run it on one case, report output and CPU time."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

SOURCES = {
    "python": "main.py",
    "cpp": "main.cpp",
    "c": "main.c",
    "java": "Main.java",
    "go": "main.go",
    "rust": "main.rs",
}


def build(language: str, source: str, work: Path) -> list[str]:
    """Write and compile `source` in `work`; return the command that runs it."""
    path = work / SOURCES[language]
    path.write_text(source)
    compile_commands = {
        "cpp": ["g++", "-O2", "-std=c++17", "-o", "main", path.name],
        "c": ["gcc", "-O2", "-std=c11", "-o", "main", path.name, "-lm"],
        "java": ["javac", path.name],
        "go": ["go", "build", "-o", "main", path.name],
        "rust": ["rustc", "-O", "--edition", "2021", "-o", "main", path.name],
    }
    if language in compile_commands:
        env = {**os.environ, "GOCACHE": str(work / ".gocache"), "HOME": str(work)}
        subprocess.run(
            compile_commands[language], cwd=work, check=True, capture_output=True, timeout=300, env=env
        )
    runs = {"python": [sys.executable, str(path)], "java": ["java", "-Xss64m", "-cp", str(work), "Main"]}
    return runs.get(language, [str(work / "main")])


@dataclass(frozen=True)
class Outcome:
    stdout: str
    cpu_s: float
    returncode: int
    killed: bool


def run(command: list[str], stdin: str, wall_limit_s: float) -> Outcome:
    """Run with stdin/stdout in files; CPU time from wait4 so other load on the machine does not count."""
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in", Path(tmp) / "out"
        inp.write_text(stdin)
        with inp.open("rb") as fin, out.open("wb") as fout:
            proc = subprocess.Popen(command, stdin=fin, stdout=fout, stderr=subprocess.DEVNULL)
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                proc.kill()

            timer = threading.Timer(wall_limit_s, kill)
            timer.start()
            _, status, usage = os.wait4(proc.pid, 0)
            timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
        return Outcome(
            stdout=out.read_text(),
            cpu_s=usage.ru_utime + usage.ru_stime,
            returncode=proc.returncode,
            killed=killed.is_set(),
        )


def same_output(actual: str, expected: str) -> bool:
    """Trailing whitespace per line and trailing empty lines are ignored."""

    def norm(text: str) -> list[str]:
        lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    return norm(actual) == norm(expected)
