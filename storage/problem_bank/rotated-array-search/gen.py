"""Deterministic generator for the large hidden tests of rotated-array-search (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from pathlib import Path


def solve(nums, queries):
    pos = {v: i for i, v in enumerate(nums)}
    return [pos.get(t, -1) for t in queries]


def make(rng, n, q, k, lo, hi):
    a = sorted(rng.sample(range(lo, hi), n))
    nums = a[k:] + a[:k]
    queries = []
    for _ in range(q):
        r = rng.random()
        if r < 0.5:
            queries.append(rng.choice(nums))          # present
        elif r < 0.9:
            queries.append(rng.randint(lo, hi - 1))   # usually absent, inside the range
        else:
            queries.append(rng.choice([lo - 5, hi + 5, a[0] - 1, a[-1] + 1]))  # outside
    return nums, queries


def write(folder, name, nums, queries):
    (folder / f"{name}.in").write_text(
        f"{len(nums)}\n{' '.join(map(str, nums))}\n{len(queries)}\n{' '.join(map(str, queries))}\n")
    (folder / f"{name}.out").write_text(" ".join(map(str, solve(nums, queries))) + "\n")


def main():
    rng = random.Random(3307)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    n = q = 100000
    # 1: random rotation point, the maximum n and q.
    write(folder, "large1", *make(rng, n, q, rng.randint(1, n - 1), -2 * 10**6, 2 * 10**6))
    # 2: rotation point near the front, with the full value range on a shorter list.
    #    (k = 0 and k = n - 1 are covered by the small tests.)
    write(folder, "large2", *make(rng, 50000, q, 3, -10**9, 10**9 + 1))


if __name__ == "__main__":
    main()
