"""Where accounts live: the user store (every SQL backend and the fake) and the token
cache (every configured Redis and the fake)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis as redis_py

from engine.adapters.redis.accounts import RedisAccountCache
from engine.adapters.sql.database import Database
from engine.adapters.sql.users import SqlUserRepository
from engine.domain.accounts import Role
from engine.ports import AccountCache, UserRepository
from tests.conftest import REDIS_BACKENDS, prefixed, redis_client
from tests.fakes.accounts import InMemoryAccountCache, InMemoryUserRepository
from tests.fakes.clock import FakeClock


@pytest.fixture(params=["sql", "memory"])
def users(request: pytest.FixtureRequest, database: Database) -> UserRepository:
    return SqlUserRepository(database) if request.param == "sql" else InMemoryUserRepository()


@pytest.fixture(params=[*REDIS_BACKENDS, "memory"])
def cache(
    request: pytest.FixtureRequest,
    redis_servers: dict[str, redis_py.Redis],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[AccountCache]:
    if request.param == "memory":
        yield InMemoryAccountCache(FakeClock())
        return
    client = redis_client(redis_servers, request.param, tmp_path_factory)
    for connection, prefix in prefixed(client, request.param):
        yield RedisAccountCache(connection.client, prefix)


def test_an_account_is_found_by_name_and_id_with_its_hash(users: UserRepository) -> None:
    ada = users.add("ada", "hash-a", "admin", "key-a")
    bob = users.add("bob", "hash-b", "host", "key-b")
    assert (ada.organiser.username, ada.organiser.role, ada.token_key) == (
        "ada",
        Role.ADMIN,
        "key-a",
    )
    assert (ada.token_version, ada.disabled) == (1, False)
    assert ada.organiser.id != bob.organiser.id
    assert users.find("ada") == (ada, "hash-a")
    assert users.get(bob.organiser.id) == bob
    assert users.all() == [ada, bob]
    assert users.find("cai") is None
    assert users.get(bob.organiser.id + 100) is None


def test_every_change_bumps_the_token_version(users: UserRepository) -> None:
    users.add("ada", "hash-a", "host", "key-a")
    changed = users.change("ada", password_hash="hash-2")
    assert changed is not None
    assert changed.token_version == 2
    assert users.find("ada") == (changed, "hash-2")
    again = users.change("ada", role="admin", disabled=True)
    assert again is not None
    assert (again.organiser.role, again.disabled, again.token_version) == (Role.ADMIN, True, 3)
    assert users.find("ada") == (again, "hash-2")  # the hash is kept when not given
    assert users.change("nobody", disabled=True) is None


def test_removing_returns_the_account_once(users: UserRepository) -> None:
    ada = users.add("ada", "hash-a", "host", "key-a")
    assert users.remove("ada") == ada
    assert users.remove("ada") is None
    assert users.find("ada") is None
    assert users.all() == []


def test_the_cache_keeps_a_change_over_an_older_fill(
    cache: AccountCache, users: UserRepository
) -> None:
    ada = users.add("ada", "hash-a", "host", "key-a")
    user_id = ada.organiser.id
    assert cache.read(user_id, "t1") == (False, None, False)
    cache.fill(user_id, ada)
    assert cache.read(user_id, "t1") == (True, ada, False)
    changed = users.change("ada", disabled=True)
    cache.put(user_id, changed)
    cache.fill(user_id, ada)  # an older read loses to the change
    assert cache.read(user_id, "t1") == (True, changed, False)
    cache.put(user_id, None)
    assert cache.read(user_id, "t1") == (True, None, False)  # cached: no such account


def test_a_revoked_token_id_reads_as_revoked(cache: AccountCache) -> None:
    cache.revoke("t1", 60)
    assert cache.read(1, "t1") == (False, None, True)
    assert cache.read(1, "t2") == (False, None, False)
