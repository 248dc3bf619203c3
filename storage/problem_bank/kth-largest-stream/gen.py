"""Deterministic generator for the large tests of kth-largest-stream (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def large1(rng):
    # big k in the middle of a big board, random arrivals
    init = [rng.randint(0, 10 ** 6) for _ in range(10 ** 5)]
    stream = [rng.randint(0, 10 ** 6) for _ in range(10 ** 5)]
    return 50000, init, stream


def large2(rng):
    # k = 1, empty board, every arrival is a new maximum
    return 1, [], list(range(1, 2 * 10 ** 5 + 1))


def large3(rng):
    # k = n + 1: nothing may ever be dropped; arrivals keep decreasing
    init = [rng.randint(10 ** 5, 10 ** 6) for _ in range(10 ** 5)]
    stream = list(range(10 ** 5, 0, -1))
    return 10 ** 5 + 1, init, stream


def large4(rng):
    # k = 1000 with 2 * 10^5 arrivals drifting upwards
    init = [rng.randint(-10 ** 5, 0) for _ in range(999)]
    stream = [rng.randint(-10 ** 5, 10 ** 5) + i // 4 for i in range(2 * 10 ** 5)]
    return 1000, init, stream


def large5(rng):
    # the biggest board: 2 * 10^5 initial scores, 2.5 * 10^5 arrivals, small value range with
    # many duplicates; inserting into a sorted array costs O(n) per arrival here
    init = [rng.randint(0, 999) for _ in range(2 * 10 ** 5)]
    stream = [rng.randint(0, 999) for _ in range(250000)]
    return 10 ** 5, init, stream


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3, large4, large5], 1):
        rng = random.Random(6000 + i)
        k, init, stream = fn(rng)
        inp = (f"{k}\n{len(init)}\n{' '.join(map(str, init))}\n"
               f"{len(stream)}\n{' '.join(map(str, stream))}\n")
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
