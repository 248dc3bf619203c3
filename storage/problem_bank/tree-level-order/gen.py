"""Deterministic generator for the large hidden tests of tree-level-order (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from collections import deque
from pathlib import Path

N = 100000

def serialize(vals, left, right, root):
    """Level-order tokens of the tree given by arrays (-1 = no child), trailing nulls trimmed."""
    if root < 0:
        return ""
    tok = [str(vals[root])]
    queue = deque([root])
    while queue:
        u = queue.popleft()
        for c in (left[u], right[u]):
            if c < 0:
                tok.append("null")
            else:
                tok.append(str(vals[c]))
                queue.append(c)
    while tok and tok[-1] == "null":
        tok.pop()
    return " ".join(tok)


def parse(line):
    """Inverse of serialize: returns (vals, left, right, root)."""
    tok = line.split()
    vals, left, right = [], [], []
    if not tok or tok[0] == "null":
        return vals, left, right, -1

    def new(v):
        vals.append(v)
        left.append(-1)
        right.append(-1)
        return len(vals) - 1

    root = new(int(tok[0]))
    queue = deque([root])
    i = 1
    while queue and i < len(tok):
        u = queue.popleft()
        if i < len(tok) and tok[i] != "null":
            left[u] = new(int(tok[i]))
            queue.append(left[u])
        i += 1
        if i < len(tok) and tok[i] != "null":
            right[u] = new(int(tok[i]))
            queue.append(right[u])
        i += 1
    return vals, left, right, root


def solve(line):
    vals, left, right, root = parse(line)
    if root < 0:
        return ""
    lines, level = [], [root]
    while level:
        lines.append(" ".join(str(vals[u]) for u in level))
        level = [c for u in level for c in (left[u], right[u]) if c >= 0]
    return "\n".join(lines) + "\n"


def write(folder, name, vals, left, right, root):
    line = serialize(vals, left, right, root)
    (folder / f"{name}.in").write_text(line + "\n")
    (folder / f"{name}.out").write_text(solve(line))


def main():
    rng = random.Random(6113)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    vals = [rng.randint(-10**6, 10**6) for _ in range(N)]
    # 1: complete tree with N nodes (node i has children 2i+1, 2i+2).
    left = [2 * i + 1 if 2 * i + 1 < N else -1 for i in range(N)]
    right = [2 * i + 2 if 2 * i + 2 < N else -1 for i in range(N)]
    write(folder, "large1", vals, left, right, 0)
    # 2: a chain going right: N levels with one node each.
    left = [-1] * N
    right = [i + 1 if i + 1 < N else -1 for i in range(N)]
    write(folder, "large2", vals, left, right, 0)
    # 3: random shape: each new node hangs under a random node that still has a free slot,
    #    with a bias towards recent nodes so that the tree gets deep in places.
    left, right = [-1] * N, [-1] * N
    free = [0]
    for v in range(1, N):
        k = len(free) - 1 - min(len(free) - 1, int(rng.expovariate(0.02)))
        u = free[k]
        slots = [s for s in (0, 1) if (left, right)[s][u] < 0]
        s = rng.choice(slots)
        (left, right)[s][u] = v
        if len(slots) == 1:
            free[k] = free[-1]
            free.pop()
        free.append(v)
    write(folder, "large3", vals, left, right, 0)


if __name__ == "__main__":
    main()
