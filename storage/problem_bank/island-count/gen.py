"""Deterministic generator for the large tests of island-count (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def large1(rng):
    # 1000 x 1000, random reef with density 0.55: tens of thousands of islets of all sizes
    return ["".join("#" if rng.random() < 0.55 else "." for _ in range(1000)) for _ in range(1000)]


def large2(rng):
    # checkerboard: 500 000 islets of area 1
    return ["".join("#" if (r + c) % 2 == 0 else "." for c in range(1000)) for r in range(1000)]


def large3(rng):
    # all reef: one islet of area 10^6
    return ["#" * 1000 for _ in range(1000)]


def large4(rng):
    # a serpentine: one islet that is a single path of ~500 000 cells (deep recursion breaks)
    rows = []
    for r in range(1000):
        if r % 2 == 0:
            rows.append("#" * 1000)
        elif r % 4 == 1:
            rows.append("." * 999 + "#")
        else:
            rows.append("#" + "." * 999)
    return rows


def large5(rng):
    # all water
    return ["." * 1000 for _ in range(1000)]


def large6(rng):
    # a single row of 10^6 cells
    return ["".join("#" if rng.random() < 0.7 else "." for _ in range(10 ** 6))]


def large7(rng):
    # a single column of 700 000 cells
    return ["#" if rng.random() < 0.6 else "." for _ in range(700000)]


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    fns = [large1, large2, large3, large4, large5, large6, large7]
    for i, fn in enumerate(fns, 1):
        rng = random.Random(8000 + i)
        g = fn(rng)
        inp = f"{len(g)} {len(g[0])}\n" + "".join(row + "\n" for row in g)
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
