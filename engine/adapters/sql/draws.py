"""Lucky draws in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import DrawRow

FIELDS = (
    "id",
    "round_id",
    "campaign_id",
    "title",
    "rule",
    "prizes",
    "seed",
    "seed_sha256",
    "pool",
    "pool_sha256",
    "names",
    "disqualified",
    "created_at",
    "drawn_at",
)


class SqlDrawRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add(self, **fields: Any) -> dict[str, Any]:
        with self._db.session() as session, session.begin():
            row = DrawRow(**fields, disqualified=[])
            session.add(row)
            session.flush()
            return _draw(row)

    def draw(self, draw_id: int) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(DrawRow, draw_id)
            return None if row is None else _draw(row)

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(DrawRow).where(DrawRow.round_id == round_id).order_by(DrawRow.id)
            )
            return [_draw(row) for row in rows]

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(DrawRow).where(DrawRow.campaign_id == campaign_id).order_by(DrawRow.id)
            )
            return [_draw(row) for row in rows]

    def mark_drawn(self, draw_id: int, at: datetime) -> bool:
        """True if this call drew it; False if it had been drawn already."""
        with self._db.session() as session, session.begin():
            done = cast(  # an UPDATE's result, which counts the rows it changed
                CursorResult[Any],
                session.execute(
                    update(DrawRow)
                    .where(DrawRow.id == draw_id, DrawRow.drawn_at.is_(None))
                    .values(drawn_at=at)
                ),
            )
            return done.rowcount == 1

    def disqualify(self, draw_id: int, contestant: str, reason: str) -> bool:
        """Append a disqualification; False if ``contestant`` was disqualified already."""
        with self._db.session() as session, session.begin():
            row = session.get(DrawRow, draw_id, with_for_update=True)
            if row is None or any(d["contestant"] == contestant for d in row.disqualified):
                return False
            row.disqualified = [*row.disqualified, {"contestant": contestant, "reason": reason}]
            return True


def _draw(row: DrawRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS}
