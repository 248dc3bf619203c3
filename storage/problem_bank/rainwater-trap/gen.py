"""Deterministic generator for the large tests of rainwater-trap (stdlib only).

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
    rng = random.Random(4242)
    n = 200_000
    # large1: random heights (quadratic "scan both sides for every column" dies here)
    yield "large1", fmt([rng.randint(0, 999_999) for _ in range(n)])
    # large2: two walls of 10^9 around small noise: answer about 2 * 10^14 (needs 64-bit)
    h = [rng.randint(0, 99) for _ in range(n)]
    h[0] = h[-1] = 1_000_000_000
    yield "large2", fmt(h)
    # large3: a deep valley: heights fall then rise again, with a small bump in the middle
    half = n // 2
    h = [999_999 - 9 * i for i in range(half)] + [100_000 + 8 * i for i in range(n - half)]
    h[half] = 500_000
    yield "large3", fmt(h)


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
