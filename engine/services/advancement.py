"""Who advances from a stage (docs/campaigns.md "Qualifiers"): the stage's advancement
rule over its standings under the attempt rule, reviewed and confirmed by organisers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.domain.accounts import Organiser
from engine.domain.advancement import AdvancementRule, Group, StageResult, qualify
from engine.domain.attempts import Attempt, AttemptRule, counted_score
from engine.ports import CampaignRepository, CampaignRounds
from engine.services.campaigns import Campaigns
from engine.services.errors import Conflict, Invalid


@dataclass
class Advancement:
    campaigns: Campaigns
    repository: CampaignRepository
    rounds: CampaignRounds

    def qualifiers(self, campaign_id: int, position: int) -> dict[str, Any]:
        """Who advances from the stage under its advancement rule, as things stand
        (ties at the cut all qualify, marked): for organisers to review."""
        stage = self.campaigns.stage(campaign_id, position)
        if stage["advancement"] is None:
            raise Conflict("The stage has no advancement rule.", {"advancement": ["none"]})
        rule = AttemptRule(**stage["attempt_rule"])
        places = self.campaigns.places(campaign_id)
        units = {u["id"]: u["name"] for u in self.repository.units(campaign_id)}
        registrations = {r["id"]: r for r in self.repository.registrations(campaign_id)}
        results = []
        for registration, history in stage_histories(self.repository, campaign_id, stage).items():
            score = counted_score(rule, history)
            if score is None:
                continue
            place, unit = (
                registrations[registration]["place"],
                registrations[registration]["unit_id"],
            )
            city = None if place is None else places.city_of(place).code
            unit_code = None if unit is None else str(unit)
            results.append(StageResult(str(registration), city, unit_code, *score))
        advancement = AdvancementRule(**stage["advancement"])
        found = qualify(advancement, results)

        def group_name(code: str | None) -> str | None:
            if code is None:
                return None
            if advancement.per is Group.UNIT:
                return units[int(code)]
            return places.get(code).name["zh-Hans"]

        return {
            "stage": position,
            "advancement": stage["advancement"],
            "qualifiers": [
                {
                    "registration": int(q.contestant),
                    "nickname": registrations[int(q.contestant)]["nickname"],
                    "group": q.group,
                    "group_name": group_name(q.group),
                    "rank": q.rank,
                    "points": q.points,
                    "total_ms": q.total_ms,
                    "tied_at_cut": q.tied_at_cut,
                }
                for q in found.qualifiers
            ],
            "ungrouped": [int(c) for c in found.ungrouped],
        }

    def confirm_qualifiers(
        self,
        organiser: Organiser,
        campaign_id: int,
        position: int,
        registrations: Sequence[int] | None,
    ) -> dict[str, Any]:
        """Confirm who advances once every round of the stage has finished: all the
        qualifiers, or those of them the organiser keeps (e.g. a tie at the cut trimmed
        by a published criterion). Only they may start the next stage's attempts."""
        stage = self.campaigns.stage(campaign_id, position)
        computed = [q["registration"] for q in self.qualifiers(campaign_id, position)["qualifiers"]]
        if not all(self.rounds.finished(r) for r in stage["rounds"]):
            raise Conflict(
                "Qualifiers are confirmed once every round of the stage has finished.",
                {"stage": ["rounds still running"]},
            )
        chosen = computed if registrations is None else list(dict.fromkeys(registrations))
        strangers = [r for r in chosen if r not in computed]
        if strangers:
            shown = ", ".join(map(str, strangers))
            raise Invalid(
                "Only qualifiers can be confirmed.",
                {"registrations": [f"{shown}: not among the qualifiers"]},
            )
        self.repository.confirm_qualifiers(stage["id"], chosen, organiser.username)
        return {"stage": position, "confirmed": self.repository.confirmed_qualifiers(stage["id"])}


def stage_histories(
    repository: CampaignRepository, campaign_id: int, stage: Mapping[str, Any]
) -> dict[int, list[Attempt]]:
    """Each registration's attempts in the stage with what they scored, from the answers
    drained to SQL: the record standings, qualifiers and the recount are computed from."""
    histories: dict[int, list[Attempt]] = {}
    for made in repository.stage_attempts(campaign_id, stage["rounds"]):
        attempt = Attempt(made["started_ms"], made["points"], made["total_ms"], made["practice"])
        histories.setdefault(made["registration"], []).append(attempt)
    return histories
