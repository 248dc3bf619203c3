"""Deterministic generator for the large tests of tree-max-path (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import subprocess
import sys
import tomllib
from collections import deque
from pathlib import Path

HERE = Path(__file__).resolve().parent


def serialize(vals, left, right):
    """Level order with 'null' for missing children, trailing nulls dropped. Node 0 is the root."""
    out = []
    q = deque([0])
    while q:
        v = q.popleft()
        if v < 0:
            out.append("null")
            continue
        out.append(str(vals[v]))
        q.append(left[v])
        q.append(right[v])
    while out and out[-1] == "null":
        out.pop()
    return " ".join(out) + "\n"


def chain(vals, rng, zigzag=True):
    n = len(vals)
    left, right = [-1] * n, [-1] * n
    for v in range(n - 1):
        if zigzag and rng.random() < 0.5:
            left[v] = v + 1
        else:
            right[v] = v + 1
    return left, right


def random_shape(n, rng):
    """Random tree where node v attaches to a random free slot of an earlier node."""
    left, right = [-1] * n, [-1] * n
    slots = [(0, 0), (0, 1)]
    for v in range(1, n):
        k = rng.randrange(len(slots))
        slots[k], slots[-1] = slots[-1], slots[k]
        p, side = slots.pop()
        (left if side == 0 else right)[p] = v
        slots.append((v, 0))
        slots.append((v, 1))
    return left, right


def cases():
    rng = random.Random(60606)
    n = 100_000
    # large1: a zig-zag chain of 10^5 nodes (recomputing subtree gains per node is quadratic)
    vals = [rng.randint(-100_000, 100_000) for _ in range(n)]
    yield "large1", serialize(vals, *chain(vals, rng))
    # large2: a complete binary tree (heap layout)
    vals = [rng.randint(-100_000, 100_000) for _ in range(n)]
    left = [2 * v + 1 if 2 * v + 1 < n else -1 for v in range(n)]
    right = [2 * v + 2 if 2 * v + 2 < n else -1 for v in range(n)]
    yield "large2", serialize(vals, left, right)
    # large3: a right-leaning chain of large positive values: the sum ~ 10^10 overflows 32-bit
    vals = [rng.randint(99_000, 100_000) for _ in range(n)]
    yield "large3", serialize(vals, *chain(vals, rng, zigzag=False))
    # large4: random shape, all values negative: the answer is the largest single value
    vals = [rng.randint(-100_000, -1) for _ in range(n)]
    yield "large4", serialize(vals, *random_shape(n, rng))
    # large5: random shape with mixed values
    vals = [rng.randint(-100_000, 100_000) for _ in range(n)]
    yield "large5", serialize(vals, *random_shape(n, rng))


def main() -> None:
    """Write tests/<name>.in and tests/<name>.out (outputs from the Python reference in problem.toml)."""
    sol = tomllib.loads((HERE / "problem.toml").read_text())["solutions"]["python"]
    (HERE / "tests").mkdir(exist_ok=True)
    for name, text in cases():
        (HERE / "tests" / f"{name}.in").write_text(text)
        res = subprocess.run([sys.executable, "-c", sol], input=text, capture_output=True, text=True, check=True)
        (HERE / "tests" / f"{name}.out").write_text(res.stdout)
        print(name, len(text), "bytes in,", len(res.stdout), "bytes out")


if __name__ == "__main__":
    main()
