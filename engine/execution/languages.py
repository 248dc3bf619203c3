"""The eight supported languages: file names, compile and run commands, default limits.

Commands are argv templates whose `{placeholders}` are filled by `compile_command` / `run_command` from
the work dir path *inside* the sandbox, the source, and the memory limit. Invariant: every template only
names placeholders in `PLACEHOLDERS`, and every tool it starts is found on the sandbox's PATH
(`/usr/bin:/bin`) or under `TYPESCRIPT_DIR`, never under /root.

Interpreted languages have a syntax check as their compile step, so a syntax error is a
`compilation_error` for every language. TypeScript is transpiled by `tsc --noCheck` (syntax errors fail,
type errors do not: the reference ran `tsx`, which does not type-check either; static analysis runs
`tsc --noEmit` separately).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from engine.execution.limits import Limits

TYPESCRIPT_DIR: Final = "/opt/typescript"
SANDBOX_TMP: Final = "/tmp"  # noqa: S108 - a private tmpfs inside the sandbox, not the host's /tmp
PLACEHOLDERS: Final = frozenset({"work", "source", "binary", "main_class", "memory_mb", "typescript"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Language(StrEnum):
    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    JAVA = "java"
    CPP = "cpp"
    C = "c"
    GO = "go"
    RUST = "rust"


Argv = tuple[str, ...]
Env = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LanguageSpec:
    """How one language is built and run.

    `data_headroom_mb` is address space the runtime reserves on top of the program's own memory (JVM
    thread stacks and metaspace, V8 and Go arenas): RLIMIT_DATA is `memory_mb + data_headroom_mb`.
    `extra_processes` are threads the runtime starts on its own (they count against RLIMIT_NPROC).
    """

    language: Language
    source_name: str
    compile: Argv | None
    run: Argv
    time_ms: int
    memory_mb: int
    data_headroom_mb: int = 32
    extra_processes: int = 0
    env: Env = ()
    compile_env: Env = ()
    uses_typescript: bool = False

    @property
    def default_limits(self) -> Limits:
        return Limits(time_ms=self.time_ms, memory_mb=self.memory_mb)


_NODE = ("node", "--max-old-space-size={memory_mb}")
_JAVA_FLAGS = ("-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto")
_TSC_FLAGS = (
    *("--noCheck", "--skipLibCheck", "--noResolve", "--pretty", "false"),
    *("--lib", "es2022", "--target", "es2022", "--module", "commonjs", "--outDir", "{work}"),
)
_GO_ENV = (
    ("GOCACHE", f"{SANDBOX_TMP}/go-cache"),
    ("GOPATH", f"{SANDBOX_TMP}/go"),
    ("GO111MODULE", "off"),
    ("CGO_ENABLED", "0"),
)

SPECS: Final[Mapping[Language, LanguageSpec]] = {
    spec.language: spec
    for spec in (
        LanguageSpec(
            Language.PYTHON,
            "main.py",
            compile=("python3", "-m", "py_compile", "{source}"),
            run=("python3", "-B", "{source}"),
            time_ms=5_000,
            memory_mb=256,
            data_headroom_mb=64,
        ),
        LanguageSpec(
            Language.JAVASCRIPT,
            "main.js",
            compile=("node", "--check", "{source}"),
            run=(*_NODE, "{source}"),
            time_ms=3_000,
            memory_mb=256,
            data_headroom_mb=256,
            extra_processes=16,
        ),
        LanguageSpec(
            Language.TYPESCRIPT,
            "main.ts",
            compile=(*_NODE, "{typescript}/bin/tsc", *_TSC_FLAGS, "{source}"),
            run=(*_NODE, "{work}/main.js"),
            time_ms=3_000,
            memory_mb=256,
            data_headroom_mb=256,
            extra_processes=16,
            uses_typescript=True,
        ),
        LanguageSpec(
            Language.JAVA,
            "Main.java",
            compile=(
                *("javac", "-J-Xmx{memory_mb}m", "-J-XX:TieredStopAtLevel=1"),
                *(f"-J{flag}" for flag in _JAVA_FLAGS),
                *("-encoding", "UTF-8", "-d", "{work}", "{source}"),
            ),
            run=(
                *("java", "-Xss64m", "-Xms16m", "-Xmx{memory_mb}m", "-XX:+ExitOnOutOfMemoryError"),
                *(*_JAVA_FLAGS, "-cp", "{work}", "{main_class}"),
            ),
            time_ms=4_000,
            memory_mb=256,
            data_headroom_mb=768,
            extra_processes=32,
        ),
        LanguageSpec(
            Language.CPP,
            "main.cpp",
            compile=("g++", "-O2", "-std=gnu++17", "-pipe", "-o", "{binary}", "{source}"),
            run=("{binary}",),
            time_ms=2_000,
            memory_mb=256,
        ),
        LanguageSpec(
            Language.C,
            "main.c",
            compile=("gcc", "-O2", "-std=gnu17", "-pipe", "-o", "{binary}", "{source}", "-lm"),
            run=("{binary}",),
            time_ms=2_000,
            memory_mb=256,
        ),
        LanguageSpec(
            Language.GO,
            "main.go",
            compile=("go", "build", "-o", "{binary}", "{source}"),
            run=("{binary}",),
            time_ms=2_000,
            memory_mb=256,
            data_headroom_mb=128,
            extra_processes=16,
            env=(("GOMEMLIMIT", "{memory_mb}MiB"),),
            compile_env=_GO_ENV,
        ),
        LanguageSpec(
            Language.RUST,
            "main.rs",
            compile=("rustc", "-O", "--edition", "2021", "-o", "{binary}", "{source}"),
            run=("{binary}",),
            time_ms=2_000,
            memory_mb=256,
        ),
    )
}

_JAVA_PUBLIC_CLASS = re.compile(
    r"^\s*public\s+(?:(?:final|abstract|strictfp)\s+)*class\s+(\w+)", re.MULTILINE
)
_JAVA_CLASS = re.compile(r"\b(?:class|record|enum|interface)\s+(\w+)")
_JAVA_MAIN = re.compile(r"\bstatic\s+void\s+main\s*\(")


def spec_for(language: Language | str) -> LanguageSpec:
    return SPECS[Language(language)]


def java_main_class(source: str) -> str:
    """The class `java` starts: the innermost type whose body encloses `static void main` (a nested
    helper class declared before `main` is skipped), else the public one, else `Main`."""
    main = _JAVA_MAIN.search(source)
    if main:
        enclosing = [
            m.group(1)
            for m in _JAVA_CLASS.finditer(source, 0, main.start())
            if _encloses(source, m.end(), main.start())
        ]
        if enclosing:
            return str(enclosing[-1])
    public = _JAVA_PUBLIC_CLASS.search(source)
    return public.group(1) if public else "Main"


def _encloses(source: str, after: int, position: int) -> bool:
    """Whether the body opened by the first `{` after `after` is still open at `position`."""
    start = source.find("{", after, position)
    if start == -1:
        return False
    depth = 0
    for char in source[start:position]:
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return False
    return True


def source_file_name(spec: LanguageSpec, source: str) -> str:
    """Java needs the file named after its public class; every other language uses `spec.source_name`."""
    if spec.language is Language.JAVA:
        public = _JAVA_PUBLIC_CLASS.search(source)
        return f"{public.group(1)}.java" if public else spec.source_name
    return spec.source_name


def resolve(template: Sequence[str], values: Mapping[str, str]) -> Argv:
    """Fill every `{name}` in every argument; an unknown name is a programming error (KeyError)."""
    return tuple(_PLACEHOLDER.sub(lambda match: values[match.group(1)], arg) for arg in template)


def placeholder_values(spec: LanguageSpec, source: str, work_dir: str, memory_mb: int) -> dict[str, str]:
    return {
        "work": work_dir,
        "source": source_file_name(spec, source),
        "binary": f"{work_dir}/main",
        "main_class": java_main_class(source),
        "memory_mb": str(memory_mb),
        "typescript": TYPESCRIPT_DIR,
    }


def compile_command(spec: LanguageSpec, source: str, work_dir: str, memory_mb: int) -> Argv | None:
    if spec.compile is None:
        return None
    return resolve(spec.compile, placeholder_values(spec, source, work_dir, memory_mb))


def run_command(spec: LanguageSpec, source: str, work_dir: str, memory_mb: int) -> Argv:
    return resolve(spec.run, placeholder_values(spec, source, work_dir, memory_mb))


def resolve_env(env: Env, memory_mb: int) -> Env:
    values = {"memory_mb": str(memory_mb)}
    return tuple((name, resolve((value,), values)[0]) for name, value in env)
