"""Deterministic generator for the large hidden tests of longest-rising-subsequence (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from bisect import bisect_left
from pathlib import Path

N = 100000


def solve(a):
    tails = []
    for x in a:
        i = bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)


def write(folder, name, a):
    (folder / f"{name}.in").write_text(f"{len(a)}\n{' '.join(map(str, a))}\n")
    (folder / f"{name}.out").write_text(f"{solve(a)}\n")


def main():
    rng = random.Random(9127)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    # 1: uniformly random heights over the full range.
    write(folder, "large1", [rng.randint(-10**9, 10**9) for _ in range(N)])
    # 2: strictly increasing: the answer is n, so scanning all tails linearly is quadratic.
    start = rng.randint(-10**9, -9 * 10**8)
    a, cur = [], start
    for _ in range(N):
        cur += rng.randint(1, 15000)
        a.append(cur)
    write(folder, "large2", a)
    # 3: a noisy upward trend with many repeated values (tests strictness).
    write(folder, "large3", [i // 7 + rng.randint(0, 40) for i in range(N)])
    # 4: strictly decreasing except for one short rising run hidden in the middle.
    a = [10**9 - 3 * i for i in range(N)]
    for j in range(5):
        a[50000 + j * 100] = -10**9 + j
    write(folder, "large4", a)


if __name__ == "__main__":
    main()
