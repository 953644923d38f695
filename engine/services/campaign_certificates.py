"""Certificates of a campaign's stages: a plan per stage, issued from the stage's
standings under its attempt rule, held by registrations.

The rules are the rounds' (``engine.domain.certificates``) with the campaign's boards:
rank rules name ``all``, ``city`` (the city of the registration's place) or ``unit``
(the registration's own unit). The standings are the counted scores the campaign's
participation and advancement read (``attempts.stage_standings``), ranked by the
engine's rule. Issuing is idempotent per (stage, registration, template), and the
certificates share the rounds' serials, rendering, revocation and verification.

Uses of the campaign service (``engine.services.campaigns``): ``Campaigns.view`` (the
campaign and its stages, 404), ``Campaigns.places``, ``Registrations.registration_of``,
``Campaigns.rounds.finished`` and the ``Campaigns.campaigns`` repository's
``registrations`` and ``stage_attempts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.domain.attempts import Attempt, AttemptRule
from engine.domain.certificates import (
    CAMPAIGN_SCOPES,
    CertificatePlanError,
    Registered,
    Standing,
    awards,
    campaign_standings,
    parse_plan,
)
from engine.ports import CampaignCertificateStore
from engine.services.campaigns import Campaigns
from engine.services.certificates import Certificates, issued
from engine.services.errors import Conflict, Invalid, NotFound
from engine.services.registrations import Registrations


@dataclass
class CampaignCertificates:
    campaigns: Campaigns
    registrations: Registrations
    store: CampaignCertificateStore
    #: The rounds' certificates: seal checks, serials, documents, revoking.
    certificates: Certificates

    def plan(self, campaign_id: int, position: int) -> dict[str, Any]:
        self._stage(campaign_id, position)
        plan = self.store.campaign_plan(campaign_id, position)
        if plan is None:
            raise NotFound("The stage has no certificate plan yet.", reason="no_plan")
        return plan

    def set_plan(
        self, campaign_id: int, position: int, data: Any, by: str | None
    ) -> dict[str, Any]:
        """Validate and store the stage's plan; certificates issued before keep theirs."""
        self._stage(campaign_id, position)
        try:
            plan = parse_plan(data, CAMPAIGN_SCOPES)
        except CertificatePlanError as error:
            raise Invalid(str(error), error.fields) from error
        self.certificates.check_seals(plan)
        self.store.save_campaign_plan(campaign_id, position, plan.to_dict(), by)
        return plan.to_dict()

    def issue(self, campaign_id: int, position: int, now_ms: int) -> list[dict[str, Any]]:
        """Issue what the closed stage's standings earn and was not issued yet; the
        certificates issued by this call (none when called again)."""
        campaign, stage = self._stage(campaign_id, position)
        if not all(self.campaigns.rounds.finished(r) for r in stage["rounds"]):
            raise Conflict(
                "Certificates are issued once every round of the stage has finished.",
                {"stage": ["rounds still running"]},
                reason="not_finished",
            )
        plan = parse_plan(self.plan(campaign_id, position), CAMPAIGN_SCOPES)
        issued_keys = self.store.campaign_issued_keys(campaign_id, position)
        contest = f"{campaign['title']} · {stage['title']}"
        new = [
            issued(
                award,
                contest,
                self.certificates.rng,
                now_ms,
                campaign_id=campaign_id,
                stage=position,
            )
            for award in awards(plan, self.standings(campaign_id, position))
            if (award.standing.contestant, award.template.key) not in issued_keys
        ]
        self.certificates.add_issued(new)
        return new

    def standings(self, campaign_id: int, position: int) -> list[Standing]:
        """The stage's standings as the rules read them (``campaign_standings``)."""
        _, stage = self._stage(campaign_id, position)
        places = self.campaigns.places(campaign_id)
        registered = {
            str(r["id"]): Registered(
                r["nickname"],
                None if r["place"] is None else places.city_of(r["place"]).code,
                None if r["unit_id"] is None else str(r["unit_id"]),
            )
            for r in self.campaigns.campaigns.registrations(campaign_id)
        }
        histories: dict[str, list[Attempt]] = {}
        for made in self.campaigns.campaigns.stage_attempts(campaign_id, stage["rounds"]):
            histories.setdefault(str(made["registration"]), []).append(
                Attempt(made["started_ms"], made["points"], made["total_ms"], made["practice"])
            )
        rule = AttemptRule(**stage["attempt_rule"])
        return campaign_standings(rule, histories, registered)

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]:
        self.campaigns.view(campaign_id)  # 404 for a campaign that does not exist
        return self.store.of_campaign(campaign_id)

    def mine(self, campaign_id: int, token: str) -> list[dict[str, Any]]:
        """The certificates of the registration a registration token stands for."""
        registration = self.registrations.registration_of(campaign_id, token)
        return self.store.of_registration(campaign_id, str(registration["id"]))

    def document(
        self, serial: str, campaign_id: int, token: str, kind: str, locale: str, verify_url: str
    ) -> bytes:
        """The holder's certificate as ``pdf`` or ``png``; not found for anyone else."""
        registration = self.registrations.registration_of(campaign_id, token)
        certificate = self.certificates.certificate(serial)
        if (certificate["campaign_id"], certificate["contestant"]) != (
            campaign_id,
            str(registration["id"]),
        ):
            raise NotFound("No certificate has that serial number.")
        return self.certificates.render(certificate, kind, locale, verify_url)

    def _stage(self, campaign_id: int, position: int) -> tuple[dict[str, Any], dict[str, Any]]:
        campaign = self.campaigns.view(campaign_id)
        stages = campaign["stages"]
        if not 1 <= position <= len(stages):
            raise NotFound(f"The campaign has no stage {position}.")
        return campaign, stages[position - 1]
