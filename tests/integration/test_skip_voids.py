"""A skipped live question is void everywhere, exactly once: its accepted answers come off
every board (round scopes, both views, the competition board; one shard or several), the
SQL record keeps them at 0 points marked voided, results leave the question out of the
statistics, a rebuild agrees, and nothing more is accepted for it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from engine.adapters.redis.connection import RedisConnection
from engine.adapters.sql.database import Database
from engine.domain import rounds
from engine.domain.log import Answered, Voided
from engine.services.answering import RefusedCommand
from tests.web.live_helpers import import_bank
from web.config import Settings
from web.wiring import Wiring, wire

#: Single choice, right answers b, c, a, d.
KEYS = ["nd-0001", "nd-0002", "nd-0004", "nd-0005"]
RIGHT = {"nd-0001": "b", "nd-0002": "c", "nd-0004": "a", "nd-0005": "d"}
T0 = 1_700_000_000_000
#: Speed, streaks and a penalty, so deltas differ and some are negative.
SCORING = {"speed": "kahoot", "streak_step": 100, "streak_cap": 300, "wrong_penalty": 150}
PEOPLE = [
    ("Ann", "guangzhou", "red"),
    ("Ben", "shenzhen", "blue"),
    ("Cai", "guangzhou", None),
    ("Dee", None, "blue"),
    ("Eli", "shenzhen", "red"),
    ("Fay", None, None),
]


@pytest.fixture(params=[1, 4], ids=["1-shard", "4-shards"])
def wired(
    request: pytest.FixtureRequest, settings: Settings, stack: tuple[Database, RedisConnection, str]
) -> Wiring:
    db, connection, _ = stack
    return wire(replace(settings, leaderboard_shards=request.param), database=db, redis=connection)


def open_round(wired: Wiring, **rules: Any) -> int:
    import_bank(wired)
    competition = wired.competitions.create(
        title="跳题",
        bank_slug="national-defence",
        bank_version=1,
        rules={
            "mode": "live",
            "draw": {"kind": "fixed", "keys": KEYS},
            "teams": ["red", "blue"],
            "scoring": SCORING,
            **rules,
        },
        created_by="test",
    )
    return wired.competitions.open_round(competition["id"])["id"]


def join_all(wired: Wiring, round_id: int) -> list[str]:
    code = wired.competitions.plan(round_id).code
    return [wired.live.join(code, n, r, t, T0).contestant for n, r, t in PEOPLE]


def answer_all(wired: Wiring, round_id: int, at: int, responses: dict[str, str]) -> None:
    """Answer the open question: each contestant's response, 700 ms apart."""
    key = current_key(wired, round_id)
    for n, (contestant, response) in enumerate(responses.items(), start=1):
        wired.live.answer(round_id, contestant, key, response, at + 700 * n)


def current_key(wired: Wiring, round_id: int) -> str:
    state = wired.live.state(round_id)
    return wired.competitions.plan(round_id).questions[state.index].key


def mixed(people: list[str], key: str) -> dict[str, str]:
    """Right for the first, third and fifth contestant, wrong for the others."""
    wrong = "a" if RIGHT[key] != "a" else "b"
    return {c: RIGHT[key] if n % 2 == 0 else wrong for n, c in enumerate(people)}


def every_board(wired: Wiring, round_id: int) -> dict[str, list[tuple]]:
    """Every scope in both views, and the competition board: (contestant, rank, points, ms)."""
    plan = wired.competitions.plan(round_id)
    scopes = ["all"]
    scopes += sorted({f"region:{r}" for _, r, _ in PEOPLE if r})
    scopes += sorted({f"team:{t}" for _, _, t in PEOPLE if t})
    boards = {
        f"{view}/{scope}": [
            (e.contestant, e.rank, e.points, e.total_ms)
            for e in wired.leaderboard.top(round_id, scope, 0, 100, view=view)
        ]
        for view in ("live", "public")
        for scope in scopes
    }
    boards["competition"] = [
        (e.contestant, e.rank, e.points, e.total_ms)
        for e in wired.leaderboard.competition_top(plan.competition_id, 0, 100)
    ]
    return boards


def points(board: list[tuple]) -> dict[str, int]:
    return {contestant: p for contestant, _, p, _ in board}


def test_a_skip_takes_every_accepted_answer_off_every_board(wired: Wiring) -> None:
    round_id = open_round(wired)
    people = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    answer_all(wired, round_id, T0, mixed(people, "nd-0001"))
    wired.live.command(round_id, "close", T0 + 20_000)
    wired.live.command(round_id, "next", T0 + 30_000)
    before = every_board(wired, round_id)
    progress_before = [wired.live.store.progress(round_id, c)[0] for c in people]

    answer_all(wired, round_id, T0 + 30_000, mixed(people[::-1], "nd-0002"))
    answered = every_board(wired, round_id)
    wired.live.command(round_id, "skip", T0 + 40_000)

    assert answered != before  # the answers did move the boards
    assert every_board(wired, round_id) == before
    assert [wired.live.store.progress(round_id, c)[0] for c in people] == progress_before
    results = wired.live.store.answers(round_id, 1)
    assert set(results) == set(people)
    assert {(r["points"], r["voided"], r["reason"]) for r in results.values()} == {
        (0, True, "skipped")
    }


def test_voiding_again_changes_nothing(wired: Wiring) -> None:
    round_id = open_round(wired)
    people = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    answer_all(wired, round_id, T0, mixed(people, "nd-0001"))
    wired.live.command(round_id, "skip", T0 + 10_000)
    after = every_board(wired, round_id)
    results = wired.live.store.answers(round_id, 0)
    plan = wired.competitions.plan(round_id)

    assert wired.live.store.void_question(round_id, 0, plan.competition_id) == 0
    with pytest.raises(RefusedCommand) as refused:
        wired.live.command(round_id, "skip", T0 + 11_000)

    assert refused.value.code == "question_skipped"
    assert every_board(wired, round_id) == after
    assert wired.live.store.answers(round_id, 0) == results
    assert set(points(after["live/all"]).values()) == {0}


def test_a_skip_saved_by_a_process_that_died_before_voiding_is_voided_by_skipping_again(
    wired: Wiring,
) -> None:
    round_id = open_round(wired)
    people = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    before = every_board(wired, round_id)
    answer_all(wired, round_id, T0, mixed(people, "nd-0001"))
    state = wired.live.state(round_id)
    skipped, _ = rounds.skip(state, T0 + 10_000)
    assert wired.live.store.save(round_id, state, skipped)  # ... and then the process died

    with pytest.raises(RefusedCommand):
        wired.live.command(round_id, "skip", T0 + 20_000)

    assert every_board(wired, round_id) == before


def test_answers_after_the_skip_are_refused_and_a_retry_gets_the_voided_result(
    wired: Wiring,
) -> None:
    round_id = open_round(wired)
    people = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    wired.live.answer(round_id, people[0], "nd-0001", "b", T0 + 1000)
    wired.live.command(round_id, "skip", T0 + 2000)

    with pytest.raises(RefusedCommand) as refused:
        wired.live.answer(round_id, people[1], "nd-0001", "b", T0 + 3000)
    retry = wired.live.answer(round_id, people[0], "nd-0001", "b", T0 + 3000)

    assert refused.value.code == "question_closed"
    assert wired.live.store.answers(round_id, 0).keys() == {people[0]}
    assert (retry.duplicate, retry.result["points"], retry.result["voided"]) == (True, 0, True)
    assert points(every_board(wired, round_id)["live/all"]) == dict.fromkeys(people, 0)


def test_a_skipped_question_neither_builds_nor_breaks_a_streak(wired: Wiring) -> None:
    round_id = open_round(wired)
    ann, ben, *_ = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    for contestant in (ann, ben):  # both right, under 0.5 s: 1000 each, streak 1
        wired.live.answer(round_id, contestant, "nd-0001", "b", T0 + 100)
    wired.live.command(round_id, "close", T0 + 20_000)
    wired.live.command(round_id, "next", T0 + 30_000)
    wired.live.answer(round_id, ann, "nd-0002", "c", T0 + 30_100)  # right: streak 2
    wired.live.answer(round_id, ben, "nd-0002", "a", T0 + 30_100)  # wrong: streak 0
    wired.live.command(round_id, "skip", T0 + 40_000)
    wired.live.command(round_id, "next", T0 + 50_000)

    results = [
        wired.live.answer(round_id, c, "nd-0004", "a", T0 + 50_100).result for c in (ann, ben)
    ]

    # Both continue the streak of question 1: +100 bonus, streak 2.
    assert [(r["points"], r["streak"]) for r in results] == [(1100, 2), (1100, 2)]
    assert points(every_board(wired, round_id)["live/all"])[ann] == 2100
    assert points(every_board(wired, round_id)["live/all"])[ben] == 2100


def test_a_freeze_between_the_close_and_the_skip_restores_the_public_board_too(
    wired: Wiring,
) -> None:
    round_id = open_round(wired, freeze_at_question=4)
    people = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    answer_all(wired, round_id, T0, mixed(people, "nd-0001"))
    wired.live.command(round_id, "close", T0 + 20_000)
    wired.live.command(round_id, "next", T0 + 30_000)
    before = every_board(wired, round_id)
    answer_all(wired, round_id, T0 + 30_000, mixed(people[::-1], "nd-0002"))  # live only
    wired.live.command(round_id, "close", T0 + 50_000)  # ...and now public
    wired.leaderboard.freeze(round_id, T0 + 55_000)
    frozen = every_board(wired, round_id)

    wired.live.command(round_id, "skip", T0 + 60_000)

    assert frozen["public/all"] != before["public/all"]
    assert every_board(wired, round_id) == before


def test_a_skip_after_the_freeze_leaves_the_frozen_board_as_it_stood(wired: Wiring) -> None:
    round_id = open_round(wired, freeze_at_question=2)
    people = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    answer_all(wired, round_id, T0, mixed(people, "nd-0001"))
    wired.live.command(round_id, "close", T0 + 20_000)
    wired.live.command(round_id, "next", T0 + 30_000)  # freezes the public boards
    before = every_board(wired, round_id)
    answer_all(wired, round_id, T0 + 30_000, mixed(people[::-1], "nd-0002"))  # live only

    wired.live.command(round_id, "skip", T0 + 40_000)

    assert wired.leaderboard.frozen(round_id)[0]
    assert every_board(wired, round_id) == before


def played_with_a_skip(wired: Wiring) -> tuple[int, list[str]]:
    """Question 1 and 3 count, question 2 is answered by everyone and skipped."""
    round_id = open_round(wired)
    people = join_all(wired, round_id)
    wired.live.command(round_id, "start", T0)
    answer_all(wired, round_id, T0, mixed(people, "nd-0001"))
    wired.live.command(round_id, "close", T0 + 20_000)
    wired.live.command(round_id, "next", T0 + 30_000)
    answer_all(wired, round_id, T0 + 30_000, mixed(people[::-1], "nd-0002"))
    wired.live.command(round_id, "skip", T0 + 40_000)
    wired.live.command(round_id, "next", T0 + 50_000)
    answer_all(wired, round_id, T0 + 50_000, mixed(people[1:], "nd-0004"))
    wired.live.command(round_id, "close", T0 + 70_000)
    return round_id, people


def test_the_drained_record_keeps_the_skipped_answers_at_zero_and_voided(wired: Wiring) -> None:
    round_id, people = played_with_a_skip(wired)
    live = {i: wired.live.store.answers(round_id, i) for i in (0, 2)}

    wired.drainer.drain_all()  # answers and the void in one batch: inserted, then voided

    rows = wired.competitions.rounds.answers(round_id)
    skipped = [r for r in rows if r["question_index"] == 1]
    assert sorted(r["contestant"] for r in skipped) == sorted(people)
    assert {(r["points"], r["voided"]) for r in skipped} == {(0, True)}
    assert any(r["correct"] for r in skipped)  # what was answered is kept
    counted = [r for r in rows if r["question_index"] != 1]
    assert not any(r["voided"] for r in counted)
    assert {(r["question_index"], r["contestant"]): r["points"] for r in counted} == {
        (i, c): result["points"] for i, results in live.items() for c, result in results.items()
    }


def test_a_void_drained_before_its_answers_still_voids_them(wired: Wiring) -> None:
    round_id = open_round(wired)
    people = join_all(wired, round_id)
    wired.drainer.drain_all()
    wired.live.command(round_id, "start", T0)
    answer_all(wired, round_id, T0, mixed(people, "nd-0001"))
    wired.live.command(round_id, "skip", T0 + 10_000)
    log, record = wired.drainer.log, wired.competitions.rounds
    # Two consumers: A is handed the answers, B the void after them, and B is quicker.
    assert [type(e) for _, e in log.read("A", len(people))] == [Answered] * len(people)
    assert [e for _, e in log.read("B", 10)] == [Voided(round_id, 0, T0 + 10_000)]

    assert replace(wired.drainer, consumer="B").drain_once() == 1
    assert record.answers(round_id) == []
    assert replace(wired.drainer, consumer="A").drain_once() == len(people)

    assert {(r["points"], r["voided"]) for r in record.answers(round_id)} == {(0, True)}
    assert len(record.answers(round_id)) == len(people)


def test_results_show_the_skipped_question_and_leave_it_out_of_statistics(
    wired: Wiring,
) -> None:
    round_id, _ = played_with_a_skip(wired)
    wired.drainer.drain_all()

    report = wired.results.report(round_id)

    questions = {q["key"]: q for q in report["questions"]}
    assert [(k, questions[k]["asked"], questions[k]["skipped"]) for k in KEYS] == [
        ("nd-0001", True, False),
        ("nd-0002", False, True),
        ("nd-0004", True, False),
        ("nd-0005", False, False),
    ]
    assert questions["nd-0002"]["p_value"] is None
    assert questions["nd-0002"]["answers"] == len(PEOPLE)
    assert report["statistics"]["k_items"] == 2
    assert report["statistics"]["n_takers"] == len(PEOPLE)


def test_results_without_live_state_still_leave_out_the_voided_question(wired: Wiring) -> None:
    round_id, _ = played_with_a_skip(wired)
    wired.drainer.drain_all()
    wired.redis.client.delete(f"{wired.settings.redis_prefix}:{{r:{round_id}}}:live")

    report = wired.results.report(round_id)

    skipped = [q["key"] for q in report["questions"] if q["skipped"]]
    asked = [q["key"] for q in report["questions"] if q["asked"]]
    assert (skipped, asked) == (["nd-0002"], ["nd-0001", "nd-0004"])
    assert report["statistics"]["k_items"] == 2


def test_a_rebuild_after_a_skip_gives_the_same_boards(wired: Wiring) -> None:
    round_id, _ = played_with_a_skip(wired)
    wired.drainer.drain_all()
    before = every_board(wired, round_id)

    rebuilt = wired.results.rebuild(round_id)

    assert rebuilt.answers == 2 * len(PEOPLE) - 1  # question 2's are left out
    assert every_board(wired, round_id) == before


def test_the_final_standings_leave_out_the_skipped_question(wired: Wiring) -> None:
    round_id, people = played_with_a_skip(wired)
    live = points(every_board(wired, round_id)["live/all"])
    wired.live.command(round_id, "finish", T0 + 80_000)
    wired.drainer.drain_all()

    final = {s["contestant"]: s["points"] for s in wired.competitions.rounds.standings(round_id)}
    counted: dict[str, int] = dict.fromkeys(people, 0)
    for answer in wired.competitions.rounds.answers(round_id):
        counted[answer["contestant"]] += answer["points"]

    assert final == live == counted
