"""Deterministic generator for the large tests of merge-sorted-lists (stdlib only)."""
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def fmt(values):
    return f"{len(values)}\n{' '.join(map(str, values))}\n"


def write(name, a, b):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(fmt(a) + fmt(b))
    (OUT / f"{name}.out").write_text(fmt(sorted(a + b)))


def main():
    rng = random.Random(8008)
    n = 100_000
    # large1: two interleaving random lists of equal length
    a = sorted(rng.randint(-1_000_000, 1_000_000) for _ in range(n))
    b = sorted(rng.randint(-1_000_000, 1_000_000) for _ in range(n))
    write("large1", a, b)
    # large2: every value of the second list lies after the first list (and one list is long)
    a = sorted(rng.randint(-1_000_000, 0) for _ in range(150_000))
    b = sorted(rng.randint(1, 1_000_000) for _ in range(50_000))
    write("large2", a, b)
    # large3: full value range, many duplicates shared by both lists
    pool = [rng.randint(-10**9, 10**9) for _ in range(2000)]
    a = sorted(rng.choice(pool) for _ in range(70_000))
    b = sorted(rng.choice(pool) for _ in range(70_000))
    write("large3", a, b)
    # large4: the first list is empty, the second one is long
    write("large4", [], sorted(rng.randint(-1_000_000, 1_000_000) for _ in range(200_000)))


if __name__ == "__main__":
    main()
