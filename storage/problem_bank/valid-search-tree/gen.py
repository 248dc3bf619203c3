"""Deterministic generator for the large hidden tests of valid-search-tree (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from collections import deque
from pathlib import Path

N = 100000
LO, HI = -2**31, 2**31 - 1

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
    prev = None
    stack, u = [], root
    while stack or u >= 0:          # iterative in-order walk must be strictly increasing
        while u >= 0:
            stack.append(u)
            u = left[u]
        u = stack.pop()
        if prev is not None and vals[u] <= prev:
            return "false"
        prev = vals[u]
        u = right[u]
    return "true"


def write(folder, name, tree):
    line = serialize(*tree)
    (folder / f"{name}.in").write_text(line + "\n")
    (folder / f"{name}.out").write_text(solve(line) + "\n")


def balanced(sorted_vals):
    """Arrays of a perfectly balanced BST over sorted_vals (index = position in sorted order)."""
    n = len(sorted_vals)
    left, right = [-1] * n, [-1] * n
    root = (n - 1) // 2
    stack = [(0, n - 1, root)]
    while stack:
        lo, hi, mid = stack.pop()
        if lo <= mid - 1:
            c = (lo + mid - 1) // 2
            left[mid] = c
            stack.append((lo, mid - 1, c))
        if mid + 1 <= hi:
            c = (mid + 1 + hi) // 2
            right[mid] = c
            stack.append((mid + 1, hi, c))
    return list(sorted_vals), left, right, root


def main():
    rng = random.Random(8821)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    # 1: a right-going chain of increasing codes: valid, and N levels deep.
    vals = sorted(rng.sample(range(-10**6, 10**6), N))
    write(folder, "large1", (vals, [-1] * N, [i + 1 if i + 1 < N else -1 for i in range(N)], 0))
    # 2: a left-going chain of decreasing codes whose deepest node is a right child larger than
    #    the root: every parent/child pair looks fine, only the inherited bound catches it.
    vals = sorted(rng.sample(range(-10**6, 10**6), N), reverse=True)
    vals[-1] = vals[0] + 1
    left = [i + 1 if i + 1 < N - 1 else -1 for i in range(N)]
    right = [-1] * N
    right[N - 2] = N - 1
    write(folder, "large2", (vals, left, right, 0))
    # 3: a perfectly balanced valid search tree over random distinct codes, with the extreme codes.
    vals = sorted(set(rng.sample(range(-10**9, 10**9), N - 2)) | {LO, HI})
    write(folder, "large3", balanced(vals))
    # 4: the same shape, but one deep node is swapped with its in-order neighbour far away.
    vals = sorted(rng.sample(range(-10**9, 10**9), N))
    tree = balanced(vals)
    i, j = N // 3, N // 3 + 1
    tree[0][i], tree[0][j] = tree[0][j], tree[0][i]
    write(folder, "large4", tree)
    # 5: a zig-zag chain whose codes close in from both sides, N levels deep; the last node
    #    repeats the code of node 1, far above it: it is still larger than its parent, so only
    #    the inherited upper bound catches the duplicate.
    lo, hi = -10**6, 10**6
    vals, left, right = [], [-1] * N, [-1] * N
    for i in range(N):
        if i % 2 == 0:
            lo += rng.randint(1, 10)
            vals.append(lo)
            if i + 1 < N:
                right[i] = i + 1
        else:
            hi -= rng.randint(1, 10)
            vals.append(hi)
            if i + 1 < N:
                left[i] = i + 1
    vals[-1] = vals[1]
    write(folder, "large5", (vals, left, right, 0))


if __name__ == "__main__":
    main()
