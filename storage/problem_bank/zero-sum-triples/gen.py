"""Deterministic generator for the large tests of zero-sum-triples (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
N = 4000


def large1(rng):
    # wide value range: almost all values distinct, few trios
    return [rng.randint(-100000, 100000) for _ in range(N)]


def large2(rng):
    # narrower range: tens of thousands of trios
    return [rng.randint(-60000, 60000) for _ in range(N)]


def large3(rng):
    # heavy duplication: only 81 distinct values, deduplication matters
    a = [rng.randint(-40, 40) for _ in range(N - 6)] + [0, 0, 0, 40, -20, -20]
    rng.shuffle(a)
    return a


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3], 1):
        rng = random.Random(2000 + i)
        a = fn(rng)
        inp = f"{len(a)}\n{' '.join(map(str, a))}\n"
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
