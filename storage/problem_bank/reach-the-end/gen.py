"""Deterministic generator for the large hidden tests of reach-the-end (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from pathlib import Path

N = 200000


def solve(p):
    n = len(p)
    jumps, end, far = 0, 0, 0
    for i in range(n - 1):
        far = max(far, i + p[i])
        if i == end:
            if far <= i:
                return -1
            jumps += 1
            end = far
            if end >= n - 1:
                return jumps
    return jumps


def write(folder, name, p):
    (folder / f"{name}.in").write_text(f"{len(p)}\n{' '.join(map(str, p))}\n")
    (folder / f"{name}.out").write_text(f"{solve(p)}\n")


def main():
    rng = random.Random(1357)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    # 1: every spring is huge: one jump suffices, but relaxing every reachable stone is quadratic.
    write(folder, "large1", [N] * N)
    # 2: every jump lands exactly on stone N - 2, whose spring is broken: unreachable, and a
    #    quadratic DP/BFS touches about N^2 / 2 pairs before finding out.
    p = [N - 2 - i for i in range(N - 1)] + [rng.randint(0, N)]
    write(folder, "large2", p)
    # 3: power 1 everywhere: the answer is N - 1.
    write(folder, "large3", [1] * N)
    # 4: random powers with long reach and scattered broken springs (reachable).
    p = [rng.randint(0, 3000) if rng.random() < 0.9 else 0 for _ in range(N)]
    p[0] = 5000
    write(folder, "large4", p)
    # 5: decreasing springs that almost reach, then a short chain: a mix of long and short jumps.
    p = [max(0, 150000 - i) for i in range(N)]
    for i in range(149000, 151000):
        p[i] = 1
    for i in range(151000, N):
        p[i] = rng.randint(1, 400)
    write(folder, "large5", p)


if __name__ == "__main__":
    main()
