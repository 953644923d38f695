"""Organiser accounts in SQL."""

from __future__ import annotations

from sqlalchemy import select

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import UserRow
from engine.domain.accounts import Organiser, Role


class SqlUserRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, username: str, password_hash: str, role: str) -> Organiser:
        with self._db.session() as session, session.begin():
            row = UserRow(username=username, password_hash=password_hash, role=role)
            session.add(row)
            session.flush()
            return _organiser(row)

    def find(self, username: str) -> tuple[Organiser, str] | None:
        with self._db.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            return None if row is None else (_organiser(row), row.password_hash)

    def all(self) -> list[Organiser]:
        with self._db.session() as session:
            return [
                _organiser(row) for row in session.scalars(select(UserRow).order_by(UserRow.id))
            ]

    def get(self, user_id: int) -> Organiser | None:
        with self._db.session() as session:
            row = session.get(UserRow, user_id)
            return None if row is None else _organiser(row)


def _organiser(row: UserRow) -> Organiser:
    return Organiser(id=row.id, username=row.username, role=Role(row.role))
