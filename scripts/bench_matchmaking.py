"""Matchmaking benchmark (pure engine, no Ray, no database).

1. The CPU time of one matching cycle over 1,000 and 10,000 waiting tickets: the first cycle over a
   fresh queue (every ticket new), a cycle on the queue that is left (one new arrival: the enqueue
   cycle), a tick, and a queue of 10,000 tickets none of which can pair.
2. A simulated stream of arrivals (Poisson), a cycle on every arrival and on a 1 s tick, every match
   made at once: the mean and p95 wait from entering the queue to the match.

Preferences are drawn to look like real use: most users name one or two languages (python, javascript
and java the most), half name a difficulty, few name topics, a quarter a preferred role; skills spread
around the prior.

    .venv/bin/python scripts/bench_matchmaking.py [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from engine.matchmaking import Catalogue, CatalogueProblem, Matchmaker, Preferences, Skill, normalise
from engine.problems.model import LANGUAGES, Difficulty

LANGUAGE_WEIGHTS = (30, 25, 8, 15, 10, 3, 5, 4)
TOPICS = ("arrays", "graphs", "dp", "strings", "trees", "math", "greedy", "two-pointers")
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def catalogue(rng: random.Random, size: int = 120) -> Catalogue:
    problems = tuple(
        CatalogueProblem(
            id=str(uuid.UUID(int=rng.getrandbits(128))),
            difficulty=rng.choice(list(Difficulty)),
            tags=frozenset(rng.sample(TOPICS, rng.randint(1, 3))),
            updated_at=EPOCH - timedelta(hours=i),
        )
        for i in range(size)
    )
    return Catalogue(problems=problems, version="bench")


def preferences(rng: random.Random) -> Preferences:
    languages = rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS, k=rng.choice((0, 1, 1, 1, 2, 2, 3)))
    difficulties = [d.value for d in rng.sample(list(Difficulty), rng.choice((0, 0, 1, 1, 2)))]
    topics = rng.sample(TOPICS, 1) if rng.random() < 0.1 else []
    roles = [rng.choice(("interviewer", "candidate"))] if rng.random() < 0.25 else []
    return normalise(languages=languages, difficulties=difficulties, topics=topics, roles=roles)


def solved(rng: random.Random, cat: Catalogue) -> list[str]:
    return [p.id for p in rng.sample(cat.problems, rng.randint(0, 20))]


def fill(mm: Matchmaker, rng: random.Random, cat: Catalogue, n: int, now: datetime) -> None:
    for _ in range(n):
        entered = now - timedelta(seconds=rng.uniform(0, 90))
        skill = Skill(mu=rng.gauss(25, 5), sigma=rng.uniform(2, 8.3))
        mm.enqueue(
            str(uuid.uuid4()),
            str(uuid.uuid4()),
            preferences(rng),
            entered,
            skill=skill,
            solved=solved(rng, cat),
        )


def timed_cycle(mm: Matchmaker, rng: random.Random, cat: Catalogue, now: datetime) -> tuple[float, int]:
    """CPU milliseconds of one cycle (process time: the shared machine's load does not count)."""
    started = time.process_time()
    made = mm.cycle(now, [], cat, rng, lambda: str(uuid.uuid4()))
    return (time.process_time() - started) * 1000, len(made)


def bench_cycle(n: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark
    cat = catalogue(rng)
    now = EPOCH
    mm = Matchmaker()
    fill(mm, rng, cat, n, now)
    mm.drain()
    first_ms, made = timed_cycle(mm, rng, cat, now)
    left = len(mm.pool)
    fill(mm, rng, cat, 1, now)
    again_ms, _ = timed_cycle(mm, rng, cat, now)
    tick_ms, _ = timed_cycle(mm, rng, cat, now + timedelta(seconds=1))
    print(
        f"{n:>6} tickets: first cycle {first_ms:7.1f} ms ({made} matches, {left} left); "
        f"enqueue cycle on the rest {again_ms:6.1f} ms; tick {tick_ms:6.1f} ms"
    )
    steady = Matchmaker()
    fill(steady, rng, cat, n, now)
    while steady.cycle(now, [], cat, rng, lambda: str(uuid.uuid4())):
        pass
    fill(steady, rng, cat, n - len(steady.pool), now)
    full_ms, made = timed_cycle(steady, rng, cat, now + timedelta(seconds=2))
    print(
        f"{n:>6} tickets: cycle over a full queue of leftovers + fresh arrivals {full_ms:7.1f} ms ({made} matches)"
    )


def bench_stuck(n: int, seed: int) -> None:
    """A queue nobody in which can pair (everyone wants to be the candidate): the enqueue and tick
    cycles must stay linear, not quadratic."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark
    cat = catalogue(rng)
    mm = Matchmaker()
    for i in range(n):
        entered = EPOCH - timedelta(seconds=61 + i * 0.001)
        mm.enqueue(str(uuid.uuid4()), f"c{i}", normalise(roles=["candidate"]), entered)
    first_ms, _ = timed_cycle(mm, rng, cat, EPOCH)
    mm.enqueue(str(uuid.uuid4()), "late", normalise(roles=["candidate"]), EPOCH)
    again_ms, _ = timed_cycle(mm, rng, cat, EPOCH)
    tick_ms, _ = timed_cycle(mm, rng, cat, EPOCH + timedelta(seconds=1))
    print(
        f"{n:>6} unmatchable tickets: first cycle {first_ms:7.1f} ms; "
        f"enqueue cycle {again_ms:6.1f} ms; tick {tick_ms:6.1f} ms"
    )


def simulate(rate_per_s: float, duration_s: float, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark
    cat = catalogue(rng)
    mm = Matchmaker()
    waits: list[float] = []
    clock, next_tick = 0.0, 1.0
    while clock < duration_s:
        clock += rng.expovariate(rate_per_s)
        while next_tick <= clock:
            waits.extend(_settle(mm, rng, cat, EPOCH + timedelta(seconds=next_tick)))
            next_tick += 1.0
        now = EPOCH + timedelta(seconds=clock)
        skill = Skill(mu=rng.gauss(25, 5), sigma=rng.uniform(2, 8.3))
        user = str(uuid.uuid4())
        mm.enqueue(str(uuid.uuid4()), user, preferences(rng), now, skill=skill, solved=solved(rng, cat))
        mm.status(user, now)
        waits.extend(_settle(mm, rng, cat, now))
    waits.sort()
    p95 = waits[int(len(waits) * 0.95)] if waits else 0.0
    print(
        f"stream {rate_per_s:>4} arrivals/s for {duration_s:.0f} s: {len(waits)} matched, "
        f"mean wait {statistics.fmean(waits):5.1f} s, p95 {p95:5.1f} s, {len(mm.pool)} still waiting"
    )


def _settle(mm: Matchmaker, rng: random.Random, cat: Catalogue, now: datetime) -> list[float]:
    waits: list[float] = []
    for proposal in mm.cycle(now, [], cat, rng, lambda: str(uuid.uuid4())):
        token = str(uuid.uuid4())
        work = mm.lease(proposal.seats[0].user_id, token, now)
        if work is None:
            raise RuntimeError("a confirmed match has no room work")
        waits.extend(s.ticket.waited_s(now) for s in proposal.seats)
        mm.settle(work.match_id, token, str(uuid.uuid4()), now)
    for ticket in list(mm.pool):  # keep everyone polling, as the clients do
        mm.status(ticket.user_id, now)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for n in (1_000, 10_000):
        bench_cycle(n, args.seed)
    bench_stuck(10_000, args.seed)
    for rate in (0.5, 2.0, 10.0):
        simulate(rate, 600, args.seed)


if __name__ == "__main__":
    main()
