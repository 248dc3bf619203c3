"""Deterministic generator for the large hidden tests of warmer-day-wait (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from pathlib import Path

N = 200000


def solve(t):
    ans = [0] * len(t)
    stack = []
    for i, x in enumerate(t):
        while stack and t[stack[-1]] < x:
            j = stack.pop()
            ans[j] = i - j
        stack.append(i)
    return ans


def write(folder, name, t):
    (folder / f"{name}.in").write_text(f"{len(t)}\n{' '.join(map(str, t))}\n")
    (folder / f"{name}.out").write_text(" ".join(map(str, solve(t))) + "\n")


def main():
    rng = random.Random(5531)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    # 1: one long cold plateau: no day is ever followed by a warmer one.
    write(folder, "large1", [-7] * N)
    # 2: a slowly falling staircase with a heat wave on the very last day: every answer is
    #    "all the way to the end", which makes scanning forward from each day quadratic.
    t = [59 - (150 * i) // N for i in range(N - 1)] + [60]
    write(folder, "large2", t)
    # 3: random temperatures over the whole range.
    write(folder, "large3", [rng.randint(-90, 60) for _ in range(N)])
    # 4: repeated slow descents, each ended by a single warm day.
    t = []
    while len(t) < N:
        run = rng.randint(1000, 5000)
        top = rng.randint(0, 40)
        t.extend(top - (30 * k) // run for k in range(run))
        t.append(rng.randint(41, 60))
    write(folder, "large4", t[:N])


if __name__ == "__main__":
    main()
