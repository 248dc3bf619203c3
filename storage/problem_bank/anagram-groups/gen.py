"""Deterministic generator for the large tests of anagram-groups (stdlib only).

Writes tests/<name>.in and computes tests/<name>.out with the Python reference solution from
problem.toml.  Run from this folder:  python3 gen.py
"""
import random
import string
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
N = 10 ** 5


def large1(rng):
    # short words over a 6-letter alphabet: many mid-sized families
    return ["".join(rng.choice("abcdef") for _ in range(rng.randint(3, 8))) for _ in range(N)]


def large2(rng):
    # 3000 base words, each submitted scrambled many times: big families, many duplicates
    bases = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 10)))
             for _ in range(3000)]
    words = []
    for _ in range(N):
        letters = list(rng.choice(bases))
        rng.shuffle(letters)
        words.append("".join(letters))
    return words


def large3(rng):
    # long random words: nearly every word is its own family (about 10^5 families)
    return ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(8, 12)))
            for _ in range(N)]


def main():
    p = tomllib.loads((HERE / "problem.toml").read_text())
    (HERE / "tests").mkdir(exist_ok=True)
    for i, fn in enumerate([large1, large2, large3], 1):
        rng = random.Random(4000 + i)
        words = fn(rng)
        inp = f"{len(words)}\n{' '.join(words)}\n"
        (HERE / "tests" / f"large{i}.in").write_text(inp)
        out = subprocess.run([sys.executable, "-c", p["solutions"]["python"]], input=inp,
                             capture_output=True, text=True, check=True).stdout
        (HERE / "tests" / f"large{i}.out").write_text(out)


if __name__ == "__main__":
    main()
