"""Competitions, rounds, contestants, answers and standings in SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import (
    AnswerRow,
    CompetitionRow,
    ContestantRow,
    RoundRow,
    StandingRow,
    VoidedQuestionRow,
)


class SqlRoundRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    # --- competitions and rounds ---------------------------------------------------------

    def add_competition(self, **fields: Any) -> dict[str, Any]:
        with self._db.session() as session, session.begin():
            row = CompetitionRow(**fields)
            session.add(row)
            session.flush()
            return competition_of_row(row)

    def competition(self, competition_id: int) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(CompetitionRow, competition_id)
            return None if row is None else competition_of_row(row)

    def add_round(self, **fields: Any) -> dict[str, Any] | None:
        """The new round, or None when its code or watch code is taken (pick others)."""
        try:
            with self._db.session() as session, session.begin():
                row = RoundRow(**fields)
                session.add(row)
                session.flush()
                return _round(row)
        except IntegrityError:
            return None

    def round(self, round_id: int) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(RoundRow, round_id)
            return None if row is None else _round(row)

    def round_by(self, *, code: str | None = None, watch_code: str | None = None) -> int | None:
        column, value = (RoundRow.code, code) if code else (RoundRow.watch_code, watch_code)
        with self._db.session() as session:
            return session.scalar(select(RoundRow.id).where(column == value))

    def rounds_of(self, competition_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(RoundRow)
                .where(RoundRow.competition_id == competition_id)
                .order_by(RoundRow.id)
            )
            return [_round(row) for row in rows]

    def set_status(self, round_id: int, status: str) -> None:
        with self._db.session() as session, session.begin():
            values: dict[str, Any] = {"status": status}
            if status == "finished":
                values["finished_at"] = datetime.now(UTC)
            session.execute(update(RoundRow).where(RoundRow.id == round_id).values(**values))

    # --- the drained record --------------------------------------------------------------

    def record(
        self,
        joins: Iterable[Mapping[str, Any]],
        answers: Iterable[Mapping[str, Any]],
        voids: Iterable[Mapping[str, Any]] = (),
        lefts: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        """Store drained log entries; entries already stored are skipped (a replay).

        Inserts go first, then the entries of contestants who left a lobby go (a leave
        is logged after its join, so a batch holding both ends without the entry), then
        every answer of a voided question touched here (voided now, or answered now
        after a void stored earlier) scores 0 and is marked voided.
        """
        joins, answers, voids = list(joins), list(answers), list(voids)
        with self._db.session() as session, session.begin():
            for model, rows in (
                (ContestantRow, joins),
                (AnswerRow, answers),
                (VoidedQuestionRow, voids),
            ):
                if rows:
                    session.execute(self._insert_ignoring_duplicates(model), rows)
            for left in lefts:
                session.execute(
                    delete(ContestantRow).where(
                        ContestantRow.round_id == left["round_id"],
                        ContestantRow.contestant == left["contestant"],
                    )
                )
            touched = {(a["round_id"], a["question_index"]) for a in [*answers, *voids]}
            if not touched:
                return
            rounds = {round_id for round_id, _ in touched}
            voided = session.execute(
                select(VoidedQuestionRow.round_id, VoidedQuestionRow.question_index).where(
                    VoidedQuestionRow.round_id.in_(rounds)
                )
            )
            for round_id, index in set(map(tuple, voided)) & touched:
                session.execute(
                    update(AnswerRow)
                    .where(AnswerRow.round_id == round_id, AnswerRow.question_index == index)
                    .values(points=0, voided=True)
                )

    def _insert_ignoring_duplicates(self, model: Any) -> Any:
        """One executemany into the model's table: Core, since the ORM's bulk insert
        handles every row in Python first (7.0 against 10.5 us a row on SQLite)."""
        table = model.__table__
        if self._db.backend == "postgresql":
            return pg_insert(table).on_conflict_do_nothing()
        if self._db.backend == "sqlite":
            return sqlite_insert(table).on_conflict_do_nothing()
        return insert(table)

    def contestants(self, round_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(select(ContestantRow).where(ContestantRow.round_id == round_id))
            return [
                {
                    "contestant": r.contestant,
                    "nickname": r.nickname,
                    "region": r.region,
                    "team": r.team,
                    "joined_at_ms": r.joined_at_ms,
                    "client_hash": r.client_hash,
                    "identity_hash": r.identity_hash,
                }
                for r in rows
            ]

    def answers(self, round_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(AnswerRow)
                .where(AnswerRow.round_id == round_id)
                .order_by(AnswerRow.answered_at_ms, AnswerRow.contestant, AnswerRow.question_index)
            )
            return [_answer(r) for r in rows]

    def answers_of(self, round_id: int, contestant: str) -> list[dict[str, Any]]:
        """One contestant's answers, by position on their paper (the primary key's order)."""
        with self._db.session() as session:
            rows = session.scalars(
                select(AnswerRow)
                .where(AnswerRow.round_id == round_id, AnswerRow.contestant == contestant)
                .order_by(AnswerRow.question_index)
            )
            return [_answer(r) for r in rows]

    def save_standings(self, round_id: int, standings: Sequence[Mapping[str, Any]]) -> None:
        with self._db.session() as session, session.begin():
            session.execute(delete(StandingRow).where(StandingRow.round_id == round_id))
            if standings:
                session.execute(
                    insert(StandingRow), [{"round_id": round_id, **s} for s in standings]
                )

    def standings(self, round_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(StandingRow)
                .where(StandingRow.round_id == round_id)
                .order_by(StandingRow.banned, StandingRow.rank, StandingRow.contestant)
            )
            return [
                {
                    "contestant": r.contestant,
                    "rank": r.rank,
                    "points": r.points,
                    "total_ms": r.total_ms,
                    "nickname": r.nickname,
                    "region": r.region,
                    "team": r.team,
                    "banned": r.banned,
                }
                for r in rows
            ]


def competition_of_row(row: CompetitionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "mode": row.mode,
        "bank_slug": row.bank_slug,
        "bank_version": row.bank_version,
        "bank_hash": row.bank_hash,
        "rules": row.rules,
        "created_by": row.created_by,
        "owner_id": row.owner_id,
    }


def _round(row: RoundRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "competition_id": row.competition_id,
        "code": row.code,
        "watch_code": row.watch_code,
        "seed": row.seed,
        "paper": row.paper,
        "settings": row.settings,
        "status": row.status,
    }


def _answer(r: AnswerRow) -> dict[str, Any]:
    return {
        "contestant": r.contestant,
        "question_index": r.question_index,
        "question_key": r.question_key,
        "response": r.response,
        "correct": r.correct,
        "credit": r.credit,
        "points": r.points,
        "response_ms": r.response_ms,
        "answered_at_ms": r.answered_at_ms,
        "voided": r.voided,
    }
