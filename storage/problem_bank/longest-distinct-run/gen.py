"""Deterministic generator for the large tests of longest-distinct-run (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALL = [chr(c) for c in range(33, 127)]  # the 94 allowed symbols
N = 10 ** 6


def large1(rng):
    # long fresh runs over a 60-symbol sub-alphabet, with one permutation of all 94 symbols
    # planted at about 70% of the string: the answer is deep inside the input
    sub = rng.sample(ALL, 60)
    parts, size = [], 0
    planted = False
    while size < N:
        if not planted and size > 700_000:
            block = ALL[:]
            rng.shuffle(block)
            planted = True
        else:
            block = rng.sample(sub, rng.randint(40, 60))
        parts.append("".join(block))
        size += len(block)
    return "".join(parts)[:N]


def large2(rng):
    # uniformly random symbols
    return "".join(rng.choice(ALL) for _ in range(N))


def large3(rng):
    # a cyclic pattern of all 94 symbols (every window of length 94 is fresh), preceded by a
    # stretch over 5 symbols: a restart-from-every-index scan does ~94 steps per index here
    head = "".join(rng.choice("abcde") for _ in range(1000))
    body = "".join(ALL[i % 94] for i in range(N - 1000))
    return head + body


def large4(rng):
    # a single repeated symbol
    return "#" * N


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3, large4], 1):
        rng = random.Random(1000 + i)
        inp = fn(rng) + "\n"
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
