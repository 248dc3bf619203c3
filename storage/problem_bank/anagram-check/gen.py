"""Deterministic generator for the large tests of anagram-check (stdlib only)."""
import random
import string
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def solve(s, t):
    return "true\n" if sorted(s) == sorted(t) else "false\n"


def write(name, s, t):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(f"{s}\n{t}\n")
    (OUT / f"{name}.out").write_text(solve(s, t))


def shuffled(rng, s):
    chars = list(s)
    rng.shuffle(chars)
    return "".join(chars)


def main():
    rng = random.Random(6006)
    n = 500_000
    letters = string.ascii_lowercase
    # large1: a true anagram over all 26 letters
    s = "".join(rng.choice(letters) for _ in range(n))
    write("large1", s, shuffled(rng, s))
    # large2: same length, one letter swapped for a different one -> false
    s = "".join(rng.choice(letters) for _ in range(n))
    t = list(shuffled(rng, s))
    k = rng.randrange(n)
    t[k] = letters[(letters.index(t[k]) + 1) % 26]
    write("large2", s, "".join(t))
    # large3: two letters only, counts differ by one swap at the very end -> false
    s = "ab" * (n // 2)
    t = "b" * (n // 2 + 1) + "a" * (n // 2 - 1)
    write("large3", s, t)
    # large4: a few letters with heavily skewed counts, true anagram
    s = "".join(rng.choice("zzzzzzzzzqqxy") for _ in range(n))
    write("large4", s, shuffled(rng, s))


if __name__ == "__main__":
    main()
