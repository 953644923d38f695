"""Campaigns (docs/campaigns.md): stages of existing rounds, places and units,
registration, and participation computed from what SQL holds.

Every organiser operation first asks :meth:`Campaigns.hosting`; to an organiser who does
not organise the campaign it does not exist (NotFound, as for a missing id).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.domain.accounts import Capability, Organiser, Role
from engine.domain.advancement import AdvancementError, AdvancementRule, Group, StageResult, qualify
from engine.domain.attempts import (
    SHANGHAI_OFFSET_MS,
    Attempt,
    AttemptKind,
    AttemptRule,
    AttemptRuleError,
    counted_score,
    may_start,
)
from engine.domain.bankfiles import FileProblem
from engine.domain.contest import InvalidNickname, Mode, clean_nickname
from engine.domain.id_numbers import IdNumberRefused, normalised, parse_id_number
from engine.domain.identity import fold, visible
from engine.domain.ownership import Hosting, cohost_problem
from engine.domain.participation import (
    Figures,
    ParticipationError,
    Weighting,
    participation,
    rank_units,
    stage_participants,
)
from engine.domain.participation import Place as CountedPlace
from engine.domain.participation import Unit as CountedUnit
from engine.domain.places import PlaceTree, guangdong
from engine.domain.units import Roster, Unit, folded
from engine.ports import (
    CampaignRepository,
    CampaignRounds,
    MemberListReader,
    RosterReader,
    Throttle,
    UserRepository,
)
from engine.services.answering import RefusedCommand
from engine.services.competitions import Competitions
from engine.services.entrants import EntryLimits
from engine.services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Throttled,
    Unauthorised,
)
from engine.services.live import Joined, LiveRounds
from engine.services.ownership import organiser_named
from engine.services.selfpaced import SelfPacedRounds

#: Fields a registration may ask for, besides the nickname everyone gives.
FIELDS = ("name", "phone", "place", "unit", "school", "grade")
IDENTITY_RULES = ("none", "roster", "id_number")
DEFAULT_REGISTRATION: dict[str, Any] = {"fields": {"name": "optional"}, "identity": "none"}
#: A mainland mobile number, once folded (full-width digits, spaces gone).
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
MAX_TEXT = 64
GROUPINGS = ("unit", "district", "city")

KeyedHash = Callable[[int, str, str], str]


@dataclass
class RoundsOfCampaigns:
    """Rounds as campaigns use them (``ports.CampaignRounds``)."""

    competitions: Competitions
    selfpaced: SelfPacedRounds

    def competition_id_of(self, round_id: int) -> int:
        return self.competitions.competition_id_of(round_id)

    def finished(self, round_id: int) -> bool:
        found = self.competitions.rounds.round(round_id)
        return found is not None and found["status"] == "finished"

    def enter(self, round_id: int, nickname: str, now: int, *, identity: str) -> str:
        if self.competitions.plan(round_id).mode is not Mode.SELF_PACED:
            raise Conflict(
                "A registration enters self-paced rounds; a live round is joined by its code.",
                {"round": ["not self-paced"]},
            )
        entry = self.selfpaced.enter(round_id, nickname, None, None, now, identity=identity)
        return entry.contestant


@dataclass(frozen=True)
class RegisteredJoin:
    """A registration's join of a live round of a campaign's stage."""

    joined: Joined
    registration: int
    unit: str | None  # the name of the registration's unit


@dataclass
class Campaigns:
    campaigns: CampaignRepository
    users: UserRepository
    rounds: CampaignRounds
    #: Who hosts a competition: a stage takes only rounds its organiser hosts.
    hosts_competition: Callable[[Organiser, int], Hosting]
    #: The instance's keyed hash (``EntryGate.keyed_hash``): identities kept only so.
    keyed_hash: KeyedHash
    read_roster: RosterReader
    read_members: MemberListReader
    #: Registrations one client address may try in a window: entries' per-client limit
    #: (a roster-match form would otherwise be an oracle for guessing members).
    throttle: Throttle
    limits: EntryLimits
    #: Live rounds of stages are joined with a registration (``join_live``).
    live: LiveRounds

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
            **self._with_hosts(self._campaign(campaign_id)),
            "stages": self.campaigns.stages(campaign_id),
        }

    def change(self, campaign_id: int, settings: Mapping[str, Any]) -> dict[str, Any]:
        current = self._campaign(campaign_id)
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

    def _campaign(self, campaign_id: int) -> dict[str, Any]:
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
        self._campaign(campaign_id)
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

    def _stage(self, campaign_id: int, position: int) -> dict[str, Any]:
        stages = self.campaigns.stages(campaign_id)
        if not stages:
            raise Conflict("The campaign has no stage yet.", {"stage": ["no stages"]})
        if not 1 <= position <= len(stages):
            raise Invalid("No such stage.", {"stage": [f"1 to {len(stages)}"]})
        return stages[position - 1]

    # -- places and units ----------------------------------------------------------------

    def places(self, campaign_id: int) -> PlaceTree:
        codes = self._campaign(campaign_id)["places"]
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

    # -- registration --------------------------------------------------------------------

    def register(
        self, campaign_id: int, form: Mapping[str, Any], now: int, client: str | None = None
    ) -> dict[str, Any]:
        """A registration from what a contestant sent; its id and the token that stands
        for it (kept only as a hash). Every problem is named by field at once. Every
        try counts against the ``client`` address's limit, refused ones too."""
        campaign = self._campaign(campaign_id)
        if client and self.limits.per_client:
            name = f"campaign-registrations:{self.keyed_hash(0, 'client', client)}"
            if self.throttle.hit(name, self.limits.window_s) > self.limits.per_client:
                raise Throttled(
                    "Too many registrations from here just now; try again shortly.",
                    max(self.throttle.retry_after(name), 1),
                )
        if now >= campaign["closes_at_ms"]:
            raise Conflict("The campaign has closed.", {"campaign": ["closed"]})
        config = campaign["registration"]
        asked = config["fields"]
        identity_rule = config["identity"]
        identifying = _identity_fields(identity_rule)
        problems: dict[str, list[str]] = {
            name: ["not asked by this campaign"]
            for name in form
            if name not in {"nickname", *asked, *identifying}
        }
        values: dict[str, str] = {}
        for name in ("nickname", *asked, *sorted(identifying - set(asked))):
            value = form.get(name)
            if value is None or (isinstance(value, str) and not visible(value)):
                if name == "nickname" or asked.get(name) == "required" or name in identifying:
                    problems.setdefault(name, []).append("required")
                continue
            if not isinstance(value, str):
                problems.setdefault(name, []).append("must be text")
                continue
            values[name] = value
        row = self._registration_row(campaign_id, values, identity_rule, now, problems)
        if problems:
            raise Invalid("The registration is not valid.", problems)
        token = secrets.token_urlsafe(24)
        registration = self.campaigns.add_registration(
            campaign_id, token_hash=_token_hash(token), registered_at_ms=now, **row
        )
        if registration is None:
            raise Conflict(
                "This identity is registered in the campaign already.",
                {"identity": ["registered already"]},
            )
        return {"id": registration, "token": token}

    def _registration_row(
        self,
        campaign_id: int,
        values: dict[str, str],
        identity_rule: str,
        now: int,
        problems: dict[str, list[str]],
    ) -> dict[str, Any]:
        row: dict[str, Any] = {"name": None, "phone": None, "place": None, "unit_id": None}
        details = {}
        if "nickname" in values:
            try:
                row["nickname"] = clean_nickname(values["nickname"])
            except InvalidNickname as error:
                problems["nickname"] = [str(error)]
        for name in ("name", "school", "grade"):
            if name in values:
                if len(values[name].strip()) > MAX_TEXT:
                    problems[name] = [f"at most {MAX_TEXT} characters"]
                elif name == "name":
                    row["name"] = values[name].strip()
                else:
                    details[name] = values[name].strip()
        row["details"] = details
        if "phone" in values:
            phone = fold(values["phone"]).removeprefix("+86")
            if MOBILE.match(phone):
                row["phone"] = phone
            else:
                problems["phone"] = ["an 11-digit mobile number, 13... to 19..."]
        places = self.places(campaign_id)
        if "place" in values:
            found = places.matches(values["place"])
            if len(found) == 1:
                row["place"] = found[0].code
            else:
                problems["place"] = ["an unknown place" if not found else "names several places"]
        units = self.campaigns.units(campaign_id)
        if "unit" in values:
            found_units = _roster(units).matches(values["unit"])
            if len(found_units) == 1:
                unit = units[found_units[0]]
                row["unit_id"] = unit["id"]
                if row["place"] is None:
                    row["place"] = unit["place"]
                elif not places.within(unit["place"], row["place"]):
                    problems["unit"] = ["not in the place given"]
            else:
                problems["unit"] = [
                    "an unknown unit" if not found_units else "names several units: give its code"
                ]
        row["identity_hash"] = self._identity(
            campaign_id, values, identity_rule, now, problems, row
        )
        return row

    def _identity(
        self,
        campaign_id: int,
        values: dict[str, str],
        rule: str,
        now: int,
        problems: dict[str, list[str]],
        row: dict[str, Any],
    ) -> str | None:
        if rule == "id_number" and "id_number" in values:
            today = datetime.fromtimestamp((now + SHANGHAI_OFFSET_MS) / 1000, UTC).date()
            try:
                number = parse_id_number(values["id_number"], today)
            except IdNumberRefused as error:
                problems["id_number"] = [str(error)]
                return None
            return self.keyed_hash(campaign_id, "id-number", normalised(number.number))
        if rule == "roster" and "member_id" in values and "name" in values:
            id_hash = self.keyed_hash(campaign_id, "member-id", folded(values["member_id"]))
            member = self.campaigns.member(campaign_id, id_hash)
            name_hash = self.keyed_hash(campaign_id, "member-name", fold(values["name"]))
            if member is None or member["name_hash"] != name_hash:
                problems["member_id"] = ["no member of the list has this id and name"]
                return None
            row["unit_id"] = row["unit_id"] or member["unit_id"]
            return id_hash
        return None

    def registrations(self, organiser: Organiser, campaign_id: int) -> list[dict[str, Any]]:
        """The registrations as organisers export them: the phone masked unless the
        organiser holds the personal-data capability."""
        self._campaign(campaign_id)
        unmasked = organiser.may(Capability.PERSONAL_DATA)
        return [
            {**r, "phone": r["phone"] if unmasked else mask_phone(r["phone"])}
            for r in self.campaigns.registrations(campaign_id)
        ]

    def purge(self, campaign_id: int, now: int) -> int:
        """After the campaign closes, forget its personal data: names, phones, the
        other fields, identity hashes and the member list. Nicknames, places and units
        stay, so participation and boards still add up. The number of registrations."""
        if now < self._campaign(campaign_id)["closes_at_ms"]:
            raise Conflict(
                "A campaign's personal data is purged after it closes.",
                {"campaign": ["still open"]},
            )
        return self.campaigns.purge(campaign_id)

    # -- attempts ------------------------------------------------------------------------

    def enter(
        self, campaign_id: int, token: str, round_id: int, now: int, *, practice: bool = False
    ) -> str:
        """Start an attempt: the registration holding ``token`` enters the stage's
        self-paced ``round_id`` if the stage's attempt rule allows it; the contestant."""
        registration = self.campaigns.registration_by_token(_token_hash(token))
        if registration is None or registration["campaign_id"] != campaign_id:
            raise NotFound("There is no registration with that token.")
        stage = next(
            (
                s
                for s in self.campaigns.stages(registration["campaign_id"])
                if round_id in s["rounds"]
            ),
            None,
        )
        if stage is None:
            raise NotFound(f"There is no round {round_id} in the campaign.")
        stages = self.campaigns.stages(registration["campaign_id"])
        previous = stages[stage["position"] - 2] if stage["position"] > 1 else None
        if (
            previous is not None
            and previous["advancement"] is not None
            and not self.campaigns.qualified(previous["id"], registration["id"])
        ):
            raise Conflict(
                f"Only the qualifiers of stage {previous['position']} take part in this one.",
                {"registration": ["not a qualifier"]},
            )
        rule = AttemptRule(**stage["attempt_rule"])
        practice = practice or rule.kind is AttemptKind.PRACTICE
        made = self.campaigns.attempts(registration["id"], stage["rounds"])
        if not practice:
            decision = may_start(rule, map(_attempt, made), now)
            if not decision.allowed:
                assert decision.reason is not None
                raise Conflict(
                    f"No more attempts: {decision.reason.value.replace('_', ' ')}.",
                    {"attempt": [decision.reason.value], "opens_at": decision.opens_ms},
                )
        # Each attempt enters the round under its own identity: two tabs starting the
        # same attempt get one entry, the round refusing the second.
        identity = f"campaign-registration:{registration['id']}:{len(made) + 1}"
        contestant = self.rounds.enter(round_id, registration["nickname"], now, identity=identity)
        self.campaigns.add_entry(
            registration_id=registration["id"],
            round_id=round_id,
            contestant=contestant,
            practice=practice,
            started_at_ms=now,
        )
        return contestant

    def join_live(
        self, round_id: int, token: str | None, now: int, *, client: str | None = None
    ) -> RegisteredJoin | None:
        """Join live round ``round_id`` of a campaign's stage with the registration
        holding ``token``: after a stage with an advancement rule only its confirmed
        qualifiers, else any registration of the campaign; everyone else is refused
        (``not_qualified``, ``not_registered``). The registration names the contestant
        (nickname, the region of its place's city, its unit) and enters the round once:
        joining again is coming back as that entry. None for a round in no campaign,
        which anyone joins as before (a read of SQL every few seconds, not per join)."""
        campaign_id = self.campaigns.campaign_of_round(round_id)
        if campaign_id is None:
            return None
        stages = self.campaigns.stages(campaign_id)
        stage = next(s for s in stages if round_id in s["rounds"])
        previous = stages[stage["position"] - 2] if stage["position"] > 1 else None
        after = previous if previous is not None and previous["advancement"] else None
        registration = self.campaigns.registration_by_token(_token_hash(token)) if token else None
        if registration is not None and registration["campaign_id"] != campaign_id:
            registration = None  # another campaign's: none here
        if after is not None and (
            registration is None or not self.campaigns.qualified(after["id"], registration["id"])
        ):
            raise RefusedCommand(
                "not_qualified",
                f"This round admits only the qualifiers of stage {after['position']} "
                "(join with your registration).",
            )
        if registration is None:
            raise RefusedCommand(
                "not_registered", "This round admits the campaign's registrations: register first."
            )
        city = None
        if registration["place"] is not None:
            city = self.places(campaign_id).city_of(registration["place"]).slug
        earlier = self.campaigns.entry_of(registration["id"], round_id)
        plan = self.live.competitions.plan(round_id)
        joined = self.live.join(
            plan.code,
            registration["nickname"],
            city if city in plan.rules.regions else None,
            None,
            now,
            resume=None if earlier is None else (round_id, earlier),
            identity=f"campaign-registration:{registration['id']}",
            client=client,
            unique_nickname=False,  # two registrations may share a nickname
        )
        if earlier is None:
            self.campaigns.add_entry(
                registration_id=registration["id"],
                round_id=round_id,
                contestant=joined.contestant,
                practice=False,
                started_at_ms=now,
            )
        unit = None
        if registration["unit_id"] is not None:
            units = {u["id"]: u["name"] for u in self.campaigns.units(campaign_id)}
            unit = units.get(registration["unit_id"])
        return RegisteredJoin(joined, registration["id"], unit)

    # -- participation -------------------------------------------------------------------

    def participation(self, campaign_id: int, by: str, stage: int = 1) -> dict[str, Any]:
        """Participants (registrations with a counted attempt in the stage), headcount
        and rate per unit (with its sub-units), district or city, and the campaign's."""
        if by not in GROUPINGS:
            raise Invalid("Unknown grouping.", {"by": [f"one of {', '.join(GROUPINGS)}"]})
        counted, places, units, unplaced = self._counted(campaign_id, stage)
        if by == "unit":
            rows = [
                {"code": str(u["id"]), "name": u["name"], **_figures(counted.units[str(u["id"])])}
                for u in units
            ]
        else:
            found = counted.districts if by == "district" else counted.cities
            rows = [
                {
                    "code": p.code,
                    "name": p.name["zh-Hans"],
                    **_figures(found.get(p.code, Figures())),
                }
                for p in places.places
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
        """The top-level units ranked by the campaign's weighting."""
        weighting = Weighting(**self._campaign(campaign_id)["weighting"])
        counted, _, units, _ = self._counted(campaign_id, stage)
        top = {str(u["id"]): counted.units[str(u["id"])] for u in units if u["parent_id"] is None}
        max_points = self._stage(campaign_id, stage)["max_points"]
        if weighting.mean and max_points is None:
            raise Conflict(
                "The weighting weighs the mean score: give the stage its max_points.",
                {"max_points": ["needed to weigh the mean score"]},
            )
        names = {str(u["id"]): u["name"] for u in units}
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

    def qualifiers(self, campaign_id: int, position: int) -> dict[str, Any]:
        """Who advances from the stage under its advancement rule, as things stand
        (ties at the cut all qualify, marked): for organisers to review."""
        stage = self._stage(campaign_id, position)
        if stage["advancement"] is None:
            raise Conflict("The stage has no advancement rule.", {"advancement": ["none"]})
        rule = AttemptRule(**stage["attempt_rule"])
        places = self.places(campaign_id)
        units = {u["id"]: u["name"] for u in self.campaigns.units(campaign_id)}
        registrations = {r["id"]: r for r in self.campaigns.registrations(campaign_id)}
        histories: dict[int, list[Attempt]] = {}
        for made in self.campaigns.stage_attempts(campaign_id, stage["rounds"]):
            histories.setdefault(made["registration"], []).append(_attempt(made))
        results = []
        for registration, history in histories.items():
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
        stage = self._stage(campaign_id, position)
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
        self.campaigns.confirm_qualifiers(stage["id"], chosen, organiser.username)
        return {"stage": position, "confirmed": self.campaigns.confirmed_qualifiers(stage["id"])}

    def _counted(
        self, campaign_id: int, position: int
    ) -> tuple[Any, PlaceTree, list[dict[str, Any]], int]:
        places = self.places(campaign_id)
        stage = self._stage(campaign_id, position)
        rule = AttemptRule(**stage["attempt_rule"])
        units = self.campaigns.units(campaign_id)
        unit_of = self.campaigns.registration_units(campaign_id)
        histories: dict[str, list[Attempt]] = {}
        for made in self.campaigns.stage_attempts(campaign_id, stage["rounds"]):
            histories.setdefault(str(made["registration"]), []).append(_attempt(made))
        placed = {c: h for c, h in histories.items() if unit_of.get(int(c)) is not None}
        participants = stage_participants(rule, {c: str(unit_of[int(c)]) for c in placed}, placed)
        unplaced = len(stage_participants(rule, dict.fromkeys(histories, ""), histories)) - len(
            participants
        )
        within = {u["id"]: 0 for u in units}
        for u in units:
            if u["parent_id"] is not None:
                within[u["parent_id"]] += u["headcount"]
        try:
            counted = participation(
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
                participants,
            )
        except ParticipationError as error:  # the stored roster was checked on import
            raise Conflict(str(error)) from error
        return counted, places, units, unplaced

    # -- contestants' own views ----------------------------------------------------------

    def registration_of(self, campaign_id: int, token: str) -> dict[str, Any]:
        """The registration a registration token stands for: Unauthorised for no
        registration's, Forbidden for another campaign's."""
        registration = self.campaigns.registration_by_token(_token_hash(token))
        if registration is None:
            raise Unauthorised("That is no registration's token.")
        if registration["campaign_id"] != campaign_id:
            raise Forbidden("That registration is for another campaign.")
        return registration

    def campaign_of(self, round_id: int) -> int | None:
        """The campaign whose stage holds the round (None for a round in none): a
        campaign round's phone links the campaign's wrong answers."""
        return self.campaigns.campaign_of_round(round_id)


def mask_phone(phone: str | None) -> str | None:
    """138****5678: enough to tell two registrations apart, not to call anyone."""
    return None if phone is None else f"{phone[:3]}****{phone[-4:]}"


def _identity_fields(rule: str) -> set[str]:
    return {"none": set(), "roster": {"member_id", "name"}, "id_number": {"id_number"}}[rule]


def _attempt(made: Mapping[str, Any]) -> Attempt:
    return Attempt(made["started_ms"], made["points"], made["total_ms"], made["practice"])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "participants": f.participants,
        "headcount": f.headcount,
        "rate": None if f.rate is None else float(f.rate),
    }


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
