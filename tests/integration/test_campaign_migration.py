"""Migration 0011 adds the campaign tables and leaves existing competitions as they were
(a campaign only refers to their rounds); it goes down again cleanly."""

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
TABLES = {
    "campaigns",
    "campaign_hosts",
    "campaign_stages",
    "campaign_stage_rounds",
    "campaign_units",
    "campaign_members",
    "campaign_registrations",
    "campaign_entries",
    "campaign_qualifiers",
}


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = fresh_postgres_database(DATABASE_URL or "", purpose="campaigns")
    made = create_sql_engine(url)
    yield made
    made.dispose()


def competitions(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT * FROM competitions"))]


def test_campaign_tables_come_and_go_leaving_competitions_alone(engine: Engine) -> None:
    database = Database(engine)
    database.upgrade("0010")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO competitions (title, mode, bank_slug, bank_version, bank_hash, "
                "rules, created_by) VALUES ('Old', 'live', 'nd', 1, 'h', '{}', 'ada')"
            )
        )
    before = competitions(engine)

    database.upgrade("0011")
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert competitions(engine) == before

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    assert not TABLES & set(inspect(engine).get_table_names())
    assert competitions(engine) == before
