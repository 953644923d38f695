"""Question banks in SQL: drafts, stable question identities, immutable versions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import (
    BankRow,
    BankVersionQuestionRow,
    BankVersionRow,
    QuestionRow,
    QuestionVersionRow,
)
from engine.domain.bankinfo import BankSummary, VersionInfo
from engine.domain.canonical import canonical_question, question_from_dict
from engine.domain.questions import BankContent, localized


class SqlBankRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    def create(self, slug: str, title: dict[str, str], default_locale: str, draft: dict) -> None:
        with self._db.session() as session, session.begin():
            session.add(BankRow(slug=slug, title=title, default_locale=default_locale, draft=draft))

    def exists(self, slug: str) -> bool:
        with self._db.session() as session:
            return session.scalar(select(BankRow.id).where(BankRow.slug == slug)) is not None

    def summaries(self) -> list[BankSummary]:
        with self._db.session() as session:
            rows = session.scalars(select(BankRow).order_by(BankRow.slug)).all()
            return [self._summary(session, row) for row in rows]

    def summary(self, slug: str) -> BankSummary | None:
        with self._db.session() as session:
            row = _bank(session, slug)
            return None if row is None else self._summary(session, row)

    def draft(self, slug: str) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = _bank(session, slug)
            return None if row is None else row.draft

    def save_draft(self, slug: str, draft: dict[str, Any]) -> None:
        with self._db.session() as session, session.begin():
            row = _bank(session, slug)
            assert row is not None, "the service checks the bank exists"
            row.draft = draft
            row.title = draft["title"]
            row.default_locale = draft["default_locale"]

    def versions(self, slug: str) -> list[VersionInfo]:
        with self._db.session() as session:
            rows = session.scalars(
                select(BankVersionRow)
                .join(BankRow, BankRow.id == BankVersionRow.bank_id)
                .where(BankRow.slug == slug)
                .order_by(BankVersionRow.number)
            )
            return [_version_info(slug, row) for row in rows]

    def version_content(self, slug: str, number: int) -> BankContent | None:
        with self._db.session() as session:
            version = session.scalar(
                select(BankVersionRow)
                .join(BankRow, BankRow.id == BankVersionRow.bank_id)
                .where(BankRow.slug == slug, BankVersionRow.number == number)
            )
            if version is None:
                return None
            contents = session.scalars(
                select(QuestionVersionRow.content)
                .join(
                    BankVersionQuestionRow,
                    BankVersionQuestionRow.question_version_id == QuestionVersionRow.id,
                )
                .where(BankVersionQuestionRow.bank_version_id == version.id)
                .order_by(BankVersionQuestionRow.position)
            ).all()
            questions = []
            for content in contents:
                question, problems = question_from_dict(content)
                assert question is not None, problems  # stored content was valid
                questions.append(question)
            return BankContent(
                slug=slug,
                title=localized(version.title),
                default_locale=version.default_locale,
                questions=tuple(questions),
            )

    def publish(
        self,
        slug: str,
        content: BankContent,
        question_hashes: list[str],
        bank_hash: str,
        published_by: str | None,
        draft: dict[str, Any] | None = None,
    ) -> tuple[VersionInfo, bool]:
        """Store ``content`` as the next version unless the latest already has its hash.

        With ``draft`` (an import), the bank is created if new and its draft replaced,
        in the same transaction. Returns the version and whether it was created. Only
        question contents not stored before are inserted, so a one-question change to a
        large bank writes one question version and the membership list.
        """
        with self._db.session() as session, session.begin():
            bank = session.scalar(select(BankRow).where(BankRow.slug == slug).with_for_update())
            if draft is not None:
                if bank is None:
                    bank = BankRow(slug=slug, title={}, default_locale="", draft={})
                    session.add(bank)
                bank.draft = draft
                bank.title = draft["title"]
                bank.default_locale = draft["default_locale"]
                session.flush()
            assert bank is not None, "the service checks the bank exists"
            latest = session.scalar(
                select(BankVersionRow)
                .where(BankVersionRow.bank_id == bank.id)
                .order_by(BankVersionRow.number.desc())
                .limit(1)
            )
            if latest is not None and latest.hash == bank_hash:
                return _version_info(slug, latest), False
            version_ids = _question_version_ids(session, bank.id, content, question_hashes)
            version = BankVersionRow(
                bank_id=bank.id,
                number=(latest.number + 1) if latest else 1,
                hash=bank_hash,
                title=dict(content.title),
                default_locale=content.default_locale,
                question_count=len(content.questions),
                published_by=published_by,
            )
            session.add(version)
            session.flush()
            if version_ids:
                session.execute(
                    insert(BankVersionQuestionRow),
                    [
                        {"bank_version_id": version.id, "position": i, "question_version_id": v}
                        for i, v in enumerate(version_ids)
                    ],
                )
            return _version_info(slug, version), True

    def _summary(self, session: Session, row: BankRow) -> BankSummary:
        latest = session.execute(
            select(func.max(BankVersionRow.number), func.count(BankVersionRow.id)).where(
                BankVersionRow.bank_id == row.id
            )
        ).one()
        latest_hash = None
        if latest[0] is not None:
            latest_hash = session.scalar(
                select(BankVersionRow.hash).where(
                    BankVersionRow.bank_id == row.id, BankVersionRow.number == latest[0]
                )
            )
        return BankSummary(
            slug=row.slug,
            title=dict(row.title),
            default_locale=row.default_locale,
            draft_questions=len(row.draft.get("questions", [])),
            latest_version=latest[0],
            latest_hash=latest_hash,
            versions=latest[1],
        )


def _bank(session: Session, slug: str) -> BankRow | None:
    return session.scalar(select(BankRow).where(BankRow.slug == slug))


def _question_version_ids(
    session: Session, bank_id: int, content: BankContent, hashes: list[str]
) -> list[int]:
    """Ids of each question's version, creating identities and versions not yet stored."""
    identities = _identities(session, bank_id)
    new_keys = [q.key for q in content.questions if q.key not in identities]
    if new_keys:
        session.execute(insert(QuestionRow), [{"bank_id": bank_id, "key": k} for k in new_keys])
        identities = _identities(session, bank_id)
    stored = {
        (question_id, digest): version_id
        for version_id, question_id, digest in session.execute(
            select(QuestionVersionRow.id, QuestionVersionRow.question_id, QuestionVersionRow.hash)
            .join(QuestionRow, QuestionRow.id == QuestionVersionRow.question_id)
            .where(QuestionRow.bank_id == bank_id)
        )
    }
    wanted = [(identities[q.key], h, q) for q, h in zip(content.questions, hashes, strict=True)]
    missing = [
        {"question_id": qid, "hash": digest, "content": canonical_question(q)}
        for qid, digest, q in wanted
        if (qid, digest) not in stored
    ]
    if missing:
        session.execute(insert(QuestionVersionRow), missing)
        stored.update(
            {
                (question_id, digest): version_id
                for version_id, question_id, digest in session.execute(
                    select(
                        QuestionVersionRow.id,
                        QuestionVersionRow.question_id,
                        QuestionVersionRow.hash,
                    ).where(QuestionVersionRow.question_id.in_({m["question_id"] for m in missing}))
                )
            }
        )
    return [stored[(qid, digest)] for qid, digest, _ in wanted]


def _identities(session: Session, bank_id: int) -> dict[str, int]:
    rows = session.execute(
        select(QuestionRow.key, QuestionRow.id).where(QuestionRow.bank_id == bank_id)
    )
    return dict(rows.all())  # dict(rows) would take Result.keys() for a mapping


def _version_info(slug: str, row: BankVersionRow) -> VersionInfo:
    return VersionInfo(
        slug=slug,
        number=row.number,
        hash=row.hash,
        question_count=row.question_count,
        published_by=row.published_by,
        published_at=row.published_at.isoformat() if row.published_at else None,
    )
