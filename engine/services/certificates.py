"""Certificates of a finished round: the plan, issuing, revoking, verifying, rendering.

Issuing is idempotent: a contestant gets each template once, however often an organiser
issues (a later plan change issues what it adds, never re-issues or changes what was
issued). An issued certificate's content is a copy of what it says, so it reads the
same after the plan, the round or the nickname changes.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from engine.domain.certificates import (
    LOCALES,
    Award,
    CertificatePlan,
    CertificatePlanError,
    Sheet,
    Standing,
    awards,
    localised,
    new_serial,
    normal_serial,
    parse_plan,
    sheet,
)
from engine.ports import CertificateStore, MediaStore, RoundRepository
from engine.services.competitions import Competitions
from engine.services.errors import Conflict, Invalid, NotFound
from engine.services.result_tables import certificates_table
from engine.services.results import csv_cell

#: Certificates are dated in the contests' own time zone (China Standard Time, no DST).
CONTEST_TIME = timezone(timedelta(hours=8))
SEAL_MIMES = {"image/png", "image/jpeg"}
MAX_REASON = 500

Renderer = Callable[[Sheet, bytes | None], bytes]


@dataclass
class Certificates:
    store: CertificateStore
    record: RoundRepository
    competitions: Competitions
    media: MediaStore
    render_pdf: Renderer
    render_png: Renderer
    #: Serial numbers must be unguessable: the system's randomness unless a test says.
    rng: random.Random = field(default_factory=random.SystemRandom)

    # --- the plan -------------------------------------------------------------------

    def plan(self, round_id: int) -> dict[str, Any]:
        self.competitions.plan(round_id)  # 404 for a round that does not exist
        plan = self.store.plan(round_id)
        if plan is None:
            raise NotFound("The round has no certificate plan yet.", reason="no_plan")
        return plan

    def set_plan(self, round_id: int, data: Any, by: str | None) -> dict[str, Any]:
        """Validate and store the round's plan; certificates issued before keep theirs."""
        self.competitions.plan(round_id)
        try:
            plan = parse_plan(data)
        except CertificatePlanError as error:
            raise Invalid(str(error), error.fields) from error
        self.check_seals(plan)
        self.store.save_plan(round_id, plan.to_dict(), by)
        return plan.to_dict()

    def check_seals(self, plan: CertificatePlan) -> None:
        """Invalid naming ``templates.N.seal`` unless each seal is a stored picture."""
        wrong = {}
        for index, template in enumerate(plan.templates):
            if template.seal is None:
                continue
            found = self.media.get(template.seal)
            if found is None or found[0].mime not in SEAL_MIMES:
                wrong[f"templates.{index}.seal"] = ["no PNG or JPEG picture with that SHA-256"]
        if wrong:
            raise Invalid("The certificate plan has invalid fields.", wrong)

    # --- issuing and revoking -------------------------------------------------------

    def issue(self, round_id: int, now_ms: int) -> list[dict[str, Any]]:
        """Issue what the finished round's standings earn and was not issued yet; the
        certificates issued by this call (none when called again)."""
        title = self.competitions.plan(round_id).title
        round_row = self.record.round(round_id)
        if round_row is None or round_row["status"] != "finished":
            raise Conflict(
                "Certificates are issued once the round has finished.", reason="not_finished"
            )
        plan = parse_plan(self.plan(round_id))
        standings = [
            Standing(
                row["contestant"],
                row["nickname"],
                None if row.get("banned") else row["rank"],
                row["points"],
                row.get("region"),
                row.get("team"),
            )
            for row in self.record.standings(round_id)
        ]
        issued_keys = self.store.issued_keys(round_id)
        new = [
            issued(award, title, self.rng, now_ms, round_id=round_id)
            for award in awards(plan, standings)
            if (award.standing.contestant, award.template.key) not in issued_keys
        ]
        self.add_issued(new)
        return new

    def add_issued(self, new: list[dict[str, Any]]) -> None:
        """Store new certificates all or none: the database's unique keys refuse a batch
        racing another that issued one of them (Conflict, "issue again")."""
        if new and not self.store.add(new):
            raise Conflict(
                "Certificates were being issued at the same time: issue again.",
                reason="issued_concurrently",
            )

    def revoke(self, serial: str, reason: str, now_ms: int) -> dict[str, Any]:
        """Mark a certificate revoked (e.g. after a cheating review); its content stays."""
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON:
            raise Invalid(
                "The request has invalid fields.", {"reason": [f"1-{MAX_REASON} characters"]}
            )
        certificate = self.certificate(serial)
        self.store.revoke(certificate["serial"], now_ms, reason)
        return self.certificate(serial)

    # --- reading --------------------------------------------------------------------

    def certificate(self, serial: str) -> dict[str, Any]:
        normal = normal_serial(serial)
        found = None if normal is None else self.store.get(normal)
        if found is None:
            raise NotFound("No certificate has that serial number.")
        return found

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        self.competitions.plan(round_id)
        return self.store.of_round(round_id)

    def mine(self, round_id: int, contestant: str) -> list[dict[str, Any]]:
        return self.store.of_contestant(round_id, contestant)

    def verification(self, serial: str) -> dict[str, Any]:
        """What anyone may know of a certificate: no contestant id, points or rank."""
        certificate = self.certificate(serial)
        content = certificate["content"]
        return {
            "serial": certificate["serial"],
            "status": "revoked" if certificate["revoked_at_ms"] is not None else "valid",
            "holder": content["holder"],
            "award": {locale: localised(content["award"], locale) for locale in LOCALES},
            "title": {locale: localised(content["title"], locale) for locale in LOCALES},
            "issuer": {locale: localised(content["issuer"], locale) for locale in LOCALES},
            "contest": content["contest"],
            "date": content["date"],
            "revoked_at_ms": certificate["revoked_at_ms"],
        }

    def document(
        self, serial: str, round_id: int, contestant: str, kind: str, locale: str, verify_url: str
    ) -> bytes:
        """The holder's certificate as ``pdf`` or ``png``; not found for anyone else."""
        certificate = self.certificate(serial)
        if (certificate["round_id"], certificate["contestant"]) != (round_id, contestant):
            raise NotFound("No certificate has that serial number.")
        return self.render(certificate, kind, locale, verify_url)

    def render(self, certificate: dict[str, Any], kind: str, locale: str, verify_url: str) -> bytes:
        """A certificate (a round's or a campaign's) as ``pdf`` or ``png`` in ``locale``."""
        content = certificate["content"]
        seal = self.media.get(content["seal"]) if content.get("seal") else None
        worded = sheet(content, certificate["serial"], locale, verify_url)
        render = self.render_pdf if kind == "pdf" else self.render_png
        return render(worded, None if seal is None else seal[1])

    def csv(self, round_id: int, locale: str = "zh-Hans") -> str:
        """The round's certificates as CSV rows."""
        return certificates_csv(self.of_round(round_id), locale)


def issued(
    award: Award, contest: str, rng: random.Random, now_ms: int, **owner: int | None
) -> dict[str, Any]:
    """A new certificate's record: what it says copied from the template and standing
    (dated the day of issue in contest time unless the template gives a date), held by
    ``owner`` (``round_id``, or ``campaign_id`` and ``stage``)."""
    today = datetime.fromtimestamp(now_ms / 1000, CONTEST_TIME).date().isoformat()
    return {
        "serial": new_serial(rng),
        "round_id": None,
        **owner,
        "contestant": award.standing.contestant,
        "template": award.template.key,
        "content": {
            "holder": award.standing.nickname,
            "contest": contest,
            "award": award.template.award,
            "title": award.template.title,
            "issuer": award.template.issuer,
            "date": award.template.date or today,
            "seal": award.template.seal,
            "group": award.template.group,
            "rule": award.template.rule.to_dict(),
            "points": award.standing.points,
            "rank": award.rank,
        },
        "issued_at_ms": now_ms,
        "revoked_at_ms": None,
        "revoke_reason": None,
    }


def certificates_csv(certificates: list[dict[str, Any]], locale: str) -> str:
    """Certificates as CSV rows (formula-like cells neutralised), the columns of the
    .xlsx export under their machine names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    found = certificates_table(certificates, locale)
    writer.writerow(found.columns)
    for row in found.rows:
        writer.writerow(csv_cell(value) for value in row)
    return "\ufeff" + out.getvalue()
