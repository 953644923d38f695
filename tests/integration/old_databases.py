"""A database at an older revision, for the tests of a migration: on SQLite, and on
PostgreSQL when the tests have one; an old competition with a finished round in it;
going down again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from engine.adapters.sql.database import MIGRATIONS, create_sql_engine
from tests.conftest import DATABASE_URL, fresh_postgres_database

BACKENDS = ["sqlite"] + (["postgresql"] if DATABASE_URL else [])


def old_engine(backend: str, tmp_path: Path, purpose: str) -> Iterator[Engine]:
    """An empty database on ``backend`` (one of BACKENDS), disposed of afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = fresh_postgres_database(DATABASE_URL or "", purpose=purpose)
    made = create_sql_engine(url)
    yield made
    made.dispose()


def add_finished_round(engine: Engine) -> None:
    """Competition 1 with its finished round 1, as the old schema stores them."""
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


def downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
