"""Who hosts a competition while SQL is unreachable: each process answers with what it
last read, so hosts keep driving their rounds; once SQL answers, changes are seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from engine.adapters.sql.campaigns import SqlCampaignRepository
from engine.adapters.sql.database import Database, create_sql_engine
from engine.adapters.sql.hosts import SqlHostRepository
from engine.adapters.sql.rounds import SqlRoundRepository
from engine.adapters.sql.users import SqlUserRepository
from engine.domain.ownership import Hosting


def test_hosts_are_served_as_last_read_while_sql_is_unreachable(tmp_path: Path) -> None:
    path, away = tmp_path / "leitai.db", tmp_path / "away.db"
    engine = create_sql_engine(f"sqlite:///{path}")
    database = Database(engine)
    database.upgrade()
    users = SqlUserRepository(database)
    owner = users.add("owner", "-", "host", "owner-key").organiser
    cohost = users.add("cohost", "-", "host", "cohost-key").organiser
    competition = SqlRoundRepository(database).add_competition(
        title="T",
        mode="live",
        bank_slug="nd",
        bank_version=1,
        bank_hash="h",
        rules={},
        created_by="owner",
        owner_id=owner.id,
    )["id"]
    hosts, other_process = SqlHostRepository(database), SqlHostRepository(database)
    hosts.add_cohost(competition, cohost.id)
    assert hosts.hosting(competition) == Hosting(competition, owner.id, frozenset({cohost.id}))

    engine.dispose()
    path.rename(away)
    path.mkdir()  # the database file cannot be opened: every query fails
    try:
        assert hosts.hosting(competition) == Hosting(competition, owner.id, frozenset({cohost.id}))
        with pytest.raises(OperationalError):
            other_process.hosting(competition)  # never read it: nothing to serve
        with pytest.raises(OperationalError):
            hosts.remove_cohost(competition, cohost.id)  # changes need SQL
        # Campaign organisers do not host the round meanwhile; others are refused as ever.
        assert SqlCampaignRepository(database).hostings_of_round(1) == []
    finally:
        path.rmdir()
        away.rename(path)

    other_process.remove_cohost(competition, cohost.id)
    assert hosts.hosting(competition) == Hosting(competition, owner.id, frozenset())
    engine.dispose()
