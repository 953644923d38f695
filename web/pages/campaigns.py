"""``/campaigns/<id>/register``: a contestant's registration for a campaign, made for a
phone. Rendered on the server from the campaign's settings (the fields it asks, its
identity rule, its places and units); ``campaign-register.js`` sends it to
``POST /api/v1/campaigns/{id}/registrations`` and keeps the registration's token."""

from __future__ import annotations

from typing import Any

from flask import render_template

from engine.domain.contest import Mode
from engine.domain.places import PlaceTree
from engine.services.errors import NotFound
from web.pages import pages
from web.wiring import wiring

#: The fields a campaign may ask, in the order the form shows them.
FIELD_ORDER = ("name", "phone", "place", "unit", "school", "grade")
#: What each identity rule asks besides: always required.
IDENTITY_FIELDS = {"none": (), "roster": ("member_id", "name"), "id_number": ("id_number",)}


@pages.get("/campaigns/<int:campaign_id>/register")
def register_for_campaign(campaign_id: int) -> tuple[str, int]:
    campaigns = wiring().campaigns
    try:
        campaign = campaigns.view(campaign_id)
    except NotFound:
        return render_template("campaign_register.html", campaign=None, form=None), 404
    asked = campaign["registration"]["fields"]
    identity = campaign["registration"]["identity"]
    fields = {name: asked[name] for name in FIELD_ORDER if name in asked}
    fields |= dict.fromkeys(IDENTITY_FIELDS[identity], "required")
    form = {
        "id": campaign_id,
        "closes_at": campaign["closes_at_ms"],
        "fields": fields,
        "places": places(campaigns.places(campaign_id)) if "place" in asked else [],
        "units": units(campaigns.units(campaign_id)) if "unit" in asked else [],
        "rounds": rounds(campaign["stages"]),
    }
    page = render_template("campaign_register.html", campaign=campaign, fields=fields, form=form)
    return page, 200


def places(tree: PlaceTree) -> list[dict[str, Any]]:
    """The campaign's cities, each with the places within it, names in every locale."""
    return [
        {
            "code": city.code,
            "name": dict(city.name),
            "districts": [
                {"code": place.code, "name": dict(place.name)} for place in tree.children(city.code)
            ],
        }
        for city in tree.cities
    ]


def units(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the unit picker shows: never a unit's headcount."""
    return [
        {"id": u["id"], "code": u["code"], "name": u["name"], "place": u["place"]} for u in found
    ]


def rounds(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stages' self-paced rounds a registration starts attempts in, with their codes
    (the play page resumes an attempt by code and token)."""
    competitions = wiring().competitions
    found = []
    for stage in stages:
        for round_id in stage["rounds"]:
            plan = competitions.plan(round_id)
            if plan.mode is Mode.SELF_PACED:
                found.append(
                    {"stage": stage["position"], "title": stage["title"], "round": round_id,
                     "code": plan.code, "practice": stage["attempt_rule"]["kind"] == "practice"}
                )  # fmt: skip
    return found
