"""Deterministic generator for the large tests of product-of-others (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
N = 10 ** 5


def large1(rng):
    # random gains, no zero
    return [rng.randint(1, 10 ** 9) for _ in range(N)]


def large2(rng):
    # exactly one zero: every answer is 0 except at the zero's position
    a = [rng.randint(1, 10 ** 9) for _ in range(N)]
    a[rng.randrange(N)] = 0
    return a


def large3(rng):
    # several zeros and many ones
    a = [rng.choice([1, 1, 1, 2, rng.randint(1, 10 ** 9)]) for _ in range(N)]
    for _ in range(5):
        a[rng.randrange(N)] = 0
    return a


def large4(rng):
    # every gain is the maximum value: checks 64-bit intermediate products
    return [10 ** 9] * N


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3, large4], 1):
        rng = random.Random(3000 + i)
        a = fn(rng)
        inp = f"{len(a)}\n{' '.join(map(str, a))}\n"
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
