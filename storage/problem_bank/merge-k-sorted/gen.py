"""Deterministic generator for the large tests of merge-k-sorted (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fmt(lists):
    parts = [str(len(lists))]
    for lst in lists:
        parts.append(str(len(lst)))
        parts.append(" ".join(map(str, lst)))
    return "\n".join(parts) + "\n"


def cases():
    rng = random.Random(777)
    # large1: 20000 lists of 10 -> merging one list at a time costs ~2 * 10^9 steps
    lists = [sorted(rng.randint(-100_000, 100_000) for _ in range(10)) for _ in range(20_000)]
    yield "large1", fmt(lists)
    # large2: 2000 lists of random lengths (some empty), heavy duplicates
    lengths = [rng.choice([0, 0, 1, 5, 50, 150, 300]) for _ in range(2000)]
    lists = [sorted(rng.randint(-1000, 1000) for _ in range(m)) for m in lengths]
    yield "large2", fmt(lists)
    # large3: one long list among 19999 empty ones, and a tiny list interleaving with it
    lists = [[] for _ in range(20_000)]
    lists[rng.randrange(20_000)] = list(range(-90_000, 90_000))
    lists[0] = [-95_000, 0, 95_000]
    yield "large3", fmt(lists)


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
