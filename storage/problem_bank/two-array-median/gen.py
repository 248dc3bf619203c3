"""Deterministic generator for the large tests of two-array-median (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fmt(a, b, queries):
    lines = [str(len(a)), " ".join(map(str, a)), str(len(b)), " ".join(map(str, b)), str(len(queries))]
    lines += [f"{i} {j}" for i, j in queries]
    return "\n".join(lines) + "\n"


def random_queries(rng, n, m, q):
    out = []
    while len(out) < q:
        i, j = rng.randint(0, n), rng.randint(0, m)
        if i + j > 0:
            out.append((i, j))
    return out


def cases():
    rng = random.Random(16180)
    # large1: two 60000-long arrays, 60000 random prefix queries (merging per query is ~3.6 * 10^9 steps)
    n = m = 60_000
    a = sorted(rng.randint(-1_000_000, 1_000_000) for _ in range(n))
    b = sorted(rng.randint(-1_000_000, 1_000_000) for _ in range(m))
    yield "large1", fmt(a, b, random_queries(rng, n, m, 60_000))
    # large2: b is empty, a is long
    a = sorted(rng.randint(0, 999_999) for _ in range(100_000))
    yield "large2", fmt(a, [], [(rng.randint(1, len(a)), 0) for _ in range(60_000)])
    # large3: disjoint value ranges and extreme queries (whole arrays, one side empty)
    a = list(range(-200_000, -140_000))
    b = list(range(140_000, 200_000))
    qs = [(len(a), len(b)), (len(a), 0), (0, len(b)), (1, 0), (0, 1), (1, 1)]
    qs += random_queries(rng, len(a), len(b), 59_994)
    yield "large3", fmt(a, b, qs)
    # large4: magnitudes near 10^9 (sums overflow 32-bit), heavy duplicates
    vals = [-1_000_000_000, -999_999_999, 0, 999_999_999, 1_000_000_000]
    a = sorted(rng.choice(vals) for _ in range(40_000))
    b = sorted(rng.choice(vals) for _ in range(40_000))
    yield "large4", fmt(a, b, random_queries(rng, len(a), len(b), 60_000))


def main() -> None:
    """Write tests/<name>.in and tests/<name>.out (outputs from the Python reference in problem.toml)."""
    sol = tomllib.loads((HERE / "problem.toml").read_text())["solutions"]["python"]
    (HERE / "tests").mkdir(exist_ok=True)
    for name, text in cases():
        (HERE / "tests" / f"{name}.in").write_text(text)
        res = subprocess.run([sys.executable, "-c", sol], input=text, capture_output=True, text=True, check=True)
        (HERE / "tests" / f"{name}.out").write_text(res.stdout)
        print(name, len(text), "bytes in,", len(res.stdout), "bytes out")


if __name__ == "__main__":
    main()
