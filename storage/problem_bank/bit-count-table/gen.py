"""Deterministic generator for the large tests of bit-count-table (stdlib only).

The inputs are single integers, but the expected outputs are long tables.
"""
from pathlib import Path

OUT = Path(__file__).resolve().parent / "tests"


def write(name, n):
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.in").write_text(f"{n}\n")
    (OUT / f"{name}.out").write_text(" ".join(str(bin(k).count("1")) for k in range(n + 1)) + "\n")


def main():
    write("large1", 500_000)          # the maximum n
    write("large2", 2**18 - 1)        # ends on a run of ones
    write("large3", 2**18)            # ends just after a power of two
    write("large4", 433_337)


if __name__ == "__main__":
    main()
