"""Participation and unit rankings of a campaign's stage (docs/campaigns.md
"Participation and rankings").

The table is **live**: each counted attempt made its registration a participant of the
stage once, in its unit's count, in the entry's own SQL transaction
(``CampaignRepository.add_entry``). A table is then a roll-up of a row per unit over the
roster's tree, kept per process once the roster can no longer change (someone took
part, so someone registered: the roster is frozen). ``recount=True`` computes the same
table from the record instead (every registration's attempts, under the attempt rule):
the path that checks the live one, and the one rankings take, as they weigh the points
the answers scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.domain.attempts import AttemptRule
from engine.domain.participation import (
    Figures,
    ParticipationError,
    UnitTree,
    Weighting,
    rank_units,
    stage_participants,
)
from engine.domain.participation import Participation as Counted
from engine.domain.participation import Place as CountedPlace
from engine.domain.participation import Unit as CountedUnit
from engine.domain.places import PlaceTree
from engine.ports import CampaignRepository
from engine.services.advancement import stage_histories
from engine.services.campaigns import Campaigns
from engine.services.errors import Conflict, Invalid

GROUPINGS = ("unit", "district", "city")


@dataclass(frozen=True)
class _Roster:
    """A campaign's places and units, and its units' tree to roll figures up."""

    places: PlaceTree
    units: list[dict[str, Any]]
    tree: UnitTree


@dataclass
class CampaignParticipation:
    campaigns: Campaigns
    repository: CampaignRepository
    #: Rosters that can no longer change, by campaign id.
    _rosters: dict[int, _Roster] = field(default_factory=dict, init=False, repr=False)

    def participation(
        self, campaign_id: int, by: str, stage: int = 1, *, recount: bool = False
    ) -> dict[str, Any]:
        """Participants (registrations with a counted attempt in the stage), headcount
        and rate per unit (with its sub-units), district or city, and the campaign's:
        as counted live, or (``recount``) computed from the record."""
        if by not in GROUPINGS:
            raise Invalid("Unknown grouping.", {"by": [f"one of {', '.join(GROUPINGS)}"]})
        if recount:
            roster, counted, unplaced = self._recounted(campaign_id, stage)
        else:
            counts = self.repository.participant_counts(
                self.campaigns.stage(campaign_id, stage)["id"]
            )
            roster = self._roster(campaign_id, frozen=bool(counts))
            counted = roster.tree.roll_up(
                {str(u): Figures(participants=n) for u, n in counts.items() if u is not None}
            )
            unplaced = counts.get(None, 0)
        if by == "unit":
            rows = [
                {"code": str(u["id"]), "name": u["name"], **_figures(counted.units[str(u["id"])])}
                for u in roster.units
            ]
        else:
            found = counted.districts if by == "district" else counted.cities
            rows = [
                {
                    "code": p.code,
                    "name": p.name["zh-Hans"],
                    **_figures(found.get(p.code, Figures())),
                }
                for p in roster.places.places
                if (p.parent is None) == (by == "city")
            ]
        return {
            "by": by,
            "stage": stage,
            "rows": rows,
            "campaign": _figures(counted.campaign),
            "without_unit": unplaced,
        }

    def rankings(self, campaign_id: int, stage: int = 1) -> dict[str, Any]:
        """The top-level units ranked by the campaign's weighting (from the record: the
        mean weighs the points the answers scored)."""
        weighting = Weighting(**self.campaigns.campaign(campaign_id)["weighting"])
        roster, counted, _ = self._recounted(campaign_id, stage)
        top = {
            str(u["id"]): counted.units[str(u["id"])]
            for u in roster.units
            if u["parent_id"] is None
        }
        max_points = self.campaigns.stage(campaign_id, stage)["max_points"]
        if weighting.mean and max_points is None:
            raise Conflict(
                "The weighting weighs the mean score: give the stage its max_points.",
                {"max_points": ["needed to weigh the mean score"]},
            )
        names = {str(u["id"]): u["name"] for u in roster.units}
        return {
            "stage": stage,
            "weighting": weighting.__dict__,
            "rows": [
                {
                    "code": r.unit,
                    "name": names[r.unit],
                    "rank": r.rank,
                    "score": float(r.score),
                    "rate": None if r.rate is None else float(r.rate),
                    "mean_points": None if r.mean_points is None else float(r.mean_points),
                    "participants": r.participants,
                }
                for r in rank_units(top, weighting, max_points)
            ],
        }

    def _recounted(self, campaign_id: int, position: int) -> tuple[_Roster, Counted, int]:
        """The stage's figures from every registration's attempts and their points;
        and how many participants have no unit."""
        stage = self.campaigns.stage(campaign_id, position)
        rule = AttemptRule(**stage["attempt_rule"])
        roster = self._roster(campaign_id, frozen=False)
        unit_of = self.repository.registration_units(campaign_id)
        histories = {
            str(r): h for r, h in stage_histories(self.repository, campaign_id, stage).items()
        }
        placed = {c: h for c, h in histories.items() if unit_of.get(int(c)) is not None}
        participants = stage_participants(rule, {c: str(unit_of[int(c)]) for c in placed}, placed)
        everyone = stage_participants(rule, dict.fromkeys(histories, ""), histories)
        try:
            counted = roster.tree.count(participants)
        except ParticipationError as error:  # the stored roster was checked on import
            raise Conflict(str(error)) from error
        return roster, counted, len(everyone) - len(participants)

    def _roster(self, campaign_id: int, *, frozen: bool) -> _Roster:
        """The campaign's roster and tree; kept once ``frozen`` (no import may replace
        units once people registered, nor change places once units are imported)."""
        kept = self._rosters.get(campaign_id)
        if kept is not None:
            return kept
        places = self.campaigns.places(campaign_id)
        units = self.repository.units(campaign_id)
        within = {u["id"]: 0 for u in units}
        for u in units:
            if u["parent_id"] is not None:
                within[u["parent_id"]] += u["headcount"]
        try:
            tree = UnitTree(
                [CountedPlace(p.code, places.city_of(p.code).code) for p in places.places],
                [
                    # A roster's headcount counts sub-units' members; here each unit's own.
                    CountedUnit(
                        str(u["id"]),
                        None if u["parent_id"] is None else str(u["parent_id"]),
                        u["place"],
                        u["headcount"] - within[u["id"]],
                    )
                    for u in units
                ],
            )
        except ParticipationError as error:  # the stored roster was checked on import
            raise Conflict(str(error)) from error
        roster = _Roster(places, units, tree)
        if frozen and units:  # units imported: the places cannot change either
            self._rosters[campaign_id] = roster
        return roster


def _figures(f: Figures) -> dict[str, Any]:
    # Integer division is correctly rounded, as float(f.rate) is, without a Fraction each
    # of thousands of rows.
    return {
        "participants": f.participants,
        "headcount": f.headcount,
        "rate": f.participants / f.headcount if f.headcount else None,
    }
