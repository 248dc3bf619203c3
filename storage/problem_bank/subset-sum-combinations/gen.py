"""Deterministic generator for the large hidden tests of subset-sum-combinations (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
The inputs are small, but they are the largest allowed: with 30 kinds of small scoops and a
target of 40, enumerating ordered sequences (and removing duplicates afterwards) visits
tens of millions of states, while a search in non-decreasing order visits a few tens of thousands.
"""
import random
from pathlib import Path


def solve(cands, target):
    cands = sorted(cands)
    res, cur = [], []

    def bt(start, remain):
        if remain == 0:
            res.append(list(cur))
            return
        for i in range(start, len(cands)):
            if cands[i] > remain:
                break
            cur.append(cands[i])
            bt(i, remain - cands[i])
            cur.pop()

    bt(0, target)
    return res


def write(folder, name, cands, target):
    (folder / f"{name}.in").write_text(f"{len(cands)}\n{' '.join(map(str, cands))}\n{target}\n")
    res = solve(cands, target)
    lines = [str(len(res))] + [" ".join(map(str, c)) for c in res]
    (folder / f"{name}.out").write_text("\n".join(lines) + "\n")


def main():
    rng = random.Random(4242)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    # 1: the 30 smallest allowed weights, shuffled, the largest target: thousands of ways.
    cands = list(range(2, 32))
    rng.shuffle(cands)
    write(folder, "large1", cands, 40)
    # 2: only even weights and an odd target: no way at all, but many partial blends.
    cands = list(range(2, 41, 2))
    rng.shuffle(cands)
    write(folder, "large2", cands, 39)
    # 3: 30 random weights from the allowed range, including 2 and 3.
    cands = [2, 3] + rng.sample(range(4, 41), 28)
    rng.shuffle(cands)
    write(folder, "large3", cands, 40)
    # 4: weights 2 and 3 plus 28 weights from 11..40, odd target 37.
    cands = [2, 3] + rng.sample(range(11, 41), 28)
    rng.shuffle(cands)
    write(folder, "large4", cands, 37)


if __name__ == "__main__":
    main()
