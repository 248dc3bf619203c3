"""Deterministic generator for the large tests of signal-delay (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def reachable_graph(rng, n, extra, wmax):
    # a random tree directed away from the source (so everything is reachable) plus extra links
    perm = list(range(n))
    rng.shuffle(perm)
    edges = []
    for i in range(1, n):
        parent = perm[rng.randrange(max(0, i - 20), i)]
        edges.append((parent, perm[i], rng.randint(0, wmax)))
    for _ in range(extra):
        edges.append((rng.randrange(n), rng.randrange(n), rng.randint(0, wmax)))
    rng.shuffle(edges)
    return edges, perm[0]


def large1(rng):
    # 10^5 stations, 1.1 * 10^5 links, small delays
    n = 10 ** 5
    edges, s = reachable_graph(rng, n, 10000, 1000)
    return n, edges, s


def large2(rng):
    # 5 * 10^4 stations in a long chain with delays near 10^9 plus random shortcuts:
    # the answer is far above 2^31
    n = 50000
    perm = list(range(n))
    rng.shuffle(perm)
    edges = [(perm[i], perm[i + 1], rng.randint(9 * 10 ** 8, 10 ** 9)) for i in range(n - 1)]
    for _ in range(30000):
        i = rng.randrange(n - 1)
        j = min(n - 1, i + rng.randint(2, 40))
        edges.append((perm[i], perm[j], rng.randint(10 ** 9 // 2, 10 ** 9) * (j - i)))
    rng.shuffle(edges)
    return n, edges, perm[0]


def large3(rng):
    # like large1, but one station has only outgoing links: the answer is -1
    n = 10 ** 5
    edges, s = reachable_graph(rng, n, 10000, 1000)
    lonely = (s + 1) % n
    edges = [(u, v, w) for u, v, w in edges if v != lonely]
    edges += [(lonely, rng.randrange(n), 5) for _ in range(3)]
    return n, edges, s


def large4(rng):
    # a layered graph (200 layers of 200 stations) where every station has three links into the
    # next layer, many with zero delay: stations are improved again and again (lots of stale
    # heap entries)
    layers, width = 200, 200
    n = layers * width
    edges = []
    for l in range(layers - 1):
        for k in range(width):
            u = l * width + k
            targets = [k, rng.randrange(width), rng.randrange(width)]
            for t in targets:
                edges.append((u, (l + 1) * width + t, rng.choice([0, rng.randint(1, 1000)])))
    for k in range(1, width):          # the source reaches its whole first layer
        edges.append((0, k, rng.randint(0, 1000)))
    rng.shuffle(edges)
    return n, edges, 0


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3, large4], 1):
        rng = random.Random(10000 + i)
        n, edges, s = fn(rng)
        inp = f"{n} {len(edges)}\n" + "".join(f"{u} {v} {w}\n" for u, v, w in edges) + f"{s}\n"
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
