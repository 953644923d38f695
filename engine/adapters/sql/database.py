"""The SQL store: one engine, one session factory, migrations on demand.

SQLite needs two things PostgreSQL does not: foreign keys switched on per connection, and
pysqlite's own transaction handling switched off so SAVEPOINTs (used by the service and
by the test suite's rollback isolation) really nest. SQLAlchemy documents the recipe as
"Serializable isolation / Savepoints / Transactional DDL" for pysqlite.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


class Database:
    """Where sessions come from. ``bind`` is an engine, or a connection in tests."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind
        self.sessions = sessionmaker(
            bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.bind.dialect.name

    def session(self) -> Session:
        return self.sessions()

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        if isinstance(self.bind, Connection):
            self.bind.execute(text("SELECT 1"))
            return
        with self.bind.connect() as connection:
            connection.execute(text("SELECT 1"))

    def upgrade(self, revision: str = "head") -> None:
        """Apply Alembic migrations up to ``revision``."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        if isinstance(self.bind, Connection):
            config.attributes["connection"] = self.bind
            command.upgrade(config, revision)
            return
        with self.bind.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


#: How long an SQLite statement waits for another writer's lock. The wait blocks the
#: whole gevent hub (sqlite3 is C), so it is short: a drain that finds the file locked
#: fails and tries again later, and answers never wait behind it.
SQLITE_BUSY_MS = 500
#: How long a PostgreSQL connection attempt may take before it counts as an outage.
CONNECT_TIMEOUT_S = 2


def create_sql_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _private_file(make_url(url).database)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}
        )
        _take_over_sqlite_transactions(engine)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )


def _private_file(database: str | None) -> None:
    """An SQLite file readable by its owner only (0600); SQLite gives its -wal and -shm
    files the database file's mode."""
    if database in (None, "", ":memory:"):
        return
    path = Path(database)
    if path.parent.is_dir():  # else SQLite's own error says what is missing
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)


def _take_over_sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite must not BEGIN by itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def open_database(url: str) -> Database:
    return Database(create_sql_engine(url))
