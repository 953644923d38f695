"""What several contract suites set up: a round, and a campaign, in a store that keeps
the foreign keys SQL checks."""

from __future__ import annotations

import pytest

from engine.adapters.sql.campaigns import SqlCampaignRepository
from engine.adapters.sql.database import Database
from engine.ports import RoundRepository


@pytest.fixture
def campaign_id(database: Database) -> int:
    """A campaign in SQL (the fakes keep any id)."""
    return SqlCampaignRepository(database).add(
        title="c",
        opens_at_ms=0,
        closes_at_ms=1,
        rules_text="",
        places=None,
        registration={"fields": {}, "identity": "none"},
        weighting={"rate": 70, "mean": 30, "count": 0},
    )["id"]


def a_round(rounds: RoundRepository) -> int:
    competition = rounds.add_competition(
        title="t", mode="live", bank_slug="b", bank_version=1, bank_hash="0" * 64, rules={}
    )
    made = rounds.add_round(
        competition_id=competition["id"],
        code="DRAW01",
        watch_code="WATCH01",
        seed="s",
        paper={},
        settings={},
        status="finished",
    )
    assert made is not None
    return made["id"]
