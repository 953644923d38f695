"""Who hosts a competition, on every SQL backend and in the in-memory fake the service
tests run on: the owner, co-hosts added once and removed, and the competitions a host
may see, newest first."""

from __future__ import annotations

import pytest

from engine.adapters.sql.database import Database
from engine.adapters.sql.hosts import SqlHostRepository
from engine.adapters.sql.rounds import SqlRoundRepository
from engine.adapters.sql.users import SqlUserRepository
from engine.domain.ownership import Hosting
from engine.ports import HostRepository, RoundRepository, UserRepository
from tests.fakes.accounts import InMemoryUserRepository
from tests.fakes.rounds import InMemoryHostRepository, InMemoryRoundRepository


@pytest.fixture(params=["sql", "memory"])
def stores(
    request: pytest.FixtureRequest, database: Database
) -> tuple[HostRepository, RoundRepository, UserRepository]:
    """(hosts, rounds, users): SQL on every configured backend, or the fakes."""
    if request.param == "memory":
        rounds = InMemoryRoundRepository()
        return InMemoryHostRepository(rounds), rounds, InMemoryUserRepository()
    return SqlHostRepository(database), SqlRoundRepository(database), SqlUserRepository(database)


def a_competition(rounds: RoundRepository, owner_id: int, title: str) -> int:
    competition = rounds.add_competition(
        title=title,
        mode="live",
        bank_slug="b",
        bank_version=1,
        bank_hash="0" * 64,
        rules={},
        owner_id=owner_id,
    )
    return int(competition["id"])


def test_a_competition_is_hosted_by_its_owner_and_the_cohosts_added(
    stores: tuple[HostRepository, RoundRepository, UserRepository],
) -> None:
    hosts, rounds, users = stores
    ada, bob, cy = (users.add(name, "hash", "host", f"key-{name}").organiser.id for name in "abc")
    first = a_competition(rounds, ada, "first")
    second = a_competition(rounds, bob, "second")

    assert hosts.hosting(first) == Hosting(first, ada, frozenset())
    assert hosts.hosting(first + second + 1) is None
    hosts.add_cohost(first, bob)
    hosts.add_cohost(first, bob)  # once
    hosts.add_cohost(first, cy)
    assert hosts.hosting(first) == Hosting(first, ada, frozenset({bob, cy}))
    hosts.remove_cohost(first, cy)
    hosts.remove_cohost(first, cy)  # gone already: nothing to do
    assert hosts.hosting(first) == Hosting(first, ada, frozenset({bob}))

    assert [c["id"] for c in hosts.competitions(None)] == [second, first]  # newest first
    assert [c["id"] for c in hosts.competitions(bob)] == [second, first]
    assert [c["id"] for c in hosts.competitions(ada)] == [first]
    assert hosts.competitions(cy) == []
    assert hosts.competitions(None)[1] == rounds.competition(first)
