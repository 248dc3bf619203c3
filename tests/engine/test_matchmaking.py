"""The pure matchmaking engine: preferences, compatibility, skill, the FIFO cycle, proposals, restart,
and a property test over random queues (no double matches, hard constraints hold, bounded waits)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from engine.errors import Conflict, ErrorCode, Gone, InvalidInput, NotFound
from engine.matchmaking import (
    Catalogue,
    CatalogueProblem,
    Idle,
    Matched,
    Matchmaker,
    OpenRoom,
    Preferences,
    Proposal,
    ProposalState,
    Proposed,
    Searching,
    SessionEvidence,
    Skill,
    Ticket,
    band,
    fold,
    normalise,
    shared_languages,
)
from engine.matchmaking.pairing import choose_problem, room_fit, room_language, solo_problem
from engine.matchmaking.proposals import ProposalEvent, next_state
from engine.matchmaking.skill import OPEN_AFTER_S, performance, rate, window, window_step
from engine.matchmaking.tickets import hard_compatible, probe
from engine.problems.model import Difficulty
from engine.room.roles import RoomRole

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
EASY, MEDIUM, HARD = Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD
PROBLEMS = (
    CatalogueProblem("p-graph", MEDIUM, frozenset({"graphs"}), T0),
    CatalogueProblem("p-easy", EASY, frozenset({"arrays"}), T0 - timedelta(hours=1)),
    CatalogueProblem("p-hard", HARD, frozenset({"dp", "graphs"}), T0 - timedelta(hours=2)),
)
CATALOGUE = Catalogue(problems=PROBLEMS, version="v1")


def new_ids(prefix: str = "id") -> Callable[[], str]:
    numbers = count(1)
    return lambda: f"{prefix}-{next(numbers)}"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ticket(
    user: str, seq: int = 1, entered: float = 0, prefs: dict[str, list[str]] | None = None, **more: list[str]
) -> Ticket:
    return Ticket(
        ticket_id=f"t-{user}",
        user_id=user,
        seq=seq,
        entered_at=at(entered),
        expires_at=at(entered + 120),
        preferences=normalise(**{**(prefs or {}), **more}),
    )


def enqueue(
    mm: Matchmaker,
    user: str,
    now: float = 0,
    confirm: bool = False,
    skill: Skill | None = None,
    solved: tuple[str, ...] = (),
    **prefs: list[str],
) -> Ticket:
    return mm.enqueue(
        f"t-{user}",
        user,
        normalise(**prefs),
        at(now),
        skill=skill,
        solved=solved,
        require_confirmation=confirm,
    )


def run(mm: Matchmaker, now: float = 0, rooms: tuple[OpenRoom, ...] = ()) -> list[Proposal]:
    return mm.cycle(at(now), rooms, CATALOGUE, random.Random(1), new_ids("m"))


def searching(mm: Matchmaker, user: str, now: float) -> Searching:
    status = mm.status(user, at(now), poll=False)
    assert isinstance(status, Searching)
    return status


def settle_all(mm: Matchmaker, now: float = 0) -> list[Matched]:
    made: list[Matched] = []
    for proposal in mm.proposals():
        work = mm.lease(proposal.seats[0].user_id, f"lease-{proposal.match_id}", at(now))
        assert work is not None
        assert mm.settle(work.match_id, work.token, f"room-{work.match_id}", at(now))
        made.extend(r for s in proposal.seats if isinstance(r := mm.status(s.user_id, at(now)), Matched))
    return made


# --- preferences ------------------------------------------------------------------------------------
def test_normalise_dedupes_and_orders_canonically() -> None:
    prefs = normalise(
        languages=["go", "python", "go"],
        difficulties=["hard", "easy"],
        problem_ids=["b", "a", "b"],
        topics=[" dp ", "dp", "graphs"],
        roles=["candidate", "interviewer"],
    )
    assert prefs.languages == ("python", "go")
    assert prefs.difficulties == (EASY, HARD)
    assert prefs.problem_ids == ("b", "a")
    assert prefs.topics == ("dp", "graphs")
    assert prefs.roles == (RoomRole.INTERVIEWER, RoomRole.CANDIDATE)


@pytest.mark.parametrize(
    "bad",
    [
        {"languages": ["cobol"]},
        {"topics": ["  "]},
        {"topics": ["x" * 51]},
        {"problem_ids": [str(i) for i in range(21)]},
        {"topics": [f"t{i}" for i in range(21)]},
    ],
)
def test_normalise_refuses_bad_lists(bad: dict[str, list[str]]) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise(**bad)
    assert info.value.code is ErrorCode.VALIDATION_FAILED


def test_shared_languages_empty_means_any() -> None:
    a, b = normalise(languages=["python", "java"]), normalise(languages=["java", "go"])
    assert shared_languages(a, b) == ("java",)
    assert shared_languages(a, Preferences()) == ("python", "java")
    assert shared_languages(Preferences(), Preferences()) == ()


# --- compatibility ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("left", "right", "ok"),
    [
        ({"languages": ["python"]}, {"languages": ["java"]}, False),
        ({"languages": ["python"]}, {}, True),
        ({"difficulties": ["easy"]}, {"difficulties": ["hard"]}, False),
        ({"topics": ["dp"]}, {"topics": ["graphs"]}, False),
        ({"topics": ["dp"]}, {"topics": ["dp", "graphs"]}, True),
        ({"problem_ids": ["a"]}, {"problem_ids": ["b"]}, False),
        ({"problem_ids": ["a"]}, {}, True),
        ({"roles": ["candidate"]}, {"roles": ["candidate"]}, False),
        ({"roles": ["interviewer"]}, {"roles": ["interviewer"]}, False),
        ({"roles": ["candidate"]}, {"roles": ["interviewer"]}, True),
        ({"roles": ["observer"]}, {}, False),
    ],
)
def test_hard_compatibility(left: dict[str, list[str]], right: dict[str, list[str]], ok: bool) -> None:
    a, b = probe(ticket("a", 1, prefs=left)), probe(ticket("b", 2, prefs=right))
    assert hard_compatible(a, b) is ok
    assert hard_compatible(b, a) is ok


def test_declined_pairs_are_never_compatible() -> None:
    a, b = ticket("a", 1), ticket("b", 2)
    assert hard_compatible(probe(a), probe(b))
    assert not hard_compatible(probe(a.avoiding("b")), probe(b))
    assert not hard_compatible(probe(a), probe(b.avoiding("a")))


def test_room_language_is_the_first_shared_or_python() -> None:
    a, b = ticket("a", languages=["java", "go"]), ticket("b", languages=["go", "java"])
    assert room_language(probe(a), probe(b)) == "java"
    assert room_language(probe(ticket("c", languages=["rust"])), probe(ticket("d"))) == "rust"
    assert room_language(probe(ticket("e")), probe(ticket("f"))) == "python"


def test_problem_neither_solved_most_recent_first() -> None:
    a = replace(ticket("a"), solved=frozenset({"p-graph"}))
    b = replace(ticket("b"), solved=frozenset({"p-easy"}))
    problem, ok = choose_problem(probe(a), probe(b), CATALOGUE, random.Random(0))
    assert ok
    assert problem is not None
    assert problem.id == "p-hard"


def test_problem_filters_by_effective_difficulty_and_topic() -> None:
    a, b = ticket("a", difficulties=["medium", "hard"]), ticket("b", topics=["dp"])
    problem, ok = choose_problem(probe(a), probe(b), CATALOGUE, random.Random(0))
    assert ok
    assert problem is not None
    assert problem.id == "p-hard"


def test_problem_ids_choose_randomly_among_the_unsolved() -> None:
    a = replace(ticket("a", problem_ids=["p-easy", "p-graph", "p-hard"]), solved=frozenset({"p-graph"}))
    seen = {
        getattr(choose_problem(probe(a), None, CATALOGUE, random.Random(i))[0], "id", None) for i in range(20)
    }
    assert seen == {"p-easy", "p-hard"}
    none_left = replace(a, solved=frozenset({"p-easy", "p-graph", "p-hard"}))
    assert choose_problem(probe(none_left), None, CATALOGUE, random.Random(0)) == (None, False)


def test_constrained_pair_without_a_problem_is_refused_unconstrained_gets_none() -> None:
    solved_all = frozenset(p.id for p in PROBLEMS)
    a = replace(ticket("a", difficulties=["easy"]), solved=solved_all)
    assert choose_problem(probe(a), probe(ticket("b")), CATALOGUE, random.Random(0)) == (None, False)
    free = replace(ticket("c"), solved=solved_all)
    assert choose_problem(probe(free), probe(ticket("d")), CATALOGUE, random.Random(0)) == (None, True)
    solo = solo_problem(ticket("e", difficulties=["hard"]), CATALOGUE, random.Random(0))
    assert solo is not None
    assert solo.id == "p-hard"


def room(room_id: str = "r1", changes: dict[str, object] | None = None, **more: object) -> OpenRoom:
    base = OpenRoom(
        room_id=room_id,
        code="ABCDEF",
        host_id="host",
        language="python",
        problem_id="p-graph",
        difficulty=MEDIUM,
        tags=frozenset({"graphs"}),
        member_ids=frozenset({"host"}),
        free_roles=frozenset({RoomRole.CANDIDATE}),
        open_seats=4,
        created_at=T0,
    )
    return replace(base, **{**(changes or {}), **more})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prefs", "changes", "role"),
    [
        ({}, {}, RoomRole.CANDIDATE),
        ({"languages": ["java"]}, {}, None),
        ({"difficulties": ["easy"]}, {}, None),
        ({"problem_ids": ["p-easy"]}, {}, None),
        ({"topics": ["dp"]}, {}, None),
        ({"topics": ["graphs"]}, {}, RoomRole.CANDIDATE),
        ({"roles": ["interviewer"]}, {}, None),
        ({"roles": ["observer"]}, {}, RoomRole.OBSERVER),
        ({}, {"free_roles": frozenset()}, None),
        ({}, {"open_seats": 0}, None),
        ({}, {"member_ids": frozenset({"host", "a"})}, None),
    ],
)
def test_room_fit(prefs: dict[str, list[str]], changes: dict[str, object], role: RoomRole | None) -> None:
    assert room_fit(ticket("a", prefs=prefs), room(changes=changes)) is role


# --- skill ----------------------------------------------------------------------------------------------
def evidence(**fields: object) -> SessionEvidence:
    return replace(SessionEvidence(session_id="s", finished_at=T0, difficulty=MEDIUM), **fields)  # type: ignore[arg-type]


def test_performance_mixes_the_parts_it_has() -> None:
    assert performance(evidence()) is None
    assert performance(evidence(solved=True)) == 1.0
    assert performance(evidence(best_pass_ratio=0.5, peer_overall=5)) == 0.75
    assert performance(evidence(report_score=40)) == pytest.approx(0.4)


def test_rating_moves_with_performance() -> None:
    prior = Skill()
    assert rate(prior, evidence(solved=True, peer_overall=5)).mu > prior.mu
    assert rate(prior, evidence(best_pass_ratio=0.1, peer_overall=1)).mu < prior.mu
    drawn = rate(prior, evidence(best_pass_ratio=0.5))
    assert drawn.mu == pytest.approx(prior.mu, abs=0.01)
    assert drawn.sigma < prior.sigma
    assert rate(prior, evidence()) == prior


def test_fold_is_ordered_and_deterministic() -> None:
    sessions = [SessionEvidence(f"s{i}", T0 + timedelta(hours=i), HARD, solved=i % 2 == 0) for i in range(6)]
    assert fold(Skill(), sessions) == fold(Skill(), reversed(sessions))
    assert fold(Skill(), sessions).sigma < Skill().sigma


def test_band_labels_and_provisional() -> None:
    assert band(Skill()).label.value == "intermediate"
    assert band(Skill()).provisional
    assert band(Skill(mu=15, sigma=2)).label.value == "novice"
    assert band(Skill(mu=30, sigma=2)).label.value == "advanced"
    expert = band(Skill(mu=40, sigma=2))
    assert (expert.label.value, expert.low, expert.high, expert.provisional) == ("expert", 38, 42, False)


def test_window_widens_every_15_s_then_opens() -> None:
    assert window(2.0, 0) == 2.0
    assert window(2.0, 14.9) == 2.0
    assert window(2.0, 15) == 4.0
    assert window(2.0, 45) == 8.0
    assert window(2.0, OPEN_AFTER_S) == float("inf")
    assert [window_step(s) for s in (-1, 0, 15, 59, 60, 600)] == [0, 0, 1, 3, 4, 4]


# --- the cycle ------------------------------------------------------------------------------------------
def test_fifo_oldest_compatible_ticket_is_served_first() -> None:
    mm = Matchmaker()
    enqueue(mm, "old", languages=["go"])
    enqueue(mm, "mid", languages=["python"])
    enqueue(mm, "new", languages=["go", "python"])
    [proposal] = run(mm)
    assert {s.user_id for s in proposal.seats} == {"old", "new"}
    assert isinstance(mm.status("mid", at(0)), Searching)


def test_roles_are_complementary_and_the_interviewer_hosts() -> None:
    mm = Matchmaker()
    enqueue(mm, "cand", roles=["candidate"])
    enqueue(mm, "int", roles=["interviewer"])
    [proposal] = run(mm)
    roles = {s.user_id: s.role for s in proposal.seats}
    assert roles == {"int": RoomRole.INTERVIEWER, "cand": RoomRole.CANDIDATE}
    assert proposal.seats[0].role is RoomRole.INTERVIEWER


def test_skill_gap_waits_for_the_window_to_widen() -> None:
    mm = Matchmaker()
    enqueue(mm, "weak", skill=Skill(mu=10, sigma=2))
    enqueue(mm, "strong", skill=Skill(mu=30, sigma=2))
    assert run(mm, 0) == []
    assert run(mm, 30) == []  # +-6 at step 2: still too far apart
    [proposal] = run(mm, OPEN_AFTER_S)
    assert proposal.state is ProposalState.CONFIRMED


def test_clean_queue_is_not_rescanned_but_new_arrivals_match_the_oldest() -> None:
    mm = Matchmaker()
    for i in range(50):
        enqueue(mm, f"c{i}", roles=["candidate"])
    assert run(mm) == []
    enqueue(mm, "interviewer", roles=["interviewer"])
    [proposal] = run(mm, 1)
    assert {s.user_id for s in proposal.seats} == {"c0", "interviewer"}


def test_a_new_catalogue_rechecks_everyone() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", difficulties=["easy"])
    enqueue(mm, "b", difficulties=["easy"])
    assert mm.cycle(at(0), [], Catalogue(version="empty"), random.Random(0), new_ids()) == []
    assert len(run(mm, 1)) == 1


def test_existing_public_rooms_first() -> None:
    mm = Matchmaker()
    enqueue(mm, "a")
    enqueue(mm, "b")
    made = run(mm, 0, (room("later", created_at=at(5)), room("older")))
    assert [(p.seats[0].user_id, p.plan.room_id) for p in made] == [("a", "older"), ("b", "later")]
    assert all(p.plan.host_id == "host" for p in made)


def test_a_waiting_ticket_gets_rooms_that_appear_later() -> None:
    mm = Matchmaker()
    enqueue(mm, "watcher", languages=["java"])
    assert run(mm, 0, (room(),)) == []
    [proposal] = run(mm, 1, (room(), room("java-room", language="java")))
    assert (proposal.seats[0].user_id, proposal.plan.room_id) == ("watcher", "java-room")
    enqueue(mm, "newcomer")
    [seat] = run(mm, 2, (room(),))
    assert (seat.seats[0].user_id, seat.plan.room_id) == ("newcomer", "r1")


# --- the Matchmaker: statuses, proposals, room work --------------------------------------------------
def confirmed_pair(mm: Matchmaker) -> str:
    enqueue(mm, "a", confirm=True)
    enqueue(mm, "b", confirm=True)
    [proposal] = run(mm)
    return proposal.match_id


def test_status_searching_with_position_and_estimate() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", roles=["candidate"])
    enqueue(mm, "b", roles=["candidate"])
    status = mm.status("b", at(10))
    assert isinstance(status, Searching)
    assert (status.position, status.waited_s, status.estimated_wait_s) == (2, 10, None)
    assert isinstance(mm.status("nobody", at(0)), Idle)


def test_enqueue_twice_is_a_conflict_and_a_new_ticket_dismisses_the_match() -> None:
    mm = Matchmaker()
    enqueue(mm, "a")
    with pytest.raises(Conflict) as info:
        enqueue(mm, "a")
    assert info.value.code is ErrorCode.MATCH_ALREADY_SEARCHING
    enqueue(mm, "b")
    run(mm)
    with pytest.raises(Conflict):
        enqueue(mm, "a")
    [matched, _] = settle_all(mm)
    assert matched.matched_with == "b"
    assert mm.knows_ticket("a", "t-a")
    mm.cancel("a", at(1))
    enqueue(mm, "a", 2)
    assert isinstance(mm.status("a", at(2)), Searching)


def test_polls_keep_a_ticket_alive_and_silence_expires_it() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", roles=["candidate"])
    mm.drain()
    mm.status("a", at(20))
    assert not mm.drain()  # less than the write slack used: nothing to persist
    mm.status("a", at(100))
    assert getattr(mm.drain().tickets["t-a"], "expires_at", None) == at(220)
    mm.expire(at(219))
    assert isinstance(mm.status("a", at(219), poll=False), Searching)
    mm.expire(at(220))
    assert isinstance(mm.status("a", at(220)), Idle)


def test_both_accept_then_work_is_leased_once_and_settled() -> None:
    mm = Matchmaker()
    match_id = confirmed_pair(mm)
    status = mm.status("a", at(1))
    assert isinstance(status, Proposed)
    assert status.proposal.state is ProposalState.PROPOSED
    assert mm.lease("a", "tok", at(1)) is None  # nobody accepted yet
    mm.accept("a", match_id, at(2))
    mm.accept("a", match_id, at(2))
    assert mm.proposals()[0].state is ProposalState.PROPOSED
    mm.accept("b", match_id, at(3))
    work = mm.lease("b", "tok", at(3))
    assert work is not None
    assert work.seats == (("a", RoomRole.INTERVIEWER), ("b", RoomRole.CANDIDATE))
    assert mm.lease("a", "other", at(4)) is None
    assert mm.lease("b", "tok", at(4)) == work
    assert mm.settle(match_id, "other", "room-x", at(5)) is False
    assert mm.settle(match_id, "tok", "room-x", at(5)) is True
    assert mm.settle(match_id, "tok", "room-x", at(6)) is True  # a repeated report
    assert mm.settle(match_id, "tok", "room-y", at(6)) is False
    a, b = mm.status("a", at(6)), mm.status("b", at(6))
    assert isinstance(a, Matched)
    assert isinstance(b, Matched)
    assert (a.room_id, a.matched_with, b.matched_with) == ("room-x", "b", "a")
    assert isinstance(mm.status("a", at(6 + 600)), Idle)
    enqueue(mm, "c", 7)
    assert searching(mm, "c", 7).estimated_wait_s == 5


def test_decline_keeps_the_other_in_place_and_sends_the_decliner_back() -> None:
    mm = Matchmaker()
    match_id = confirmed_pair(mm)
    enqueue(mm, "c", 1, roles=["candidate"])
    mm.accept("a", match_id, at(2))
    mm.decline("b", match_id, at(3))
    a, b = mm.status("a", at(3)), mm.status("b", at(3))
    assert isinstance(a, Searching)
    assert isinstance(b, Searching)
    assert (a.position, a.ticket.seq, a.ticket.entered_at) == (1, 1, at(0))
    assert (b.position, b.ticket.entered_at) == (3, at(3))
    with pytest.raises(Gone):
        mm.accept("b", match_id, at(4))
    with pytest.raises(NotFound):
        mm.accept("c", match_id, at(4))
    [again] = run(mm, 4)
    assert {s.user_id for s in again.seats} == {"a", "c"}
    assert "a" in searching(mm, "b", 4).ticket.avoid


def test_timeout_treats_the_silent_party_as_a_decliner() -> None:
    mm = Matchmaker()
    match_id = confirmed_pair(mm)
    mm.accept("b", match_id, at(5))
    mm.expire(at(29))
    assert len(mm.proposals()) == 1
    with pytest.raises(Gone) as info:
        mm.accept("b", match_id, at(30))
    assert info.value.code is ErrorCode.MATCH_EXPIRED
    b, a = mm.status("b", at(30)), mm.status("a", at(30))
    assert isinstance(a, Searching)
    assert isinstance(b, Searching)
    assert (b.position, a.position) == (1, 2)
    assert run(mm, 31) == []  # they do not meet again


def test_cycle_expires_open_proposals() -> None:
    mm = Matchmaker()
    confirmed_pair(mm)
    run(mm, 31)
    assert mm.proposals() == []
    assert len(mm.pool) == 2


def test_decline_after_everyone_accepted_is_a_conflict_cancel_still_works() -> None:
    mm = Matchmaker()
    match_id = confirmed_pair(mm)
    mm.accept("a", match_id, at(1))
    mm.accept("b", match_id, at(1))
    with pytest.raises(Conflict) as info:
        mm.decline("a", match_id, at(2))
    assert info.value.code is ErrorCode.MATCH_ALREADY_CONFIRMED
    work = mm.lease("a", "tok", at(2))
    mm.cancel("a", at(3))
    assert isinstance(mm.status("a", at(3)), Idle)
    assert searching(mm, "b", 3).position == 1
    assert work is not None
    assert mm.settle(work.match_id, "tok", "room", at(4)) is False


def test_failed_room_work_requeues_and_drops_banned_users() -> None:
    mm = Matchmaker()
    enqueue(mm, "a")
    enqueue(mm, "b")
    [proposal] = run(mm)
    work = mm.lease("a", "tok", at(1))
    assert work is not None
    assert mm.settle(proposal.match_id, "tok", None, at(1), drop=["b"]) is False
    assert isinstance(mm.status("a", at(1)), Searching)
    assert isinstance(mm.status("b", at(1)), Idle)


def test_lease_expires_and_passes_to_another_executor() -> None:
    mm = Matchmaker()
    enqueue(mm, "a")
    enqueue(mm, "b")
    run(mm)
    assert mm.lease("a", "first", at(0)) is not None
    assert mm.lease("b", "second", at(59)) is None
    assert mm.lease("b", "second", at(60)) is not None
    assert mm.settle(mm.proposals()[0].match_id, "first", "room", at(61)) is False


def test_room_join_refused_tries_another_room_next_time() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", roles=["candidate"])
    [proposal] = run(mm, 0, (room(),))
    assert proposal.plan.room_id == "r1"
    mm.lease("a", "tok", at(0))
    mm.settle(proposal.match_id, "tok", None, at(0))
    assert run(mm, 1, (room(),)) == []
    [other] = run(mm, 2, (room(), room("r2")))
    assert other.plan.room_id == "r2"


def test_declining_a_room_seat_goes_back_and_skips_that_room() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", confirm=True)
    [proposal] = run(mm, 0, (room(),))
    status = mm.status("a", at(1))
    assert isinstance(status, Proposed)
    assert status.proposal.partner_of("a") == "host"
    mm.decline("a", proposal.match_id, at(2))
    assert "r1" in searching(mm, "a", 2).ticket.tried_rooms
    assert run(mm, 3, (room(),)) == []


def test_withdraw_and_abandoned_proposals() -> None:
    mm = Matchmaker()
    enqueue(mm, "a")
    assert mm.withdraw("a").user_id == "a"
    with pytest.raises(NotFound):
        mm.withdraw("a")
    enqueue(mm, "b")
    enqueue(mm, "c")
    run(mm)
    mm.expire(at(121))  # confirmed, nobody polled or leased for the ticket's lifetime
    assert mm.proposals() == []


def test_proposal_table_refuses_moves_it_does_not_list() -> None:
    with pytest.raises(Gone):
        next_state(ProposalState.CLOSED, ProposalEvent.ACCEPT)
    with pytest.raises(Conflict):
        next_state(ProposalState.CONFIRMED, ProposalEvent.DECLINE)


def test_polling_a_proposal_keeps_its_tickets_alive() -> None:
    mm = Matchmaker()
    enqueue(mm, "a")
    enqueue(mm, "b")
    run(mm)
    mm.status("a", at(100))
    mm.expire(at(121))
    assert len(mm.proposals()) == 1


# --- restart ---------------------------------------------------------------------------------------------
def test_load_rebuilds_and_resolves_crash_duplicates() -> None:
    mm = Matchmaker()
    enqueue(mm, "a", confirm=True)
    enqueue(mm, "b", confirm=True)
    enqueue(mm, "c", roles=["candidate"])
    enqueue(mm, "d", roles=["candidate"])
    [proposal] = run(mm)
    waiting = list(mm.pool)
    stale_a = ticket("a", 1)  # the ticket document a crash left behind
    old = replace(proposal, match_id="old", created_at=at(-10), seats=(replace(proposal.seats[0]),))
    back = Matchmaker()
    back.load([*waiting, stale_a, ticket("e", 9)], [proposal, old], [])
    fix = back.drain()
    assert fix.proposals == {"old": None}
    assert fix.tickets == {"t-a": None}
    assert [t.user_id for t in back.pool] == ["c", "d", "e"]
    assert isinstance(back.status("a", at(1)), Proposed)
    assert enqueue(back, "f").seq == 10


def test_load_prefers_results_and_brings_back_orphaned_seats() -> None:
    mm = Matchmaker()
    enqueue(mm, "a")
    enqueue(mm, "b")
    [done] = run(mm)
    result = Matched(
        "a", "t-a", done.match_id, "room", "b", RoomRole.INTERVIEWER, ticket("a"), at(0), at(600)
    )
    newer = replace(done, match_id="newer", created_at=at(5), seats=done.seats[1:])
    lost = replace(
        done,
        match_id="lost",
        created_at=at(1),
        seats=(replace(done.seats[1]), replace(done.seats[0], ticket=ticket("z", 7))),
    )
    back = Matchmaker()
    back.load([], [done, newer, lost], [result])
    fix = back.drain()
    assert set(fix.proposals) == {done.match_id, "lost"}
    assert [t.user_id for t in back.pool] == ["z"]
    assert fix.tickets["t-z"] is not None
    assert isinstance(back.status("a", at(1)), Matched)
    assert isinstance(back.status("b", at(1)), Proposed)
