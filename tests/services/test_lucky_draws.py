"""Lucky draws on fakes: committed on a finished round's standings, run once, a
disqualified winner's prize passing on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.domain.lucky_draw import PoolKind, PoolRule, Prize
from engine.services.errors import Conflict, Invalid
from tests.services.conftest import Fakes, ranked_round

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_a_draw_waits_for_the_round_to_finish(fakes: Fakes, bank: str) -> None:
    round_id = ranked_round(fakes, bank)
    with pytest.raises(Conflict):
        fakes.draws.create(round_id, "奖", PoolRule(PoolKind.TOP, top=2), [Prize("一等奖", 1)])
    with pytest.raises(Invalid):
        fakes.draws.create(round_id, "奖", PoolRule(PoolKind.TOP), [Prize("一等奖", 1)])


def test_a_draw_commits_its_pool_runs_once_and_passes_a_disqualified_prize_on(
    fakes: Fakes, bank: str
) -> None:
    round_id = ranked_round(fakes, bank)
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
