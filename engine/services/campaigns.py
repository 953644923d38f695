"""Campaigns (docs/campaigns.md): the campaign and its settings, organisers, stages of
existing rounds, places and units. The rest of the layer builds on this service:
registrations (``registrations.py``), attempts at stages (``campaign_entries.py``),
participation (``participation.py``) and advancement (``advancement.py``).

Every organiser operation first asks :meth:`Campaigns.hosting`; to an organiser who does
not organise the campaign it does not exist (NotFound, as for a missing id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.domain.accounts import Capability, Organiser, Role
from engine.domain.advancement import AdvancementError, AdvancementRule
from engine.domain.attempts import AttemptRule, AttemptRuleError
from engine.domain.bankfiles import FileProblem
from engine.domain.identity import fold
from engine.domain.ownership import Hosting, cohost_problem
from engine.domain.participation import ParticipationError, Weighting
from engine.domain.places import PlaceTree, guangdong
from engine.domain.units import Roster, Unit, folded
from engine.ports import (
    CampaignRepository,
    CampaignRounds,
    MemberListReader,
    RosterReader,
    UserRepository,
)
from engine.services.errors import Conflict, Forbidden, Invalid, NotFound
from engine.services.ownership import organiser_named

#: Fields a registration may ask for, besides the nickname everyone gives.
FIELDS = ("name", "phone", "place", "unit", "school", "grade")
IDENTITY_RULES = ("none", "roster", "id_number")
DEFAULT_REGISTRATION: dict[str, Any] = {"fields": {"name": "optional"}, "identity": "none"}

KeyedHash = Callable[[int, str, str], str]


@dataclass
class Campaigns:
    campaigns: CampaignRepository
    users: UserRepository
    rounds: CampaignRounds
    #: Who hosts a competition: a stage takes only rounds its organiser hosts.
    hosts_competition: Callable[[Organiser, int], Hosting]
    #: The instance's keyed hash (``EntryGate.keyed_hash``): members kept only so.
    keyed_hash: KeyedHash
    read_roster: RosterReader
    read_members: MemberListReader

    # -- the campaign --------------------------------------------------------------------

    def create(self, organiser: Organiser, settings: Mapping[str, Any]) -> dict[str, Any]:
        """A new campaign owned by ``organiser``, who must be one who hosts rounds."""
        if not organiser.may(Capability.ROUNDS):
            raise Forbidden(f"The {organiser.role} role may not organise campaigns.")
        fields = _settings(settings)
        made = self.campaigns.add(**fields, owner_id=organiser.id, created_by=organiser.username)
        return self.view(made["id"])

    def hosting(self, organiser: Organiser, campaign_id: int) -> Hosting:
        found = self.campaigns.hosting(campaign_id)
        if found is None or not found.may_host(organiser):
            raise NotFound(f"There is no campaign {campaign_id}.")
        return found

    def visible(self, organiser: Organiser) -> list[dict[str, Any]]:
        if not organiser.may(Capability.ROUNDS):
            return []
        host = None if organiser.role is Role.ADMIN else organiser.id
        return [self._with_hosts(c) for c in self.campaigns.campaigns(host)]

    def view(self, campaign_id: int) -> dict[str, Any]:
        return {
            **self._with_hosts(self.campaign(campaign_id)),
            "stages": self.campaigns.stages(campaign_id),
        }

    def change(self, campaign_id: int, settings: Mapping[str, Any]) -> dict[str, Any]:
        current = self.campaign(campaign_id)
        fields = _settings({**_as_settings(current), **settings})
        changed = {k: v for k, v in fields.items() if k in _setting_columns(settings)}
        if "places" in changed and self.campaigns.units(campaign_id):
            raise Conflict(
                "The places cannot change once units are imported: they lie in them.",
                {"places": ["units are imported"]},
            )
        if "registration" in changed and self.campaigns.registration_count(campaign_id):
            raise Conflict(
                "What registration asks cannot change once people have registered.",
                {"registration": ["people have registered"]},
            )
        self.campaigns.change(campaign_id, **changed)
        return self.view(campaign_id)

    def appoint(self, organiser: Organiser, campaign_id: int, username: str) -> dict[str, Any]:
        hosting = self._appointing(organiser, campaign_id)
        candidate = organiser_named(self.users, username)
        if problem := cohost_problem(hosting, candidate):
            raise Invalid(f"{username!r} cannot co-host: {problem}.", {"username": [problem]})
        self.campaigns.add_cohost(campaign_id, candidate.id)
        return self.view(campaign_id)

    def dismiss(self, organiser: Organiser, campaign_id: int, username: str) -> dict[str, Any]:
        self._appointing(organiser, campaign_id)
        self.campaigns.remove_cohost(campaign_id, organiser_named(self.users, username).id)
        return self.view(campaign_id)

    def _appointing(self, organiser: Organiser, campaign_id: int) -> Hosting:
        hosting = self.hosting(organiser, campaign_id)
        if not hosting.may_appoint(organiser):
            raise Forbidden("Only the campaign's owner or an admin may change its organisers.")
        return hosting

    def campaign(self, campaign_id: int) -> dict[str, Any]:
        found = self.campaigns.campaign(campaign_id)
        if found is None:
            raise NotFound(f"There is no campaign {campaign_id}.")
        return found

    def _with_hosts(self, campaign: dict[str, Any]) -> dict[str, Any]:
        hosting = self.campaigns.hosting(campaign["id"])
        assert hosting is not None
        names = []
        for user_id in sorted(hosting.cohosts):
            account = self.users.get(user_id)
            if account is not None:
                names.append(account.organiser.username)
        owner = self.users.get(hosting.owner) if hosting.owner is not None else None
        return {
            **campaign,
            "owner": owner.organiser.username if owner else None,
            "cohosts": names,
        }

    # -- stages --------------------------------------------------------------------------

    def add_stage(
        self, organiser: Organiser, campaign_id: int, stage: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Append a stage of rounds ``organiser`` hosts, none of them in a stage yet."""
        self.campaign(campaign_id)
        problems: dict[str, list[str]] = {}
        try:
            attempt = AttemptRule(**stage["attempt_rule"])
        except (AttemptRuleError, TypeError) as error:
            problems["attempt_rule"] = [_rule_problem(error)]
        advancement = stage.get("advancement")
        if advancement is not None:
            try:
                AdvancementRule(**advancement)
            except (AdvancementError, TypeError) as error:
                problems["advancement"] = [_rule_problem(error)]
        round_ids = list(stage["rounds"])
        if len(set(round_ids)) != len(round_ids):
            problems["rounds"] = ["a round is listed twice"]
        for round_id in round_ids:
            try:
                self.hosts_competition(organiser, self.rounds.competition_id_of(round_id))
            except NotFound:
                problems.setdefault("rounds", []).append(f"there is no round {round_id}")
        if problems:
            raise Invalid("The stage is not valid.", problems)
        taken = self.campaigns.rounds_in_stages(round_ids)
        stored = {
            "title": stage["title"],
            "attempt_rule": {"kind": attempt.kind.value, "n": attempt.n},
            "advancement": advancement,
            "max_points": stage.get("max_points"),
        }
        if taken or not self.campaigns.add_stage(campaign_id, round_ids, **stored):
            shown = ", ".join(map(str, taken)) or "one of them"
            raise Conflict(
                f"A round is in one campaign stage at most: {shown} is in one already.",
                {"rounds": [f"round {shown} is in a stage already"]},
            )
        return self.view(campaign_id)

    def stage(self, campaign_id: int, position: int) -> dict[str, Any]:
        stages = self.campaigns.stages(campaign_id)
        if not stages:
            self.campaign(campaign_id)  # NotFound for no campaign
            raise Conflict("The campaign has no stage yet.", {"stage": ["no stages"]})
        if not 1 <= position <= len(stages):
            raise Invalid("No such stage.", {"stage": [f"1 to {len(stages)}"]})
        return stages[position - 1]

    # -- places and units ----------------------------------------------------------------

    def places(self, campaign_id: int) -> PlaceTree:
        codes = self.campaign(campaign_id)["places"]
        return guangdong() if codes is None else guangdong().subset(codes)

    def import_units(self, campaign_id: int, data: bytes, file: str) -> list[dict[str, Any]]:
        """Replace the roster with a file's, read against the campaign's places; any row
        problem refuses it whole (Invalid by ``file:row``). Refused once people have
        registered, as they stand for its units."""
        roster, problems = self.read_roster(data, file, self.places(campaign_id))
        if roster is None:
            raise _refused("roster", problems)
        if self.campaigns.registration_count(campaign_id):
            raise Conflict(
                "The units cannot change once people have registered.",
                {"file": ["people have registered"]},
            )
        self.campaigns.replace_units(
            campaign_id,
            [
                {
                    "name": u.name,
                    "place": u.place,
                    "headcount": u.headcount,
                    "parent": u.parent,
                    "code": u.code,
                }
                for u in roster.units
            ],
        )
        return self.units(campaign_id)

    def units(self, campaign_id: int) -> list[dict[str, Any]]:
        places = self.places(campaign_id)
        return [
            {**unit, "place_name": places.get(unit["place"]).name["zh-Hans"]}
            for unit in self.campaigns.units(campaign_id)
        ]

    def import_members(self, campaign_id: int, data: bytes, file: str) -> int:
        """Replace the member list (roster match) with a file's, read against the
        imported units; refused whole on any row problem. Only keyed hashes of each
        member's id and name are kept. The number of members."""
        units = self.campaigns.units(campaign_id)
        members, problems = self.read_members(data, file, _roster(units) if units else None)
        if members is None:
            raise _refused("member list", problems)
        self.campaigns.replace_members(
            campaign_id,
            [
                {
                    "id_hash": self.keyed_hash(campaign_id, "member-id", folded(m.id)),
                    "name_hash": self.keyed_hash(campaign_id, "member-name", fold(m.name)),
                    "unit_id": None if m.unit is None else units[m.unit]["id"],
                }
                for m in members.members
            ],
        )
        return len(members.members)


def _roster(units: Sequence[Mapping[str, Any]]) -> Roster:
    """The stored units as the domain's roster (positions are indexes)."""
    index = {u["id"]: i for i, u in enumerate(units)}
    return Roster(
        tuple(
            Unit(
                u["name"],
                u["place"],
                u["headcount"],
                None if u["parent_id"] is None else index[u["parent_id"]],
                u["code"],
                i,
            )
            for i, u in enumerate(units)
        )
    )


def _refused(what: str, problems: Sequence[FileProblem]) -> Invalid:
    """Every problem under its ``file:row``; nothing of the file was stored."""
    by_row: dict[str, list[str]] = {}
    for problem in problems:
        where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
        by_row.setdefault(where, []).append(problem.message)
    return Invalid(f"The {what} has {len(problems)} problems; nothing was stored.", by_row)


def _rule_problem(error: Exception) -> str:
    return str(error) if not isinstance(error, TypeError) else "unknown or missing fields"


# -- settings: what create and PATCH take -----------------------------------------------

SETTINGS = ("title", "opens_at", "closes_at", "rules", "places", "registration", "weighting")
COLUMN_OF = {"opens_at": "opens_at_ms", "closes_at": "closes_at_ms", "rules": "rules_text"}


def _setting_columns(settings: Mapping[str, Any]) -> set[str]:
    return {COLUMN_OF.get(name, name) for name in settings}


def _as_settings(campaign: Mapping[str, Any]) -> dict[str, Any]:
    return {name: campaign[COLUMN_OF.get(name, name)] for name in SETTINGS}


def _settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a campaign's settings, each checked; Invalid naming every field."""
    problems: dict[str, list[str]] = {}
    if settings["closes_at"] <= settings["opens_at"]:
        problems["closes_at"] = ["after opens_at"]
    places = settings.get("places")
    if places is not None:
        try:
            guangdong().subset(places)
        except KeyError as error:
            problems["places"] = [str(error.args[0])]
        if not places:
            problems.setdefault("places", []).append("at least one place, or null for all")
    registration = settings.get("registration") or DEFAULT_REGISTRATION
    for field, problem in _registration_problems(registration).items():
        problems[f"registration.{field}"] = [problem]
    registration = {
        "fields": registration.get("fields", {}),
        "identity": registration.get("identity", "none"),
    }
    # Weights not given weigh nothing; no weighting at all is the default (70 % rate).
    given = settings.get("weighting")
    weighting = {"rate": 0, "mean": 0, "count": 0, **given} if given else {}
    try:
        Weighting(**weighting)
    except (ParticipationError, TypeError) as error:
        problems["weighting"] = [_rule_problem(error)]
    if problems:
        raise Invalid("The campaign is not valid.", problems)
    return {
        "title": settings["title"],
        "opens_at_ms": settings["opens_at"],
        "closes_at_ms": settings["closes_at"],
        "rules_text": settings.get("rules") or "",
        "places": places,
        "registration": registration,
        "weighting": Weighting(**weighting).__dict__,
    }


def _registration_problems(config: Mapping[str, Any]) -> dict[str, str]:
    problems = {}
    fields = config.get("fields", {})
    if not isinstance(fields, dict):
        return {"fields": "an object of field: required | optional"}
    for name, need in fields.items():
        if name not in FIELDS:
            problems[f"fields.{name}"] = f"not a field; one of {', '.join(FIELDS)}"
        elif need not in ("required", "optional"):
            problems[f"fields.{name}"] = "required or optional"
    identity = config.get("identity", "none")
    if identity not in IDENTITY_RULES:
        problems["identity"] = f"one of {', '.join(IDENTITY_RULES)}"
    elif identity == "roster" and "name" not in fields:
        problems["fields.name"] = "the roster rule matches a member's id and name: ask the name"
    unknown = set(config) - {"fields", "identity"}
    for name in unknown:
        problems[name] = "unknown"
    return problems
