"""Deterministic generator for the large tests of majority-vote (stdlib only)."""
import random
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def solve(ballots):
    value, count = Counter(ballots).most_common(1)[0]
    return f"{value}\n" if 2 * count > len(ballots) else "none\n"


def write(name, ballots):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(f"{len(ballots)}\n{' '.join(map(str, ballots))}\n")
    (OUT / f"{name}.out").write_text(solve(ballots))


def main():
    rng = random.Random(1313)
    n = 200_000
    # large1: the winner has exactly n/2 + 1 ballots, the rest are random
    winner = rng.randint(-1_000_000, 1_000_000)
    others = [rng.randint(-1_000_000, 1_000_000) for _ in range(n // 2 - 1)]
    others = [x if x != winner else winner + 1 for x in others]
    ballots = [winner] * (n // 2 + 1) + others
    rng.shuffle(ballots)
    write("large1", ballots)
    # large2: one value has exactly n/2 ballots (not a strict majority), all others distinct
    top = 424_242
    others = [v for v in rng.sample(range(-1_000_000, 1_000_001), n // 2 + 1) if v != top][: n // 2]
    ballots = [top] * (n // 2) + others
    rng.shuffle(ballots)
    write("large2", ballots)
    # large3: odd n, full value range, winner with (n + 1) / 2 ballots placed mostly at the end
    n = 149_999
    winner = -10**9
    others = [rng.randint(-10**9 + 1, 10**9) for _ in range(n // 2)]
    ballots = others[: n // 4] + [winner] * ((n + 1) // 2) + others[n // 4:]
    write("large3", ballots)
    # large4: no majority; Boyer-Moore's surviving candidate is a frequent (but not majority) value
    n = 200_000
    a, b = 7, -7
    ballots = [a] * 90_000 + [rng.randint(1000, 9999) for _ in range(20_000)] + [b] * 90_000
    write("large4", ballots)


if __name__ == "__main__":
    main()
