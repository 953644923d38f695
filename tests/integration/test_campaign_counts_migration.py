"""Migration 0013 counts the participants campaigns already have (a registration with a
non-practice entry in a stage whose rule is not practice, once, in its unit's count) and
folds units' codes and names into their lookup keys; it goes down again."""

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
ROWS = [
    "INSERT INTO competitions (id, title, mode, bank_slug, bank_version, bank_hash, rules, "
    "created_by) VALUES (1, 'Old', 'self_paced', 'nd', 1, 'h', '{}', 'ada')",
    "INSERT INTO rounds (id, competition_id, code, watch_code, seed, paper, settings, status)"
    " VALUES (1, 1, 'C1', 'W1', 's', '{}', '{}', 'open'), (2, 1, 'C2', 'W2', 's', '{}', '{}',"
    " 'open')",
    "INSERT INTO campaigns (id, title, opens_at_ms, closes_at_ms, rules_text, registration,"
    " weighting) VALUES (1, 'C', 0, 1, '', '{}', '{}')",
    "INSERT INTO campaign_stages (id, campaign_id, position, title, attempt_rule) VALUES"
    ' (1, 1, 1, \'heats\', \'{"kind": "first_of_day", "n": null}\'),'
    ' (2, 1, 2, \'warm-up\', \'{"kind": "practice", "n": null}\')',
    "INSERT INTO campaign_stage_rounds (stage_id, round_id) VALUES (1, 1), (2, 2)",
    "INSERT INTO campaign_units (id, campaign_id, position, name, place, headcount, code)"
    " VALUES (1, 1, 0, '甲 单位', '440100', 10, 'ＡＢ1'), (2, 1, 1, 'Second', '440300', 5, NULL)",
    "INSERT INTO campaign_registrations (id, campaign_id, token_hash, nickname, unit_id,"
    " details, registered_at_ms) VALUES (1, 1, 't1', 'a', 1, '{}', 0),"
    " (2, 1, 't2', 'b', 2, '{}', 0), (3, 1, 't3', 'c', NULL, '{}', 0)",
    # a: twice in the heats and once in the practice stage; b: practice only; c: no unit.
    "INSERT INTO campaign_entries (registration_id, round_id, contestant, practice,"
    " started_at_ms) VALUES (1, 1, 'x1', :no, 1), (1, 1, 'x2', :no, 2), (1, 2, 'x3', :no, 3),"
    " (2, 1, 'x4', :yes, 4), (3, 1, 'x5', :no, 5)",
]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = fresh_postgres_database(DATABASE_URL or "", purpose="campaign-counts")
    made = create_sql_engine(url)
    yield made
    made.dispose()


def rows(engine: Engine, query: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(query))]


def test_participants_are_counted_from_the_entries_and_units_get_their_keys(
    engine: Engine,
) -> None:
    database = Database(engine)
    database.upgrade("0012")
    with engine.begin() as connection:
        for row in ROWS:
            connection.execute(text(row), {"yes": True, "no": False})

    database.upgrade("0013")
    participants = "SELECT stage_id, registration_id FROM campaign_participants ORDER BY 1, 2"
    assert rows(engine, participants) == [(1, 1), (1, 3)]
    counts = "SELECT stage_id, unit_key, participants FROM campaign_unit_counts ORDER BY 1, 2"
    assert rows(engine, counts) == [(1, 0, 1), (1, 1, 1)]
    keys = "SELECT code_key, name_key FROM campaign_units ORDER BY id"
    assert rows(engine, keys) == [("ab1", "甲单位"), (None, "second")]

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
    tables = set(inspect(engine).get_table_names())
    assert not {"campaign_participants", "campaign_unit_counts"} & tables
    assert "name_key" not in {c["name"] for c in inspect(engine).get_columns("campaign_units")}
