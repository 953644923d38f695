"""The round store's contract on every SQL backend and the in-memory fake: rounds by
code, a record that skips replays and voids whole questions, standings in their order."""

from __future__ import annotations

from typing import Any

import pytest

from engine.adapters.sql.database import Database
from engine.adapters.sql.rounds import SqlRoundRepository
from engine.ports import RoundRepository
from tests.fakes.rounds import InMemoryRoundRepository

# The SQL repository is also the answer log's recorder; so is the fake.
Store = SqlRoundRepository | InMemoryRoundRepository


@pytest.fixture(params=["sql", "memory"])
def rounds(request: pytest.FixtureRequest, database: Database) -> Store:
    return SqlRoundRepository(database) if request.param == "sql" else InMemoryRoundRepository()


def a_competition(rounds: RoundRepository) -> dict[str, Any]:
    return rounds.add_competition(
        title="t", mode="live", bank_slug="b", bank_version=1, bank_hash="0" * 64, rules={"x": 1}
    )


def a_round(rounds: RoundRepository, competition_id: int, code: str, watch: str) -> dict[str, Any]:
    made = rounds.add_round(
        competition_id=competition_id,
        code=code,
        watch_code=watch,
        seed="s",
        paper={"p": [1]},
        settings={},
        status="lobby",
    )
    assert made is not None
    return made


def test_rounds_are_found_by_id_code_and_competition(rounds: Store) -> None:
    competition = a_competition(rounds)
    assert rounds.competition(competition["id"]) == competition
    assert (competition["title"], competition["rules"], competition["owner_id"]) == (
        "t",
        {"x": 1},
        None,
    )
    first = a_round(rounds, competition["id"], "AAAAAA", "WWWWWWWW")
    second = a_round(rounds, competition["id"], "BBBBBB", "VVVVVVVV")
    assert rounds.round(first["id"]) == first
    assert (first["status"], first["paper"]) == ("lobby", {"p": [1]})
    assert rounds.round_by(code="BBBBBB") == second["id"]
    assert rounds.round_by(watch_code="WWWWWWWW") == first["id"]
    assert rounds.round_by(code="CCCCCC") is None
    assert rounds.rounds_of(competition["id"]) == [first, second]
    assert rounds.rounds_of(competition["id"] + 1) == []
    assert rounds.round(second["id"] + 100) is None
    assert rounds.competition(competition["id"] + 100) is None


def test_a_taken_code_or_watch_code_makes_no_round(rounds: Store) -> None:
    competition = a_competition(rounds)
    a_round(rounds, competition["id"], "AAAAAA", "WWWWWWWW")
    fields = {"competition_id": competition["id"], "seed": "s", "paper": {}, "settings": {}}
    assert rounds.add_round(code="AAAAAA", watch_code="XXXXXXXX", status="lobby", **fields) is None
    assert rounds.add_round(code="BBBBBB", watch_code="WWWWWWWW", status="lobby", **fields) is None


def test_status_changes_stick(rounds: Store) -> None:
    competition = a_competition(rounds)
    made = a_round(rounds, competition["id"], "AAAAAA", "WWWWWWWW")
    rounds.set_status(made["id"], "finished")
    assert rounds.round(made["id"])["status"] == "finished"  # type: ignore[index]


def join(round_id: int, contestant: str) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "contestant": contestant,
        "nickname": f"n{contestant}",
        "region": None,
        "team": "red",
        "joined_at_ms": 5,
        "client_hash": None,
        "identity_hash": None,
    }


def answer(round_id: int, contestant: str, index: int, at: int, points: int = 10) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "contestant": contestant,
        "question_index": index,
        "question_key": f"q{index}",
        "response": ["a"],
        "correct": True,
        "credit": 1.0,
        "points": points,
        "response_ms": 700,
        "answered_at_ms": at,
    }


def test_a_contestant_who_left_the_lobby_leaves_the_record(rounds: Store) -> None:
    competition = a_competition(rounds)
    round_id = a_round(rounds, competition["id"], "LEAVES", "LEAVESWW")["id"]
    gone = {"round_id": round_id, "contestant": "1", "left_at_ms": 5}
    rounds.record([join(round_id, "1"), join(round_id, "2")], [], [], [gone])  # one batch
    rounds.record([join(round_id, "3")], [])
    rounds.record([], [], [], [{**gone, "contestant": "3"}, gone])  # later; and a replay
    assert [c["contestant"] for c in rounds.contestants(round_id)] == ["2"]


def test_the_record_skips_replays_and_voids_a_question_whenever_its_answers_come(
    rounds: Store,
) -> None:
    competition = a_competition(rounds)
    round_id = a_round(rounds, competition["id"], "AAAAAA", "WWWWWWWW")["id"]
    rounds.record([join(round_id, "1"), join(round_id, "2")], [answer(round_id, "2", 0, 30)])
    rounds.record(
        [join(round_id, "1")], [answer(round_id, "1", 0, 20), answer(round_id, "2", 0, 99)]
    )
    rounds.record([], [], [{"round_id": round_id, "question_index": 1, "voided_at_ms": 35}])
    rounds.record([], [answer(round_id, "1", 1, 40)])  # after the void: voided at once

    assert sorted(c["contestant"] for c in rounds.contestants(round_id)) == ["1", "2"]
    assert rounds.contestants(round_id)[0]["team"] == "red"
    recorded = rounds.answers(round_id)
    assert [(a["contestant"], a["question_index"]) for a in recorded] == [
        ("1", 0),
        ("2", 0),
        ("1", 1),
    ]  # by the time they were given; the replayed answer kept its first time
    assert [(a["points"], a["voided"]) for a in recorded] == [(10, False), (10, False), (0, True)]
    assert [a["question_index"] for a in rounds.answers_of(round_id, "1")] == [0, 1]
    assert rounds.answers_of(round_id, "3") == []


def test_standings_are_replaced_and_read_unbanned_first_by_rank(rounds: Store) -> None:
    competition = a_competition(rounds)
    round_id = a_round(rounds, competition["id"], "AAAAAA", "WWWWWWWW")["id"]
    row = {"points": 0, "total_ms": 0, "nickname": "n", "region": None, "team": None}
    rounds.save_standings(round_id, [{"contestant": "x", "rank": 1, "banned": False, **row}])
    rounds.save_standings(
        round_id,
        [
            {"contestant": "b", "rank": None, "banned": True, **row},
            {"contestant": "c", "rank": 2, "banned": False, **row},
            {"contestant": "a", "rank": 1, "banned": False, **row},
            {"contestant": "d", "rank": 2, "banned": False, **row},
        ],
    )
    standings = rounds.standings(round_id)
    assert [(s["contestant"], s["rank"], s["banned"]) for s in standings] == [
        ("a", 1, False),
        ("c", 2, False),
        ("d", 2, False),
        ("b", None, True),
    ]
    assert standings[0] == {"contestant": "a", "rank": 1, "banned": False, **row}
