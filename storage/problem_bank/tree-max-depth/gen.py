"""Deterministic generator for the large tests of tree-max-depth (stdlib only).

Trees are built as child arrays (node 0 is the root), then written in level order with
`null` for missing children and trailing nulls removed.
"""
import random
from collections import deque
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def serialize(vals, left, right):
    if not vals:
        return "", 0
    tokens = [str(vals[0])]
    depth = [0] * len(vals)
    depth[0] = 1
    q = deque([0])
    while q:
        u = q.popleft()
        for c in (left[u], right[u]):
            if c < 0:
                tokens.append("null")
            else:
                tokens.append(str(vals[c]))
                depth[c] = depth[u] + 1
                q.append(c)
    while tokens and tokens[-1] == "null":
        tokens.pop()
    return " ".join(tokens), max(depth)


def write(name, vals, left, right):
    OUT.mkdir(exist_ok=True)
    line, d = serialize(vals, left, right)
    (OUT / f"{name}.in").write_text(line + "\n")
    (OUT / f"{name}.out").write_text(f"{d}\n")


def random_tree(rng, n):
    """Random attachment: each new node takes a uniformly random free child slot."""
    left, right = [-1] * n, [-1] * n
    slots = [(0, 0), (0, 1)]
    for v in range(1, n):
        k = rng.randrange(len(slots))
        slots[k], slots[-1] = slots[-1], slots[k]
        u, side = slots.pop()
        (left if side == 0 else right)[u] = v
        slots += [(v, 0), (v, 1)]
    return left, right


def main():
    rng = random.Random(4242)
    n = 200_000
    left, right = random_tree(rng, n)
    write("large1", [rng.randint(-100, 100) for _ in range(n)], left, right)

    # large2: a spine of 4900 nodes carrying many small random subtrees (deep AND wide);
    # the deepest node lies a little below the end of the spine
    n = 150_000
    left, right = [-1] * n, [-1] * n
    spine = 4900
    for v in range(1, spine):
        if rng.random() < 0.5:
            left[v - 1] = v
        else:
            right[v - 1] = v
    slots = [(u, 1 if left[u] >= 0 else 0) for u in range(spine - 1)] + [(spine - 1, 0), (spine - 1, 1)]
    v = spine
    while v < n:
        u, side = slots[rng.randrange(len(slots))]
        # walk down from the chosen spine slot with random turns until a free slot is found
        while True:
            c = (left if side == 0 else right)[u]
            if c < 0:
                break
            u, side = c, rng.randrange(2)
        (left if side == 0 else right)[u] = v
        v += 1
    write("large2", [rng.randint(-100, 100) for _ in range(n)], left, right)

    # large3: a single zigzag path of 5000 nodes (maximum depth)
    n = 5000
    left, right = [-1] * n, [-1] * n
    for v in range(1, n):
        (left if v % 2 else right)[v - 1] = v
    write("large3", [rng.randint(-100, 100) for _ in range(n)], left, right)


if __name__ == "__main__":
    main()
