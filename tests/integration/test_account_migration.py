"""Migration 0007 gives the accounts that exist a token key, version and status."""

from __future__ import annotations

from sqlalchemy import text

from engine.adapters.sql.database import Database, create_sql_engine


def test_existing_accounts_get_distinct_token_keys(tmp_path):
    engine = create_sql_engine(f"sqlite:///{tmp_path / 'old.db'}")
    database = Database(engine)
    database.upgrade("0005")
    with engine.begin() as connection:
        for name in ("ada", "bob"):
            connection.execute(
                text("INSERT INTO users (username, password_hash, role) VALUES (:n, 'x', 'host')"),
                {"n": name},
            )
    database.upgrade()
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT token_key, token_version, disabled FROM users ORDER BY id")
        ).all()
    engine.dispose()
    assert [(version, bool(disabled)) for _, version, disabled in rows] == [(1, False)] * 2
    keys = [key for key, _, _ in rows]
    assert all(len(key) == 32 for key in keys)
    assert len(set(keys)) == 2
