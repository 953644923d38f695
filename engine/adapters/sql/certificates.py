"""Certificate plans and issued certificates in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import (
    CampaignCertificatePlanRow,
    CertificatePlanRow,
    CertificateRow,
)


class SqlCertificateStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    def plan(self, round_id: int) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(CertificatePlanRow, round_id)
            return None if row is None else row.plan

    def save_plan(self, round_id: int, plan: dict[str, Any], by: str | None) -> None:
        with self._db.session() as session, session.begin():
            row = session.get(CertificatePlanRow, round_id)
            if row is None:
                session.add(CertificatePlanRow(round_id=round_id, plan=plan, updated_by=by))
            else:
                row.plan, row.updated_by = plan, by

    def issued_keys(self, round_id: int) -> set[tuple[str, str]]:
        """(contestant, template) of every certificate the round has issued."""
        with self._db.session() as session:
            rows = session.execute(
                select(CertificateRow.contestant, CertificateRow.template).where(
                    CertificateRow.round_id == round_id
                )
            )
            return {(contestant, template) for contestant, template in rows}

    def campaign_plan(self, campaign_id: int, stage: int) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(CampaignCertificatePlanRow, (campaign_id, stage))
            return None if row is None else row.plan

    def save_campaign_plan(
        self, campaign_id: int, stage: int, plan: dict[str, Any], by: str | None
    ) -> None:
        with self._db.session() as session, session.begin():
            row = session.get(CampaignCertificatePlanRow, (campaign_id, stage))
            if row is None:
                session.add(
                    CampaignCertificatePlanRow(
                        campaign_id=campaign_id, stage=stage, plan=plan, updated_by=by
                    )
                )
            else:
                row.plan, row.updated_by = plan, by

    def campaign_issued_keys(self, campaign_id: int, stage: int) -> set[tuple[str, str]]:
        """(registration, template) of every certificate the stage has issued."""
        with self._db.session() as session:
            rows = session.execute(
                select(CertificateRow.contestant, CertificateRow.template).where(
                    CertificateRow.campaign_id == campaign_id, CertificateRow.stage == stage
                )
            )
            return {(registration, template) for registration, template in rows}

    def add(self, certificates: Iterable[dict[str, Any]]) -> bool:
        """Insert all of them in one transaction; False (nothing inserted) when one was
        issued meanwhile (the same contestant and template) or its serial is taken."""
        try:
            with self._db.session() as session, session.begin():
                session.add_all(CertificateRow(**certificate) for certificate in certificates)
        except IntegrityError:
            return False
        return True

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        return self._many(CertificateRow.round_id == round_id)

    def of_contestant(self, round_id: int, contestant: str) -> list[dict[str, Any]]:
        return self._many(
            CertificateRow.round_id == round_id, CertificateRow.contestant == contestant
        )

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]:
        return self._many(CertificateRow.campaign_id == campaign_id)

    def of_registration(self, campaign_id: int, registration: str) -> list[dict[str, Any]]:
        return self._many(
            CertificateRow.campaign_id == campaign_id, CertificateRow.contestant == registration
        )

    def get(self, serial: str) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(CertificateRow, serial)
            return None if row is None else _certificate(row)

    def revoke(self, serial: str, at_ms: int, reason: str) -> None:
        """Mark it revoked, once: a second revocation keeps the first time and reason."""
        with self._db.session() as session, session.begin():
            session.execute(
                update(CertificateRow)
                .where(CertificateRow.serial == serial, CertificateRow.revoked_at_ms.is_(None))
                .values(revoked_at_ms=at_ms, revoke_reason=reason)
            )

    def _many(self, *where: Any) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(CertificateRow)
                .where(*where)
                .order_by(CertificateRow.issued_at_ms, CertificateRow.serial)
            )
            return [_certificate(row) for row in rows]


def _certificate(row: CertificateRow) -> dict[str, Any]:
    return {
        "serial": row.serial,
        "round_id": row.round_id,
        "campaign_id": row.campaign_id,
        "stage": row.stage,
        "contestant": row.contestant,
        "template": row.template,
        "content": row.content,
        "issued_at_ms": row.issued_at_ms,
        "revoked_at_ms": row.revoked_at_ms,
        "revoke_reason": row.revoke_reason,
    }
