"""Deterministic generator for the large tests of lone-number (stdlib only)."""
import random
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def write(name, nums):
    OUT.mkdir(exist_ok=True)
    counts = Counter(nums)
    lone = [v for v, c in counts.items() if c == 1]
    assert len(lone) == 1 and all(c in (1, 2) for c in counts.values())
    (OUT / f"{name}.in").write_text(f"{len(nums)}\n{' '.join(map(str, nums))}\n")
    (OUT / f"{name}.out").write_text(f"{lone[0]}\n")


def make(rng, pairs, lo, hi, lone=None, lone_last=False):
    values = rng.sample(range(lo, hi + 1), pairs + 1)
    if lone is not None:
        values = [v for v in values if v != lone][:pairs] + [lone]
    single, doubled = values[-1], values[:pairs]
    nums = doubled * 2
    rng.shuffle(nums)
    if lone_last:
        nums.append(single)
    else:
        nums.insert(rng.randrange(len(nums) + 1), single)
    return nums


def main():
    rng = random.Random(1111)
    # large1: 99999 pairs of values in [-10^6, 10^6]; the lone value is the last element
    write("large1", make(rng, 99_999, -1_000_000, 1_000_000, lone_last=True))
    # large2: full value range, lone value negative
    write("large2", make(rng, 74_999, -10**9, 10**9, lone=-987_654_321))
    # large3: the lone value is 0
    write("large3", make(rng, 99_999, -1_000_000, 1_000_000, lone=0))


if __name__ == "__main__":
    main()
