"""Deterministic generator for the large tests of merge-overlapping-intervals (stdlib only).

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
    # random short windows in [0, 10^6]: a mix of merged groups and singletons
    out = []
    for _ in range(N):
        l = rng.randint(0, 10 ** 6)
        out.append((l, min(10 ** 6, l + rng.randint(0, 12))))
    return out


def large2(rng):
    # 8 * 10^4 windows over the full range [0, 10^9]
    out = []
    for _ in range(80000):
        l = rng.randint(0, 10 ** 9)
        out.append((l, min(10 ** 9, l + rng.randint(0, 20000))))
    return out


def large3(rng):
    # pairwise disjoint windows, shuffled: nothing merges, 10^5 output lines
    out = [(10 * i, 10 * i + rng.randint(0, 8)) for i in range(N)]
    rng.shuffle(out)
    return out


def large4(rng):
    # a chain where each window touches the next one at an endpoint, shuffled: one big window
    out = [(7 * i, 7 * (i + 1)) for i in range(N)]
    rng.shuffle(out)
    return out


def large5(rng):
    # many windows nested inside a few big ones, with repeats
    out = []
    for _ in range(N):
        c = rng.choice([100000, 400000, 800000])
        l = c + rng.randint(0, 50000)
        out.append((l, l + rng.randint(0, 50000)))
    out += [(100000, 199999), (400000, 499999), (800000, 899999)] * 3
    rng.shuffle(out)
    return out[:N]


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3, large4, large5], 1):
        rng = random.Random(7000 + i)
        w = fn(rng)
        inp = f"{len(w)}\n" + "".join(f"{l} {r}\n" for l, r in w)
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
