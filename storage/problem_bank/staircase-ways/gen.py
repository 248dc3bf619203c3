"""Deterministic generator for the large tests of staircase-ways (stdlib only)."""
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"
MOD = 1_000_000_007


def solve(queries):
    top = max(queries)
    ways = [1, 1] + [0] * max(0, top - 1)
    for k in range(2, top + 1):
        ways[k] = (ways[k - 1] + ways[k - 2]) % MOD
    return " ".join(str(ways[n]) for n in queries) + "\n"


def write(name, queries):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(f"{len(queries)}\n{' '.join(map(str, queries))}\n")
    (OUT / f"{name}.out").write_text(solve(queries))


def main():
    rng = random.Random(1010)
    t = 100_000
    # large1: random heights, the maximum height included
    queries = [rng.randint(1, 1_000_000) for _ in range(t)]
    queries[rng.randrange(t)] = 1_000_000
    write("large1", queries)
    # large2: the same maximal height asked over and over
    write("large2", [1_000_000] * t)
    # large3: 100000 distinct large heights in random order
    queries = [1_000_000 - k for k in range(t)]
    rng.shuffle(queries)
    write("large3", queries)


if __name__ == "__main__":
    main()
