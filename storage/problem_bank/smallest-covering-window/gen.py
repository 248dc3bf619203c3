"""Deterministic generator for the large tests of smallest-covering-window (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import string
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOWER = string.ascii_lowercase
LETTERS = string.ascii_letters


def cases():
    rng = random.Random(1701)
    n = 100_000
    # large1: random lowercase text, a checklist of 3000 codes -> windows a few thousand long
    s = "".join(rng.choice(LOWER) for _ in range(n))
    t = "".join(rng.choice(LOWER) for _ in range(3000))
    yield "large1", f"{s}\n{t}\n"
    # large2: no covering window exists: t needs one more 'Z' than s has (quadratic scans die here)
    s = "".join(rng.choice(LETTERS) for _ in range(n))
    t = "Z" * (s.count("Z") + 1) + "".join(rng.choice(LETTERS) for _ in range(500))
    yield "large2", f"{s}\n{t}\n"
    # large3: long answer: almost all 'a' with a few 'b', checklist of 40000 'a' and 2 'b'
    chars = ["a"] * n
    for pos in (7, 30_000, 52_345, 99_990):
        chars[pos] = "b"
    s = "".join(chars)
    t = "a" * 40_000 + "bb"
    yield "large3", f"{s}\n{t}\n"
    # large4: every one of the 52 letters once, text over all letters
    s = "".join(rng.choice(LETTERS) for _ in range(n))
    t = "".join(rng.sample(LETTERS, len(LETTERS)))
    yield "large4", f"{s}\n{t}\n"


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
