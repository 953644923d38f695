"""Migration 0012 lets a draw belong to a campaign instead of a round, keeping every
round's draw as it was; it goes down again (dropping campaign draws only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from engine.adapters.sql.database import Database
from tests.integration.old_databases import BACKENDS, add_finished_round, downgrade, old_engine

ROUND_DRAW = (
    "INSERT INTO draws (round_id, title, rule, prizes, seed, seed_sha256, pool, pool_sha256, "
    "names, disqualified) VALUES (:round, 't', '{}', '[]', 's', 'h', '[]', 'p', '{}', '[]')"
)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from old_engine(request.param, tmp_path, "campaign-draws")


def draws(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = text("SELECT id, round_id, title, pool_sha256 FROM draws ORDER BY id")
        return [tuple(r) for r in connection.execute(query)]


def test_round_draws_stay_and_campaign_draws_come_and_go(engine: Engine) -> None:
    database = Database(engine)
    database.upgrade("0011")
    add_finished_round(engine)
    with engine.begin() as connection:
        connection.execute(text(ROUND_DRAW), {"round": 1})
    before = draws(engine)

    database.upgrade("0012")
    columns = {c["name"]: c for c in inspect(engine).get_columns("draws")}
    assert columns["campaign_id"]["nullable"]
    assert columns["round_id"]["nullable"]
    assert draws(engine) == before
    with engine.begin() as connection:
        connection.execute(text(ROUND_DRAW), {"round": None})  # a campaign's, as far as SQL cares

    downgrade(engine, "0011")
    assert "campaign_id" not in {c["name"] for c in inspect(engine).get_columns("draws")}
    assert draws(engine) == before
