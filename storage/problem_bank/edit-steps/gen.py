"""Deterministic generator for the large tests of edit-steps (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import string
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def word(rng, n, alphabet):
    return "".join(rng.choice(alphabet) for _ in range(n))


def mutate(rng, s, k):
    s = list(s)
    for _ in range(k):
        op = rng.randrange(3)
        pos = rng.randrange(len(s) + 1)
        if op == 0:
            s.insert(pos, rng.choice(string.ascii_lowercase))
        elif s and pos < len(s):
            if op == 1:
                del s[pos]
            else:
                s[pos] = rng.choice(string.ascii_lowercase)
    return "".join(s)[:2000]


def cases():
    rng = random.Random(90210)
    # large1: two unrelated 2000-letter strings over {a, b}
    yield "large1", f"{word(rng, 2000, 'ab')}\n{word(rng, 2000, 'ab')}\n"
    # large2: a 2000-letter string and a copy with ~150 random edits
    a = word(rng, 2000, string.ascii_lowercase)
    yield "large2", f"{a}\n{mutate(rng, a, 150)}\n"
    # large3: very different lengths
    yield "large3", f"{word(rng, 2000, 'abc')}\nb\n"
    # large4: nearly identical long strings
    yield "large4", f"{'a' * 2000}\n{'a' * 1999}b\n"


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
