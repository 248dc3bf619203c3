"""Deterministic generator for the large tests of window-maximums (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fmt(v, k):
    return f"{len(v)}\n{' '.join(map(str, v))}\n{k}\n"


def cases():
    rng = random.Random(8675309)
    n = 200_000
    # large1: random values, k = n / 2 -> rescanning each window is ~2 * 10^10 steps
    yield "large1", fmt([rng.randint(-999_999, 999_999) for _ in range(n)], n // 2)
    # large2: strictly decreasing: the maximum leaves every window, defeating "rescan only when
    # the maximum drops out" shortcuts
    yield "large2", fmt([n - i for i in range(n)], 60_000)
    # large3: big magnitudes, small window
    yield "large3", fmt([rng.choice((-1, 1)) * rng.randint(10**8, 10**9) for _ in range(150_000)], 17)


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
