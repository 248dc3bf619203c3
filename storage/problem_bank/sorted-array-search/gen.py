"""Deterministic generator for the large tests of sorted-array-search (stdlib only)."""
import random
from bisect import bisect_left
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def solve(nums, queries):
    res = []
    for x in queries:
        k = bisect_left(nums, x)
        res.append(k if k < len(nums) and nums[k] == x else -1)
    return " ".join(map(str, res)) + "\n"


def write(name, nums, queries):
    OUT.mkdir(exist_ok=True)
    text = f"{len(nums)}\n{' '.join(map(str, nums))}\n{len(queries)}\n{' '.join(map(str, queries))}\n"
    (OUT / f"{name}.in").write_text(text)
    (OUT / f"{name}.out").write_text(solve(nums, queries))


def main():
    rng = random.Random(555)
    n, q = 200_000, 100_000
    # large1: 200000 even codes with small duplicate runs; the requests target the upper half of
    # the catalogue, about half of them absent (odd), so a linear scan per request costs ~n
    nums = sorted(2 * rng.randint(0, 49_999) for _ in range(n))
    queries = [rng.randint(50_000, 99_999) for _ in range(q)]
    write("large1", nums, queries)
    # large2: heavy duplicates (long runs); every query is absent or sits at the end of the array
    n = 100_000
    nums = sorted(rng.randint(0, 300) * 1000 for _ in range(n))
    queries = [rng.randint(0, 300) * 1000 + (0 if rng.random() < 0.3 else 1) for _ in range(q)]
    queries[::7] = [nums[-1]] * len(queries[::7])
    write("large2", nums, queries)
    # large3: full value range, queries just below, at and above the stored values
    nums = sorted(rng.randint(-10**9, 10**9) for _ in range(n))
    queries = [rng.choice(nums) + rng.choice((-1, 0, 0, 1)) for _ in range(50_000)]
    write("large3", nums, queries)
    # large4: three giant runs; "find any match, then walk left" degrades to O(n) per query
    nums = [-5] * 80_000 + [0] * 60_000 + [7] * 60_000
    queries = [rng.choice((-5, 0, 7, 7, 7, -6, 1, 8)) for _ in range(q)]
    write("large4", nums, queries)


if __name__ == "__main__":
    main()
