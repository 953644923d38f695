"""Who hosts each competition, in SQL: its owner and the co-hosts the owner added."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.exc import IntegrityError

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import CompetitionHostRow, CompetitionRow
from engine.adapters.sql.rounds import competition_of_row
from engine.domain.ownership import Hosting


class SqlHostRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def hosting(self, competition_id: int) -> Hosting | None:
        with self._db.session() as session:
            owner = session.execute(
                select(CompetitionRow.owner_id).where(CompetitionRow.id == competition_id)
            ).first()
            if owner is None:
                return None
            cohosts = session.scalars(
                select(CompetitionHostRow.user_id).where(
                    CompetitionHostRow.competition_id == competition_id
                )
            )
            return Hosting(competition_id, owner[0], frozenset(cohosts))

    def add_cohost(self, competition_id: int, user_id: int) -> None:
        """Add a co-host; one already there stays as they are."""
        try:
            with self._db.session() as session, session.begin():
                session.add(CompetitionHostRow(competition_id=competition_id, user_id=user_id))
        except IntegrityError:
            pass  # added already (by this call's retry or another host's)

    def remove_cohost(self, competition_id: int, user_id: int) -> None:
        with self._db.session() as session, session.begin():
            session.execute(
                delete(CompetitionHostRow).where(
                    CompetitionHostRow.competition_id == competition_id,
                    CompetitionHostRow.user_id == user_id,
                )
            )

    def competitions(self, host_id: int | None) -> list[dict[str, Any]]:
        """The competitions ``host_id`` owns or co-hosts (None: every competition),
        newest first."""
        query = select(CompetitionRow).order_by(CompetitionRow.id.desc())
        if host_id is not None:
            cohosted = exists().where(
                CompetitionHostRow.competition_id == CompetitionRow.id,
                CompetitionHostRow.user_id == host_id,
            )
            query = query.where(or_(CompetitionRow.owner_id == host_id, cohosted))
        with self._db.session() as session:
            return [competition_of_row(row) for row in session.scalars(query)]
