"""The draw store's contract on every SQL backend and the in-memory fake: a draw runs
once, a contestant is disqualified once, disqualifications keep their order; a
campaign's draws are listed apart from rounds'."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.adapters.sql.database import Database
from engine.adapters.sql.draws import SqlDrawRepository
from engine.adapters.sql.rounds import SqlRoundRepository
from engine.ports import DrawRepository, RoundRepository
from tests.contract.conftest import a_round
from tests.fakes.rounds import InMemoryDrawRepository, InMemoryRoundRepository

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sql", "memory"])
def stores(
    request: pytest.FixtureRequest, database: Database
) -> tuple[DrawRepository, RoundRepository]:
    """(draws, rounds): SQL on every configured backend, or the fakes."""
    if request.param == "memory":
        return InMemoryDrawRepository(), InMemoryRoundRepository()
    return SqlDrawRepository(database), SqlRoundRepository(database)


def test_a_draw_is_stored_run_once_and_disqualifies_in_order(
    stores: tuple[DrawRepository, RoundRepository],
) -> None:
    draws, rounds = stores
    round_id = a_round(rounds)
    made = draws.add(
        round_id=round_id,
        title="抽奖",
        rule={"kind": "top", "top": 3, "threshold": None, "one_per_person": False},
        prizes=[{"prize": "一等奖", "count": 1}],
        seed="ab" * 32,
        seed_sha256="c" * 64,
        pool=["a", "b", "阿"],
        pool_sha256="d" * 64,
        names={"a": "A", "b": "B", "阿": "阿明"},
    )
    assert draws.draw(made["id"]) == made
    assert made["pool"] == ["a", "b", "阿"]
    assert made["drawn_at"] is None
    assert made["disqualified"] == []
    assert [d["id"] for d in draws.of_round(round_id)] == [made["id"]]
    assert draws.of_round(round_id + 1) == []

    assert draws.mark_drawn(made["id"], AT) is True
    assert draws.mark_drawn(made["id"], AT) is False
    assert draws.draw(made["id"])["drawn_at"] is not None

    assert draws.disqualify(made["id"], "b", "代答") is True
    assert draws.disqualify(made["id"], "b", "again") is False
    assert draws.disqualify(made["id"], "a", "x") is True
    assert draws.draw(made["id"])["disqualified"] == [
        {"contestant": "b", "reason": "代答"},
        {"contestant": "a", "reason": "x"},
    ]
    assert draws.draw(999_999) is None


def test_a_campaigns_draws_are_listed_apart_from_rounds(
    stores: tuple[DrawRepository, RoundRepository], campaign_id: int
) -> None:
    draws, rounds = stores
    round_id = a_round(rounds)
    fields = {
        "title": "t",
        "rule": {"kind": "qualifiers", "stage": 1},
        "prizes": [{"prize": "mug", "count": 1}],
        "seed": "ab" * 32,
        "seed_sha256": "c" * 64,
        "pool": ["registration:1"],
        "pool_sha256": "d" * 64,
        "names": {"registration:1": "阿明"},
    }
    theirs = draws.add(round_id=None, campaign_id=campaign_id, **fields)
    ours = draws.add(round_id=round_id, campaign_id=None, **fields)
    assert draws.draw(theirs["id"]) == theirs
    assert theirs["campaign_id"] == campaign_id
    assert theirs["round_id"] is None
    assert [d["id"] for d in draws.of_campaign(campaign_id)] == [theirs["id"]]
    assert [d["id"] for d in draws.of_round(round_id)] == [ours["id"]]
    assert draws.of_campaign(campaign_id + 1) == []
