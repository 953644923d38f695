"""Lucky draws on fakes: committed on a finished round's standings, run once, a
disqualified winner's prize passing on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.domain.lucky_draw import PoolKind, PoolRule, Prize
from engine.services.errors import Conflict, Invalid
from tests.services.conftest import KEYS, Fakes, new_round

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def finished_round(fakes: Fakes, bank: str) -> int:
    """A live round of three contestants, finished: c1 and c2 tie first, c3 last."""
    round_id = new_round(fakes, bank, "live")["id"]
    fakes.rounds.record(
        [{"round_id": round_id, "contestant": c, "nickname": f"N{c}"} for c in ("1", "2", "3")],
        [
            {
                "round_id": round_id,
                "contestant": c,
                "question_index": 0,
                "question_key": KEYS[0],
                "correct": c != "3",
                "points": 100 if c != "3" else 0,
                "answered_at_ms": 1,
            }
            for c in ("1", "2", "3")
        ],
    )
    row = {"total_ms": 0, "region": None, "team": None, "banned": False}
    fakes.rounds.save_standings(
        round_id,
        [
            {"contestant": "1", "rank": 1, "points": 100, "nickname": "N1", **row},
            {"contestant": "2", "rank": 1, "points": 100, "nickname": "N2", **row},
            {"contestant": "3", "rank": 3, "points": 0, "nickname": "N3", **row},
        ],
    )
    return round_id


def test_a_draw_waits_for_the_round_to_finish(fakes: Fakes, bank: str) -> None:
    round_id = finished_round(fakes, bank)
    with pytest.raises(Conflict):
        fakes.draws.create(round_id, "奖", PoolRule(PoolKind.TOP, top=2), [Prize("一等奖", 1)])
    with pytest.raises(Invalid):
        fakes.draws.create(round_id, "奖", PoolRule(PoolKind.TOP), [Prize("一等奖", 1)])


def test_a_draw_commits_its_pool_runs_once_and_passes_a_disqualified_prize_on(
    fakes: Fakes, bank: str
) -> None:
    round_id = finished_round(fakes, bank)
    fakes.rounds.set_status(round_id, "finished")
    made = fakes.draws.create(round_id, "奖", PoolRule(PoolKind.TOP, top=2), [Prize("一等奖", 1)])
    assert (made["status"], made["commitment"]["pool_size"], made["winners"]) == (
        "committed",
        2,
        None,
    )
    drawn = fakes.draws.run(made["id"], AT)
    with pytest.raises(Conflict):
        fakes.draws.run(made["id"], AT)
    assert sorted(drawn["pool"]) == ["1", "2"]
    [winner] = drawn["winners"]
    assert winner["nickname"] == f"N{winner['contestant']}"
    after = fakes.draws.disqualify(made["id"], winner["contestant"], "代答")
    [next_winner] = after["winners"]
    assert next_winner["contestant"] == ({"1", "2"} - {winner["contestant"]}).pop()
    with pytest.raises(Conflict):
        fakes.draws.disqualify(made["id"], winner["contestant"], "again")
    with pytest.raises(Invalid):
        fakes.draws.disqualify(made["id"], "3", "not in the pool")
    assert [d["id"] for d in fakes.draws.of_round(round_id)] == [made["id"]]
