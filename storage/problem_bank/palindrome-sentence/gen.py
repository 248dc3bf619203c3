"""Deterministic generator for the large tests of palindrome-sentence (stdlib only)."""
import random
import string
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"
ALNUM = string.ascii_lowercase + string.digits
NOISE = " .,;:!?'\"-()[]{}#@$%&*+/<=>\\^_`|~"


def solve(s):
    t = [c.lower() for c in s if c.isascii() and c.isalnum()]
    return "true\n" if t == t[::-1] else "false\n"


def write(name, s):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(s + "\n")
    (OUT / f"{name}.out").write_text(solve(s))


def decorate(rng, core, length):
    """Randomise letter case and sprinkle noise characters until the line has `length` chars."""
    chars = [c.upper() if rng.random() < 0.5 else c for c in core]
    noise_count = length - len(chars)
    # choose how many noise characters go before each core character (and at the end)
    slots = [0] * (len(chars) + 1)
    for _ in range(noise_count):
        slots[rng.randrange(len(slots))] += 1
    out = []
    for k, c in enumerate(chars):
        out.extend(rng.choice(NOISE) for _ in range(slots[k]))
        out.append(c)
    out.extend(rng.choice(NOISE) for _ in range(slots[-1]))
    return "".join(out)


def main():
    rng = random.Random(9009)
    length = 1_000_000
    half = [rng.choice(ALNUM) for _ in range(300_000)]
    # large1: a palindrome (odd core length) hidden in punctuation and mixed case -> true
    core = half + [rng.choice(ALNUM)] + half[::-1]
    write("large1", decorate(rng, core, length))
    # large2: like large1 but the two characters next to the centre differ -> false
    half = [rng.choice(ALNUM) for _ in range(300_000)]
    core = half + half[::-1]
    core[300_000] = "0" if core[299_999] != "0" else "1"
    write("large2", decorate(rng, core, length))
    # large3: no letters or digits at all -> true (nothing to compare)
    write("large3", "".join(rng.choice(NOISE) for _ in range(length)))
    # large4: long and clean, only digits vs. letters 'o'/'l' that look alike -> false at the ends
    half = [rng.choice("0o1l") for _ in range(499_999)]
    core = ["o"] + half + half[::-1] + ["0"]
    write("large4", "".join(core))


if __name__ == "__main__":
    main()
