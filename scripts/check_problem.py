"""Check problem-bank folders: schema, counts, reference solutions on every test, starter code builds.

Usage: python scripts/check_problem.py storage/problem_bank/<slug> [...]   (or --all)
Runs as plain subprocesses (no sandbox): a development aid for bank authors.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.execution.languages import Language
from engine.problems.bank import REQUIRED_KEYS

LANGS = [language.value for language in Language]
DIFFS = {"easy", "medium", "hard"}
BANK = Path(__file__).resolve().parent.parent / "storage" / "problem_bank"
TAGS = set(
    [
        "arrays",
        "strings",
        "hashing",
        "two-pointers",
        "sliding-window",
        "stack",
        "binary-search",
        "linked-list",
        "trees",
        "graphs",
        "bfs",
        "dfs",
        "shortest-path",
        "topological-sort",
        "dynamic-programming",
        "greedy",
        "heap",
        "intervals",
        "backtracking",
        "bit-manipulation",
        "sorting",
        "math",
        "matrix",
        "monotonic-stack",
        "prefix-sum",
    ]
)
TSC = Path(__file__).resolve().parent.parent / ".data" / "node" / "node_modules" / ".bin" / "tsc"


def norm(text: str) -> list[str]:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def build(lang: str, src: str, work: Path) -> list[str]:
    """Compile src in work; return the run command."""
    files = {
        "python": "main.py",
        "javascript": "main.js",
        "typescript": "main.ts",
        "java": "Main.java",
        "cpp": "main.cpp",
        "c": "main.c",
        "go": "main.go",
        "rust": "main.rs",
    }
    f = work / files[lang]
    f.write_text(src)

    def run(cmd: list[str]) -> None:
        r = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"{lang} build failed: {r.stderr[-2000:]}{r.stdout[-2000:]}")

    if lang == "python":
        run([sys.executable, "-m", "py_compile", str(f)])
        return [sys.executable, str(f)]
    if lang == "javascript":
        run(["node", "--check", str(f)])
        return ["node", str(f)]
    if lang == "typescript":
        if not TSC.exists():
            raise RuntimeError(f"tsc missing: npm install --prefix {TSC.parents[2]} typescript @types/node")
        run(
            [
                str(TSC),
                "--target",
                "es2020",
                "--module",
                "commonjs",
                "--types",
                "node",
                "--typeRoots",
                str(TSC.parents[1] / "@types"),
                "--outDir",
                str(work),
                str(f),
            ]
        )
        return ["node", str(work / "main.js")]
    if lang == "java":
        run(["javac", str(f)])
        return ["java", "-Xss64m", "-cp", str(work), "Main"]
    if lang == "cpp":
        run(["g++", "-O2", "-std=c++17", "-o", "main", str(f)])
        return [str(work / "main")]
    if lang == "c":
        run(["gcc", "-O2", "-std=c11", "-o", "main", str(f), "-lm"])
        return [str(work / "main")]
    if lang == "go":
        run(["go", "build", "-o", "main", str(f)])
        return [str(work / "main")]
    run(["rustc", "-O", "--edition", "2021", "-o", "main", str(f)])
    return [str(work / "main")]


def cases(folder: Path, p: dict) -> list[tuple[str, str, str]]:
    out = []
    for i, ex in enumerate(p["examples"]):
        out.append((f"example{i}", ex["input"], ex["output"]))
    for i, t in enumerate(p["tests"]):
        inp = t.get("input") if "input" in t else (folder / "tests" / t["input_file"]).read_text()
        exp = t.get("expected") if "expected" in t else (folder / "tests" / t["expected_file"]).read_text()
        out.append((f"test{i}", inp, exp))
    return out


def check(folder: Path) -> list[str]:
    errs: list[str] = []
    p = tomllib.loads((folder / "problem.toml").read_text())
    errs += [f"missing {k}" for k in REQUIRED_KEYS if k not in p]
    if errs:
        return errs
    if p["slug"] != folder.name:
        errs.append("slug != folder name")
    if p["difficulty"] not in DIFFS:
        errs.append("bad difficulty")
    errs += [f"unknown tag {t}" for t in p["tags"] if t not in TAGS]
    if len(p["hints"]) != 3:
        errs.append("need exactly 3 hints")
    if len(p["examples"]) < 2 or any(not e.get("explanation") for e in p["examples"]):
        errs.append("need >= 2 examples with explanations")
    hidden = sum(1 for t in p["tests"] if t.get("hidden"))
    if len(p["tests"]) < 10 or hidden < 6:
        errs.append(f"need >= 10 tests, >= 6 hidden (have {len(p['tests'])}, {hidden})")
    if "## Input format" not in p["statement"] or "## Output format" not in p["statement"]:
        errs.append("statement needs ## Input format and ## Output format")
    errs += [f"missing starter {lang}" for lang in LANGS if lang not in p["starter"]]
    if set(p["solutions"]) != {"python", "cpp"}:
        errs.append("solutions must be python and cpp")
    all_cases = cases(folder, p)
    limit = p["time_limit_ms"] / 1000
    for lang in ("python", "cpp"):
        with tempfile.TemporaryDirectory() as d:
            try:
                cmd = build(lang, p["solutions"][lang], Path(d))
            except RuntimeError as e:
                errs.append(str(e))
                continue
            for name, inp, exp in all_cases:
                t0 = time.perf_counter()
                try:
                    r = subprocess.run(cmd, input=inp, capture_output=True, text=True, timeout=limit * 3)
                except subprocess.TimeoutExpired:
                    errs.append(f"{lang} {name}: timeout")
                    continue
                dt = time.perf_counter() - t0
                if r.returncode != 0:
                    errs.append(f"{lang} {name}: exit {r.returncode} {r.stderr[-500:]}")
                elif norm(r.stdout) != norm(exp):
                    errs.append(f"{lang} {name}: wrong answer")
                elif dt > limit:
                    errs.append(f"{lang} {name}: {dt:.2f}s > limit {limit}s")
    for lang in LANGS:
        if lang not in p["starter"]:
            continue
        with tempfile.TemporaryDirectory() as d:
            try:
                cmd = build(lang, p["starter"][lang], Path(d))
                inp = all_cases[0][1]
                r = subprocess.run(cmd, input=inp, capture_output=True, text=True, timeout=20)
                if r.returncode != 0:
                    errs.append(f"starter {lang}: exit {r.returncode} {r.stderr[-500:]}")
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                errs.append(f"starter {lang}: {e}")
    return errs


def main() -> int:
    args = sys.argv[1:]
    folders = (
        sorted(x for x in BANK.iterdir() if (x / "problem.toml").exists())
        if args == ["--all"]
        else [Path(a) for a in args]
    )
    bad = 0
    for f in folders:
        errs = check(f)
        print(f"{f.name}: {'OK' if not errs else 'FAIL'}")
        for e in errs:
            print("   ", e)
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
