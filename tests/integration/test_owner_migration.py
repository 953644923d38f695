"""Migration 0006 on a database with competitions made before owners were recorded:
each gets the account its ``created_by`` names, or no owner (admins only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, inspect, text

from engine.adapters.sql.database import MIGRATIONS, Database, create_sql_engine
from tests.conftest import DATABASE_URL, fresh_postgres_database

BACKENDS = ["sqlite"] + (["postgresql"] if DATABASE_URL else [])


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = fresh_postgres_database(DATABASE_URL or "", purpose="owners")
    made = create_sql_engine(url)
    yield made
    made.dispose()


def competition(connection: Connection, title: str, created_by: str | None) -> None:
    connection.execute(
        text(
            "INSERT INTO competitions (title, mode, bank_slug, bank_version, bank_hash, rules, "
            "created_by) VALUES (:title, 'live', 'nd', 1, 'h', '{}', :by)"
        ),
        {"title": title, "by": created_by},
    )


def test_existing_competitions_are_owned_by_the_account_they_name(engine: Engine) -> None:
    database = Database(engine)
    database.upgrade("0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (username, password_hash, role) VALUES "
                "('ada', '-', 'host'), ('bob', '-', 'admin')"
            )
        )
        competition(connection, "Ada's", "ada")
        competition(connection, "The demo's", "demo-host")  # no such account
        competition(connection, "Nobody's", None)

    database.upgrade("0006")

    with engine.connect() as connection:
        ada = connection.scalar(text("SELECT id FROM users WHERE username = 'ada'"))
        owners = dict(connection.execute(text("SELECT title, owner_id FROM competitions")).all())
        hosts = connection.scalar(text("SELECT count(*) FROM competition_hosts"))
    assert owners == {"Ada's": ada, "The demo's": None, "Nobody's": None}
    assert hosts == 0


def test_the_migration_goes_down_again(engine: Engine) -> None:
    Database(engine).upgrade("0006")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    columns = {column["name"] for column in inspect(engine).get_columns("competitions")}
    assert "owner_id" not in columns
    assert "created_by" in columns
