"""Deterministic generator for the large tests of histogram-max-rectangle (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fmt(h):
    return f"{len(h)}\n{' '.join(map(str, h))}\n"


def cases():
    rng = random.Random(31337)
    n = 200_000
    # large1: strictly increasing (expanding around each bar and min-splitting recursion are quadratic)
    yield "large1", fmt(list(range(1, n + 1)))
    # large2: random heights
    yield "large2", fmt([rng.randint(0, 999_999) for _ in range(n)])
    # large3: all equal and maximal: area 1.5 * 10^14 needs 64-bit
    yield "large3", fmt([1_000_000_000] * 150_000)
    # large4: strictly decreasing with random dips
    h = [n - i for i in range(n)]
    for _ in range(50):
        h[rng.randrange(n)] = rng.randint(0, 1000)
    yield "large4", fmt(h)


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
