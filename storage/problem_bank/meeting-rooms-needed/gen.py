"""Deterministic generator for the large hidden tests of meeting-rooms-needed (stdlib only).

Run from this folder: python3 gen.py  -> writes tests/large*.in and tests/large*.out
"""
import random
from pathlib import Path

N = 100000


def solve(meetings):
    starts = sorted(s for s, _ in meetings)
    ends = sorted(e for _, e in meetings)
    rooms = best = j = 0
    for s in starts:
        while ends[j] <= s:
            j += 1
            rooms -= 1
        rooms += 1
        best = max(best, rooms)
    return best


def write(folder, name, meetings):
    body = "".join(f"{s} {e}\n" for s, e in meetings)
    (folder / f"{name}.in").write_text(f"{len(meetings)} 2\n{body}")
    (folder / f"{name}.out").write_text(f"{solve(meetings)}\n")


def main():
    rng = random.Random(8080)
    folder = Path(__file__).resolve().parent / "tests"
    folder.mkdir(exist_ok=True)
    # 1: random bookings over a long day with random lengths.
    m = []
    for _ in range(N):
        s = rng.randint(0, 10**7 - 1)
        m.append((s, min(10**7, s + rng.randint(1, 200000))))
    write(folder, "large1", m)
    # 2: everyone books the same slot: N rooms.
    write(folder, "large2", [(123456, 7654321)] * N)
    # 3: back-to-back bookings in shuffled order: a single room suffices.
    m = [(10 * i, 10 * i + 10) for i in range(N)]
    rng.shuffle(m)
    write(folder, "large3", m)
    # 4: the full time range with fewer, longer lines.
    m = []
    for _ in range(80000):
        s = rng.randint(0, 10**9 - 1)
        m.append((s, rng.randint(s + 1, min(10**9, s + 3 * 10**7))))
    write(folder, "large4", m)
    # 5: nested bookings [i, 2N - i) plus many short back-to-back ones after them.
    m = [(i, 2 * N - i) for i in range(N // 2)]
    m += [(2 * N + k, 2 * N + k + 1) for k in range(N // 2)]
    rng.shuffle(m)
    write(folder, "large5", m)


if __name__ == "__main__":
    main()
