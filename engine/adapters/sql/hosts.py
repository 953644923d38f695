"""Who hosts each competition, in SQL: its owner and the co-hosts the owner added.

Hosts must keep driving their rounds while SQL is briefly unreachable, and every host
command checks who hosts the round. So each process keeps the last hosting it read of
each competition and serves it while the database cannot be reached. Changes to hosts
are writes, which fail during an outage; what can be stale is only a change another
process made after this one last read.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import CompetitionHostRow, CompetitionRow
from engine.adapters.sql.rounds import competition_of_row
from engine.domain.ownership import Hosting

#: Competitions whose last-read hosting a process keeps for an outage.
REMEMBERED = 4096

log = logging.getLogger(__name__)


class SqlHostRepository:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._last_read: OrderedDict[int, Hosting] = OrderedDict()

    def hosting(self, competition_id: int) -> Hosting | None:
        try:
            found = self._read_hosting(competition_id)
        except OperationalError:
            if competition_id not in self._last_read:
                raise
            log.warning("SQL unreachable: hosts of competition %s as last read", competition_id)
            return self._last_read[competition_id]
        if found is not None:  # probes of missing ids must not push real ones out
            self._last_read[competition_id] = found
            self._last_read.move_to_end(competition_id)
            if len(self._last_read) > REMEMBERED:
                self._last_read.popitem(last=False)
        return found

    def _read_hosting(self, competition_id: int) -> Hosting | None:
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
