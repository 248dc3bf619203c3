"""Deterministic generator for the large tests of course-order (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
N = 10 ** 5


def random_dag(rng, n, m):
    # edges go forward in a hidden random order, so the graph is acyclic
    order = list(range(n))
    rng.shuffle(order)
    edges = []
    for _ in range(m):
        i = rng.randrange(n - 1)
        j = min(n - 1, i + 1 + int(rng.expovariate(1 / 50)))
        edges.append((order[i], order[j]))
    return edges


def large1(rng):
    # random acyclic rules, answer is a full plan
    return N, random_dag(rng, N, 150000)


def large2(rng):
    # the same kind of graph plus a cycle through 1000 random courses
    edges = random_dag(rng, N, 149000)
    sub = rng.sample(range(N), 1000)
    edges += [(sub[i], sub[(i + 1) % 1000]) for i in range(1000)]
    rng.shuffle(edges)
    return N, edges


def large3(rng):
    # a reversed chain: course i + 1 before course i; the plan is n-1, n-2, ..., 0 and the set of
    # available courses always has size 1, which punishes scanning all courses for every step
    edges = [(i + 1, i) for i in range(N - 1)]
    rng.shuffle(edges)
    return N, edges


def large4(rng):
    # no rules at all
    return N, []


def large5(rng):
    # a cycle through every course, each rule listed 1 or 2 times
    perm = list(range(N))
    rng.shuffle(perm)
    edges = [(perm[i], perm[(i + 1) % N]) for i in range(N)]
    edges += rng.sample(edges, 40000)
    rng.shuffle(edges)
    return N, edges


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3, large4, large5], 1):
        rng = random.Random(9000 + i)
        n, edges = fn(rng)
        inp = f"{n} {len(edges)}\n" + "".join(f"{a} {b}\n" for a, b in edges)
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
