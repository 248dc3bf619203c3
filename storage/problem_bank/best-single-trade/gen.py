"""Deterministic generator for the large tests of best-single-trade (stdlib only)."""
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def solve(prices):
    best, low = 0, prices[0]
    for p in prices:
        low = min(low, p)
        best = max(best, p - low)
    return f"{best}\n"


def write(name, prices):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(f"{len(prices)}\n{' '.join(map(str, prices))}\n")
    (OUT / f"{name}.out").write_text(solve(prices))


def main():
    rng = random.Random(7007)
    n = 200_000
    # large1: non-increasing prices -> no profitable trade at all
    write("large1", sorted((rng.randint(0, 1_000_000) for _ in range(n)), reverse=True))
    # large2: random prices; the global minimum sits late, followed by the maximum
    prices = [rng.randint(100_000, 900_000) for _ in range(n)]
    prices[n - 1000] = 3
    prices[n - 10] = 999_999
    write("large2", prices)
    # large3: random walk over the full value range
    n = 150_000
    p, prices = 500_000_000, []
    for _ in range(n):
        p = min(10**9, max(0, p + rng.randint(-20_000_000, 20_000_000)))
        prices.append(p)
    write("large3", prices)


if __name__ == "__main__":
    main()
