"""Deterministic generator for the large tests of balanced-brackets (stdlib only)."""
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"
PAIR = {")": "(", "]": "[", "}": "{"}
CLOSE = {"(": ")", "[": "]", "{": "}"}


def solve(s):
    stack = []
    for c in s:
        if c in CLOSE:
            stack.append(c)
        elif not stack or stack.pop() != PAIR[c]:
            return "false\n"
    return "true\n" if not stack else "false\n"


def write(name, s):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(s + "\n")
    (OUT / f"{name}.out").write_text(solve(s))


def random_balanced(rng, n):
    """A random balanced string of length n (n even) built by a random walk."""
    out, stack = [], []
    for k in range(n):
        remaining = n - k
        if stack and (remaining == len(stack) or rng.random() < 0.5):
            out.append(CLOSE[stack.pop()])
        else:
            c = rng.choice("([{")
            stack.append(c)
            out.append(c)
    return "".join(out)


def main():
    rng = random.Random(77)
    half = 500_000
    # large1: one single nest of depth 500000 (balanced) -> true
    opens = [rng.choice("([{") for _ in range(half)]
    write("large1", "".join(opens) + "".join(CLOSE[c] for c in reversed(opens)))
    # large2: same kind of deep nest, but the very last bracket has the wrong type -> false
    opens = [rng.choice("([{") for _ in range(half)]
    s = list("".join(opens) + "".join(CLOSE[c] for c in reversed(opens)))
    s[-1] = {")": "]", "]": "}", "}": ")"}[s[-1]]
    write("large2", "".join(s))
    # large3: a random-walk balanced string of length 10^6 -> true
    write("large3", random_balanced(rng, 1_000_000))
    # large4: 999999 characters: balanced prefix plus one unmatched opener at the end -> false
    write("large4", random_balanced(rng, 999_998) + "{")


if __name__ == "__main__":
    main()
