"""Fixtures of the tests that run ``leitai serve`` as processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.conftest import DATABASE_URL, REDIS_URL, fresh_postgres_database
from tests.integration.live_clients import delete_keys, upgrade


@pytest.fixture
def services() -> tuple[str, str]:
    """(PostgreSQL admin URL, Redis server URL) for tests that cannot run on the embedded
    stores (several processes): skipped without them, failed without them in CI."""
    if not (DATABASE_URL and REDIS_URL):
        needs = "PostgreSQL and a Redis server (LEITAI_TEST_DATABASE_URL, LEITAI_TEST_REDIS_URL)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test: it needs {needs}")
        pytest.skip(f"needs {needs}")
    return DATABASE_URL, REDIS_URL


@dataclass(frozen=True)
class Shared:
    """Stores that several serving processes share: the environment that points them
    there, the migrated database's URL, and a client of the Redis under their prefix."""

    env: dict[str, str]
    database: str
    store: redis.Redis


@pytest.fixture
def shared(
    request: pytest.FixtureRequest, tmp_path: Path, services: tuple[str, str]
) -> Iterator[Shared]:
    """A fresh PostgreSQL database (named after the test module) and a unique Redis
    prefix, whose keys are deleted afterwards."""
    database_admin, redis_url = services
    purpose = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    prefix = f"test-{purpose}-{uuid.uuid4().hex[:8]}"
    database = fresh_postgres_database(database_admin, purpose)
    env = {
        "LEITAI_INSTANCE": str(tmp_path),
        "LEITAI_DATABASE_URL": database,
        "LEITAI_REDIS_URL": redis_url,
        "LEITAI_REDIS_PREFIX": prefix,
        "LEITAI_SECRET_KEY": f"{purpose} processes share this key",
    }
    store = redis.Redis.from_url(redis_url)
    try:
        upgrade(env)
        yield Shared(env, database, store)
    finally:
        delete_keys(store, prefix)
        store.close()
