"""Registration for a campaign (docs/campaigns.md "Registration"): the fields it asks,
the identity rule (none, roster match, GB 11643), what organisers see and the purge.

A registration names its unit by code or name; the unit is found by the roster's index
(``CampaignRepository.units_named``), not by reading the roster, which has thousands of
units in a province.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.domain.accounts import Capability, Organiser
from engine.domain.attempts import SHANGHAI_OFFSET_MS
from engine.domain.contest import InvalidNickname, clean_nickname
from engine.domain.id_numbers import IdNumberRefused, normalised, parse_id_number
from engine.domain.identity import fold, visible
from engine.domain.units import folded
from engine.ports import CampaignRepository, Throttle
from engine.services.campaigns import Campaigns, KeyedHash
from engine.services.entrants import EntryLimits
from engine.services.errors import Conflict, Forbidden, Invalid, Throttled, Unauthorised

#: A mainland mobile number, once folded (full-width digits, spaces gone).
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
MAX_TEXT = 64


@dataclass
class Registrations:
    campaigns: Campaigns
    repository: CampaignRepository
    #: The instance's keyed hash (``EntryGate.keyed_hash``): identities kept only so.
    keyed_hash: KeyedHash
    #: Registrations one client address may try in a window: entries' per-client limit
    #: (a roster-match form would otherwise be an oracle for guessing members).
    throttle: Throttle
    limits: EntryLimits

    def register(
        self, campaign_id: int, form: Mapping[str, Any], now: int, client: str | None = None
    ) -> dict[str, Any]:
        """A registration from what a contestant sent; its id and the token that stands
        for it (kept only as a hash). Every problem is named by field at once. Every
        try counts against the ``client`` address's limit, refused ones too."""
        campaign = self.campaigns.campaign(campaign_id)
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
        row = self._row(campaign_id, values, identity_rule, now, problems)
        if problems:
            raise Invalid("The registration is not valid.", problems)
        token = secrets.token_urlsafe(24)
        registration = self.repository.add_registration(
            campaign_id, token_hash=token_hash(token), registered_at_ms=now, **row
        )
        if registration is None:
            raise Conflict(
                "This identity is registered in the campaign already.",
                {"identity": ["registered already"]},
            )
        return {"id": registration, "token": token}

    def _row(
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
        places = self.campaigns.places(campaign_id)
        if "place" in values:
            found = places.matches(values["place"])
            if len(found) == 1:
                row["place"] = found[0].code
            else:
                problems["place"] = ["an unknown place" if not found else "names several places"]
        if "unit" in values:
            units = self.repository.units_named(campaign_id, values["unit"])
            if len(units) == 1:
                row["unit_id"] = units[0]["id"]
                if row["place"] is None:
                    row["place"] = units[0]["place"]
                elif not places.within(units[0]["place"], row["place"]):
                    problems["unit"] = ["not in the place given"]
            else:
                problems["unit"] = [
                    "an unknown unit" if not units else "names several units: give its code"
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
            member = self.repository.member(campaign_id, id_hash)
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
        self.campaigns.campaign(campaign_id)
        unmasked = organiser.may(Capability.PERSONAL_DATA)
        return [
            {**r, "phone": r["phone"] if unmasked else mask_phone(r["phone"])}
            for r in self.repository.registrations(campaign_id)
        ]

    def purge(self, campaign_id: int, now: int) -> int:
        """After the campaign closes, forget its personal data: names, phones, the
        other fields, identity hashes and the member list. Nicknames, places and units
        stay, so participation and boards still add up. The number of registrations."""
        if now < self.campaigns.campaign(campaign_id)["closes_at_ms"]:
            raise Conflict(
                "A campaign's personal data is purged after it closes.",
                {"campaign": ["still open"]},
            )
        return self.repository.purge(campaign_id)

    def registration_of(self, campaign_id: int, token: str) -> dict[str, Any]:
        """The registration a registration token stands for: Unauthorised for no
        registration's, Forbidden for another campaign's."""
        registration = self.repository.registration_by_token(token_hash(token))
        if registration is None:
            raise Unauthorised("That is no registration's token.")
        if registration["campaign_id"] != campaign_id:
            raise Forbidden("That registration is for another campaign.")
        return registration


def mask_phone(phone: str | None) -> str | None:
    """138****5678: enough to tell two registrations apart, not to call anyone."""
    return None if phone is None else f"{phone[:3]}****{phone[-4:]}"


def token_hash(token: str) -> str:
    """What is kept of a registration token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def _identity_fields(rule: str) -> set[str]:
    return {"none": set(), "roster": {"member_id", "name"}, "id_number": {"id_number"}}[rule]
