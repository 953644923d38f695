"""What the instance folder holds is its owner's only: the SQLite database (and its
write-ahead log) 0600, the embedded Redis's data files and socket no wider than 0700."""

from __future__ import annotations

import stat
from pathlib import Path

from engine.adapters.redis.connection import connect_redis
from engine.adapters.sql.database import open_database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_database_and_its_log_are_private(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'leitai.db'}")
    try:
        database.upgrade()
        files = sorted(tmp_path.glob("leitai.db*"))
        assert [f.name for f in files] == ["leitai.db", "leitai.db-shm", "leitai.db-wal"]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        database.bind.dispose()  # type: ignore[union-attr]


def test_an_existing_sqlite_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "leitai.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    open_database(f"sqlite:///{path}").bind.dispose()  # type: ignore[union-attr]
    assert mode(path) == 0o600


def test_the_embedded_redis_keeps_its_files_private(tmp_path: Path) -> None:
    connection = connect_redis(None, tmp_path)
    try:
        connection.client.set("private", "yes")
        assert mode(tmp_path / "redis.sock") & 0o077 == 0
        connection.client.bgrewriteaof()
    finally:
        connection.close()  # flushes the append-only file and stops the server
    made = [p for p in tmp_path.iterdir() if p.name.startswith("redis")]
    assert {p.name for p in made} >= {"redis.aof"}
    for path in made:
        assert mode(path) & 0o077 == 0, (path.name, oct(mode(path)))
