"""Organiser accounts in SQL."""

from __future__ import annotations

from sqlalchemy import select

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import UserRow
from engine.domain.accounts import Account, Organiser, Role


class SqlUserRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, username: str, password_hash: str, role: str, token_key: str) -> Account:
        with self._db.session() as session, session.begin():
            row = UserRow(
                username=username, password_hash=password_hash, role=role, token_key=token_key
            )
            session.add(row)
            session.flush()
            session.refresh(row)  # the server defaults (version, disabled)
            return _account(row)

    def find(self, username: str) -> tuple[Account, str] | None:
        with self._db.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            return None if row is None else (_account(row), row.password_hash)

    def all(self) -> list[Account]:
        with self._db.session() as session:
            return [_account(row) for row in session.scalars(select(UserRow).order_by(UserRow.id))]

    def get(self, user_id: int) -> Account | None:
        with self._db.session() as session:
            row = session.get(UserRow, user_id)
            return None if row is None else _account(row)

    def change(
        self,
        username: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        disabled: bool | None = None,
    ) -> Account | None:
        with self._db.session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                return None
            if password_hash is not None:
                row.password_hash = password_hash
            if role is not None:
                row.role = role
            if disabled is not None:
                row.disabled = disabled
            row.token_version = UserRow.token_version + 1  # atomic in SQL: no lost bump
            session.flush()
            session.refresh(row)
            return _account(row)

    def remove(self, username: str) -> Account | None:
        with self._db.session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                return None
            account = _account(row)
            session.delete(row)
            return account


def _account(row: UserRow) -> Account:
    return Account(
        organiser=Organiser(id=row.id, username=row.username, role=Role(row.role)),
        token_key=row.token_key,
        token_version=row.token_version,
        disabled=row.disabled,
    )
