"""Migration 0014 adds campaign stages' certificate plans and lets a certificate belong
to a campaign stage instead of a round, keeping every round's certificate as it was; it
goes down again (dropping campaign certificates only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from engine.adapters.sql.database import Database
from tests.integration.old_databases import BACKENDS, add_finished_round, downgrade, old_engine

ROUND_CERTIFICATE = (
    "INSERT INTO certificates (serial, round_id, contestant, template, content, issued_at_ms) "
    "VALUES (:serial, 1, 'c1', 'took-part', '{}', 1)"
)
CAMPAIGN_CERTIFICATE = (
    "INSERT INTO certificates (serial, campaign_id, stage, contestant, template, content, "
    "issued_at_ms) VALUES (:serial, 1, 1, '7', 'took-part', '{}', 1)"
)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from old_engine(request.param, tmp_path, "campaign-certificates")


def certificates(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        query = text("SELECT serial, round_id, contestant, template FROM certificates")
        return [tuple(r) for r in connection.execute(query)]


def test_round_certificates_stay_and_campaign_ones_come_and_go(engine: Engine) -> None:
    database = Database(engine)
    database.upgrade("0013")
    add_finished_round(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO campaigns (title, opens_at_ms, closes_at_ms, rules_text, "
                "registration, weighting, created_by) VALUES ('C', 0, 1, '', '{}', '{}', 'a')"
            )
        )
        connection.execute(text(ROUND_CERTIFICATE), {"serial": "R1"})
    before = certificates(engine)

    database.upgrade("0014")
    assert "campaign_certificate_plans" in inspect(engine).get_table_names()
    columns = {c["name"]: c for c in inspect(engine).get_columns("certificates")}
    assert columns["round_id"]["nullable"]
    assert columns["campaign_id"]["nullable"]
    assert certificates(engine) == before
    with engine.begin() as connection:
        connection.execute(text(CAMPAIGN_CERTIFICATE), {"serial": "C1"})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(CAMPAIGN_CERTIFICATE), {"serial": "C2"})  # issued once only

    downgrade(engine, "0013")
    assert "campaign_id" not in {c["name"] for c in inspect(engine).get_columns("certificates")}
    assert "campaign_certificate_plans" not in inspect(engine).get_table_names()
    assert certificates(engine) == before
