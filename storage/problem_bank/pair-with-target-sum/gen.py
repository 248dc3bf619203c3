"""Deterministic generator for the large tests of pair-with-target-sum (stdlib only)."""
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def solve(nums, target):
    first = {}
    for j, x in enumerate(nums):
        i = first.get(target - x)
        if i is not None:
            return f"{i} {j}\n"
        first.setdefault(x, j)
    return "-1 -1\n"


def write(name, nums, target):
    OUT.mkdir(exist_ok=True)
    text = f"{len(nums)}\n{' '.join(map(str, nums))}\n{target}\n"
    (OUT / f"{name}.in").write_text(text)
    (OUT / f"{name}.out").write_text(solve(nums, target))


def main():
    rng = random.Random(20240601)
    n = 200_000
    # large1: every value is a multiple of 4, the target is odd -> no pair at all.
    nums = [4 * rng.randint(-250_000, 250_000) for _ in range(n)]
    write("large1", nums, 4 * rng.randint(-100_000, 100_000) + 1)
    # large2: the only valid pair is the last two positions (values = 1 mod 4, target = 2 mod 4).
    nums = [4 * rng.randint(-250_000, 250_000) for _ in range(n - 2)]
    target = 4 * 123_457 + 2
    a = 4 * rng.randint(-100_000, 100_000) + 1
    nums += [a, target - a]
    write("large2", nums, target)
    # large3: random wide values (overflows 32-bit sums); a planted pair plus any accidental
    # pairs compete under the smallest-j / smallest-i rule.
    n = 150_000
    nums = [rng.randint(-10**9, 10**9) for _ in range(n)]
    i, j = 91_234, 148_765
    nums[i] = rng.randint(-10**9, 10**9)
    target = nums[i] + nums[j]
    write("large3", nums, target)


if __name__ == "__main__":
    main()
