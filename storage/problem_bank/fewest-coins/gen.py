"""Deterministic generator for the large hidden tests of fewest-coins (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from pathlib import Path


def solve(coins, amount):
    inf = amount + 1
    best = [0] + [inf] * amount
    for c in coins:
        for a in range(c, amount + 1):
            v = best[a - c] + 1
            if v < best[a]:
                best[a] = v
    return best[amount] if best[amount] < inf else -1


def write(folder, name, coins, amount):
    (folder / f"{name}.in").write_text(f"{len(coins)}\n{' '.join(map(str, coins))}\n{amount}\n")
    (folder / f"{name}.out").write_text(f"{solve(coins, amount)}\n")


def main():
    rng = random.Random(7041)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    # 1: the maximum number of denominations, the maximum amount, a small coin that makes
    #    exhaustive search explode.
    coins = [1] + rng.sample(range(2, 10001), 99)
    rng.shuffle(coins)
    write(folder, "large1", coins, 10000)
    # 2: only even denominations and an odd amount: impossible, but every branch must be refuted.
    coins = rng.sample(range(2, 10001, 2), 100)
    write(folder, "large2", coins, 9999)
    # 3: a few mid-sized denominations where taking the biggest token first is wrong.
    coins = [3, 7, 400, 997, 1999, 2501]
    write(folder, "large3", coins, 10000)
    # 4: many denominations, none small, reachable only with a long combination.
    coins = rng.sample(range(301, 10001), 100)
    write(folder, "large4", coins, 9973)


if __name__ == "__main__":
    main()
