"""Migration 0012 lets a draw belong to a campaign instead of a round, keeping every
round's draw as it was; it goes down again (dropping campaign draws only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from engine.adapters.sql.database import MIGRATIONS, Database, create_sql_engine
from tests.conftest import DATABASE_URL, fresh_postgres_database

BACKENDS = ["sqlite"] + (["postgresql"] if DATABASE_URL else [])
ROUND_DRAW = (
    "INSERT INTO draws (round_id, title, rule, prizes, seed, seed_sha256, pool, pool_sha256, "
    "names, disqualified) VALUES (:round, 't', '{}', '[]', 's', 'h', '[]', 'p', '{}', '[]')"
)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = fresh_postgres_database(DATABASE_URL or "", purpose="campaign-draws")
    made = create_sql_engine(url)
    yield made
    made.dispose()


def draws(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = text("SELECT id, round_id, title, pool_sha256 FROM draws ORDER BY id")
        return [tuple(r) for r in connection.execute(query)]


def test_round_draws_stay_and_campaign_draws_come_and_go(engine: Engine) -> None:
    database = Database(engine)
    database.upgrade("0011")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO competitions (title, mode, bank_slug, bank_version, bank_hash, "
                "rules, created_by) VALUES ('Old', 'live', 'nd', 1, 'h', '{}', 'ada')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO rounds (competition_id, code, watch_code, seed, paper, settings, "
                "status) VALUES (1, 'C1', 'W1', 's', '{}', '{}', 'finished')"
            )
        )
        connection.execute(text(ROUND_DRAW), {"round": 1})
    before = draws(engine)

    database.upgrade("0012")
    columns = {c["name"]: c for c in inspect(engine).get_columns("draws")}
    assert columns["campaign_id"]["nullable"]
    assert columns["round_id"]["nullable"]
    assert draws(engine) == before
    with engine.begin() as connection:
        connection.execute(text(ROUND_DRAW), {"round": None})  # a campaign's, as far as SQL cares

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    assert "campaign_id" not in {c["name"] for c in inspect(engine).get_columns("draws")}
    assert draws(engine) == before
