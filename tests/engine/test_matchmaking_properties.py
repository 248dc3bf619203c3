"""Matchmaking (pure) under random queues and the remaining pool rules: no user in two matches, every match
sound, no compatible pair left waiting (split from test_matchmaking.py)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import Gone, NotFound
from engine.matchmaking import (
    Idle,
    Matchmaker,
    ProposalState,
    Searching,
    Skill,
    Ticket,
    normalise,
)
from engine.matchmaking.cycle import RoomJoin
from engine.matchmaking.pairing import PairPlan
from engine.matchmaking.skill import OPEN_AFTER_S, window
from engine.problems.model import LANGUAGES
from engine.room.roles import RoomRole
from tests.engine.test_matchmaking import (
    CATALOGUE,
    PROBLEMS,
    at,
    confirmed_pair,
    enqueue,
    new_ids,
    room,
    run,
    searching,
    settle_all,
    ticket,
)

# --- property: random queues -------------------------------------------------------------------------
LANG = st.lists(st.sampled_from(LANGUAGES[:3]), max_size=2)
PREFS = st.fixed_dictionaries(
    {
        "languages": LANG,
        "difficulties": st.lists(st.sampled_from(["easy", "medium", "hard"]), max_size=2),
        "topics": st.lists(st.sampled_from(["graphs", "dp", "arrays"]), max_size=1),
        "problem_ids": st.lists(st.sampled_from([p.id for p in PROBLEMS]), max_size=2),
        "roles": st.lists(st.sampled_from(["interviewer", "candidate", "observer"]), max_size=2),
    }
)
ARRIVAL = st.tuples(
    PREFS,
    st.floats(min_value=0, max_value=90),  # arrival time
    st.floats(min_value=10, max_value=40),  # mu
    st.floats(min_value=1, max_value=8.3),  # sigma
    st.lists(st.sampled_from([p.id for p in PROBLEMS]), max_size=2, unique=True),  # solved
)


def _overlap(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return not a or not b or bool(set(a) & set(b))


def oracle_hard(a: Ticket, b: Ticket) -> bool:
    """The reference's rule, written from the preferences (not the engine's bitmasks)."""
    pa, pb = a.preferences, b.preferences
    roles = (pa.can_interview and pb.can_be_candidate) or (pb.can_interview and pa.can_be_candidate)
    return (
        _overlap(pa.languages, pb.languages)
        and _overlap(pa.difficulties, pb.difficulties)
        and _overlap(pa.topics, pb.topics)
        and _overlap(pa.problem_ids, pb.problem_ids)
        and roles
        and a.user_id not in b.avoid
        and b.user_id not in a.avoid
    )


def oracle_problem_ok(a: Ticket, b: Ticket, problem_id: str | None) -> bool:
    pa, pb = a.preferences, b.preferences
    constrained = any(
        (pa.problem_ids, pb.problem_ids, pa.difficulties, pb.difficulties, pa.topics, pb.topics)
    )
    fitting = [
        p
        for p in PROBLEMS
        if p.id not in a.solved | b.solved
        and all(not ids or p.id in ids for ids in (pa.problem_ids, pb.problem_ids))
        and all(not ds or p.difficulty in ds for ds in (pa.difficulties, pb.difficulties))
        and all(not ts or p.tags & set(ts) for ts in (pa.topics, pb.topics))
    ]
    if problem_id is None:
        return not fitting and not constrained
    return problem_id in {p.id for p in fitting}


def skill_ok(a: Ticket, b: Ticket, now: datetime) -> bool:
    gap = abs(a.skill.mu - b.skill.mu)
    return gap <= max(window(a.skill.sigma, a.waited_s(now)), window(b.skill.sigma, b.waited_s(now)))


def fully_compatible(a: Ticket, b: Ticket, now: datetime) -> bool:
    if not (oracle_hard(a, b) and skill_ok(a, b, now)):
        return False
    return any(oracle_problem_ok(a, b, p) for p in [None, *(p.id for p in PROBLEMS)])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(ARRIVAL, max_size=24), st.lists(st.floats(min_value=0, max_value=200), min_size=1, max_size=4)
)
def test_random_queues_match_soundly_and_leave_no_compatible_pair(
    arrivals: list[tuple[dict[str, list[str]], float, float, float, list[str]]], cycles: list[float]
) -> None:
    mm, users = Matchmaker(), set[str]()
    rng, new_id = random.Random(0), new_ids("m")
    events = sorted(
        [(t, "arrive", i) for i, (_, t, *_rest) in enumerate(arrivals)] + [(t, "cycle", -1) for t in cycles]
    )
    for moment, kind, index in events:
        now = at(moment)
        if kind == "arrive":
            prefs, _, mu, sigma, solved = arrivals[index]
            mm.enqueue(
                f"t{index}", f"u{index}", normalise(**prefs), now, skill=Skill(mu, sigma), solved=solved
            )
        for proposal in mm.cycle(now, [], CATALOGUE, rng, new_id):
            a, b = (s.ticket for s in proposal.seats)
            assert not ({a.user_id, b.user_id} & users), "a user in two matches"
            users |= {a.user_id, b.user_id}
            assert oracle_hard(a, b)
            assert skill_ok(a, b, now)
            assert oracle_problem_ok(a, b, proposal.plan.problem_id)
            interviewer = proposal.seats[0].ticket.preferences
            assert interviewer.can_interview
            assert proposal.seats[1].ticket.preferences.can_be_candidate
        waiting = list(mm.pool)
        for i, a in enumerate(waiting):
            for b in waiting[i + 1 :]:
                assert not fully_compatible(a, b, now), f"{a.user_id} and {b.user_id} left waiting"
                if max(a.waited_s(now), b.waited_s(now)) >= OPEN_AFTER_S:
                    assert not (
                        oracle_hard(a, b)
                        and any(oracle_problem_ok(a, b, p) for p in [None, *(p.id for p in PROBLEMS)])
                    )


def test_pair_plan_and_room_join_are_decisions() -> None:
    plan = PairPlan(ticket("a"), ticket("b"), "python", None, None)
    join = RoomJoin(ticket("c"), room(), RoomRole.CANDIDATE)
    assert plan.language == "python"
    assert join.role is RoomRole.CANDIDATE


def test_pool_refuses_a_second_ticket_for_a_user() -> None:
    mm = Matchmaker()
    waiting = enqueue(mm, "a")
    with pytest.raises(ValueError, match="already waiting"):
        mm.pool.add(replace(waiting, seq=99))


def test_cancel_a_waiting_ticket_and_expire_old_matches() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", roles=["candidate"])
    assert mm.lease("a", "tok", at(0)) is None
    mm.cancel("a", at(1))
    assert isinstance(mm.status("a", at(1)), Idle)
    enqueue(mm, "b")
    enqueue(mm, "c")
    run(mm, 2)
    settle_all(mm, 2)
    mm.expire(at(2 + 600))
    assert mm.drain().results == {"b": None, "c": None}


def test_closed_matches_are_remembered_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.matchmaking.matchmaker.CLOSED_REMEMBERED", 1)
    mm = Matchmaker()
    first = confirmed_pair(mm)
    mm.cancel("a", at(1))
    mm.cancel("b", at(1))
    enqueue(mm, "a", confirm=True)
    enqueue(mm, "b", confirm=True)
    [proposal] = mm.cycle(at(2), [], CATALOGUE, random.Random(0), new_ids("second"))
    second = proposal.match_id
    mm.cancel("a", at(2))
    with pytest.raises(NotFound):
        mm.accept("a", first, at(3))
    with pytest.raises(Gone):
        mm.accept("a", second, at(3))


def test_expire_user_touches_only_that_user() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", roles=["candidate"])
    enqueue(mm, "b", 1, roles=["candidate"])
    mm.expire_user("a", at(120))
    assert isinstance(mm.status("a", at(120)), Idle)
    assert isinstance(mm.status("b", at(120)), Searching)
    enqueue(mm, "c", 120, confirm=True)
    [proposal] = run(mm, 120)
    mm.expire_user("b", at(150))
    assert isinstance(mm.status("b", at(150)), Searching)
    moved = searching(mm, "c", 150)  # c never accepted: back of the queue
    assert (moved.position, moved.ticket.entered_at, proposal.state) == (2, at(150), ProposalState.PROPOSED)
    done = Matchmaker()
    enqueue(done, "d", 151)
    enqueue(done, "e", 151)
    run(done, 151)
    settle_all(done, 151)
    done.expire_user("d", at(751))
    assert isinstance(done.status("d", at(751)), Idle)
