"""Deterministic generator for the large hidden tests of remove-kth-from-end (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from pathlib import Path

N = 200000


def write(folder, name, vals, k):
    (folder / f"{name}.in").write_text(f"{len(vals)}\n{' '.join(map(str, vals))}\n{k}\n")
    rest = vals[:len(vals) - k] + vals[len(vals) - k + 1:]
    (folder / f"{name}.out").write_text(f"{len(rest)}\n{' '.join(map(str, rest))}\n")


def main():
    rng = random.Random(2718)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    vals = [rng.randint(0, 999999) for _ in range(N)]
    # (k = 1 and k = n are covered by the small tests.)
    write(folder, "large1", vals, rng.randint(2, N - 1))   # somewhere in the middle
    write(folder, "large2", [7] * N, N // 2)               # all wagon numbers equal


if __name__ == "__main__":
    main()
