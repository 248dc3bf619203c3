"""Deterministic generator for the large tests of most-frequent-k (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
N = 2 * 10 ** 5


def large1(rng):
    # skewed popularity over 10^5 codes, top 1000 requested
    codes = [rng.randint(-10 ** 6, 10 ** 6) for _ in range(10 ** 5)]
    weights = [1.0 / (i + 1) for i in range(len(codes))]
    a = rng.choices(codes, weights=weights, k=N)
    return a, 1000


def large2(rng):
    # mostly distinct codes: huge ties at counts 1 and 2, half of all codes requested
    a = [rng.randint(-10 ** 6, 10 ** 6) for _ in range(N)]
    return a, len(set(a)) // 2


def large3(rng):
    # every different code requested
    a = [rng.randint(0, 50000) for _ in range(N)]
    return a, len(set(a))


def large4(rng):
    # a few extreme codes with large counts
    pool = [10 ** 9, -10 ** 9, 0, 999999999, -999999999, 1, -1]
    a = [rng.choice(pool) for _ in range(N)]
    return a, 5


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3, large4], 1):
        rng = random.Random(5000 + i)
        a, k = fn(rng)
        inp = f"{len(a)}\n{' '.join(map(str, a))}\n{k}\n"
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
