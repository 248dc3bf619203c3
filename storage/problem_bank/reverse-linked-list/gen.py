"""Deterministic generator for the large tests of reverse-linked-list (stdlib only)."""
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def fmt(values):
    return f"{len(values)}\n{' '.join(map(str, values))}\n"


def write(name, values):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(fmt(values))
    (OUT / f"{name}.out").write_text(fmt(values[::-1]))


def main():
    rng = random.Random(31337)
    write("large1", [rng.randint(-100_000, 100_000) for _ in range(200_000)])
    write("large2", [rng.randint(-10**9, 10**9) for _ in range(150_000)])
    # large3: long run of equal values with a few markers, so order mistakes show up
    values = [5] * 200_000
    for k in range(0, 200_000, 9973):
        values[k] = k
    write("large3", values)


if __name__ == "__main__":
    main()
