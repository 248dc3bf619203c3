"""Deterministic generator for the large tests of word-chain-ladder (stdlib only).

Run from anywhere: python3 gen.py   (writes tests/large*.in and tests/large*.out)
"""
import random
import string
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fmt(begin, end, words):
    return f"{begin}\n{end}\n{len(words)}\n{' '.join(words)}\n"


def distinct_words(rng, count, length, alphabet, avoid=()):
    seen = set(avoid)
    out = []
    while len(out) < count:
        w = "".join(rng.choice(alphabet) for _ in range(length))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def snake(length, steps):
    """A ladder where step t bumps position t % length: words t and t' differ in min(|t - t'|, length)
    letters, so the only shortcuts-free route is the whole snake (at most 25 bumps per position)."""
    counts = [0] * length
    out = ["a" * length]
    for t in range(1, steps + 1):
        counts[(t - 1) % length] += 1
        out.append("".join(chr(97 + c) for c in counts))
    return out


def cases():
    rng = random.Random(2718)
    letters10 = "abcdefghij"
    # large1: 50000 random 5-letter words over 10 letters: a dense graph, begin not in the list
    words = distinct_words(rng, 50_000, 5, letters10)
    begin = words.pop()
    yield "large1", fmt(begin, words[-1], words)
    # large2: 10-letter words sharing the prefix "qqqq" (so pairwise comparisons cannot stop early);
    # the end word is isolated, so the search must exhaust the whole component
    words = ["qqqq" + w for w in distinct_words(rng, 49_999, 6, letters10)]
    end = "zzzzzzzzzz"
    words.append(end)
    rng.shuffle(words)
    yield "large2", fmt(words[0], end, words)
    # large3: a 251-word snake (answer 251) hidden among 49000 random 10-letter words
    path = snake(10, 250)
    pool = set(path)
    filler = distinct_words(rng, 49_000, 10, string.ascii_lowercase, avoid=pool)
    words = path[1:] + filler
    rng.shuffle(words)
    yield "large3", fmt(path[0], path[-1], words)
    # large4: 10-letter random words over the full alphabet: a sparse graph, plus a planted chain
    words = distinct_words(rng, 49_000, 10, string.ascii_lowercase)
    chain = ["abcdefghij"]
    for i in range(10):
        w = list(chain[-1])
        w[i] = "z" if w[i] != "z" else "y"
        chain.append("".join(w))
    pool = set(words)
    words += [w for w in chain[1:] if w not in pool]
    rng.shuffle(words)
    yield "large4", fmt(chain[0], chain[-1], words)


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
