"""Campaigns (docs/campaigns.md): organisers set one up over existing rounds, import its
units and member list, and read participation; contestants register and start attempts.

Everything under ``/campaigns/{id}`` is for the campaign's organisers (owner, co-hosts,
admins) except ``registrations`` (POST) and ``entries``, which contestants call.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import Response, g, jsonify, request
from marshmallow import Schema, fields, validate

from engine.domain.accounts import Capability
from engine.services.campaigns import Campaigns
from engine.services.participation import GROUPINGS
from engine.services.result_tables import Table
from web import clock
from web.api import api
from web.api.endpoint import endpoint
from web.api.exports import spreadsheet
from web.errors import ApiError
from web.ids import ID_RANGE, MAX_ID
from web.wiring import wiring

ROUNDS = Capability.ROUNDS
MS = validate.Range(min=0, max=2**53)


class CampaignSettingsSchema(Schema):
    title = fields.String(validate=validate.Length(1, 200))
    opens_at = fields.Integer(strict=True, validate=MS, metadata={"description": "epoch ms"})
    closes_at = fields.Integer(strict=True, validate=MS, metadata={"description": "epoch ms"})
    rules = fields.String(validate=validate.Length(max=20_000))
    places = fields.List(
        fields.String(validate=validate.Length(1, 16)),
        allow_none=True,
        metadata={"description": "GB/T 2260 codes of Guangdong places; null: all of them"},
    )
    registration = fields.Dict(
        metadata={
            "description": '{"fields": {name|phone|place|unit|school|grade: '
            '"required"|"optional"}, "identity": "none"|"roster"|"id_number"}'
        }
    )
    weighting = fields.Dict(
        metadata={"description": '{"rate", "mean", "count"}: whole percentages summing to 100'}
    )


class NewCampaignSchema(CampaignSettingsSchema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    opens_at = fields.Integer(required=True, strict=True, validate=MS)
    closes_at = fields.Integer(required=True, strict=True, validate=MS)


class CampaignStageSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    attempt_rule = fields.Dict()
    advancement = fields.Dict(allow_none=True)
    max_points = fields.Integer(allow_none=True)
    rounds = fields.List(fields.Integer())


class NewCampaignStageSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    rounds = fields.List(
        fields.Integer(strict=True, validate=ID_RANGE),
        required=True,
        validate=validate.Length(1, 100),
    )
    attempt_rule = fields.Dict(
        required=True,
        metadata={"description": '{"kind": one|per_day|best_of|first_of_day|practice, "n"}'},
    )
    advancement = fields.Dict(
        load_default=None,
        allow_none=True,
        metadata={"description": '{"per": city|unit, "k", "min_points"}'},
    )
    max_points = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(1, MAX_ID)
    )


class CampaignSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    opens_at = fields.Integer(attribute="opens_at_ms")
    closes_at = fields.Integer(attribute="closes_at_ms")
    rules = fields.String(attribute="rules_text")
    places = fields.List(fields.String(), allow_none=True)
    registration = fields.Dict()
    weighting = fields.Dict()
    owner = fields.String(allow_none=True)
    cohosts = fields.List(fields.String())
    created_at = fields.DateTime()
    stages = fields.List(fields.Nested(CampaignStageSchema))


class CampaignUnitSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    place = fields.String()
    place_name = fields.String()
    headcount = fields.Integer(metadata={"description": "its sub-units' members included"})
    parent_id = fields.Integer(allow_none=True)
    code = fields.String(allow_none=True)


class CampaignMembersSchema(Schema):
    members = fields.Integer()


class CampaignRegistrationFormSchema(Schema):
    """Documented only: the service checks the fields the campaign asks."""

    nickname = fields.String(required=True)
    name = fields.String()
    phone = fields.String()
    place = fields.String()
    unit = fields.String()
    school = fields.String()
    grade = fields.String()
    member_id = fields.String(metadata={"description": "identity rule roster"})
    id_number = fields.String(metadata={"description": "identity rule id_number"})


class CampaignRegisteredSchema(Schema):
    id = fields.Integer()
    token = fields.String(metadata={"description": "keep it: it starts the attempts"})


class CampaignRegistrationSchema(Schema):
    id = fields.Integer()
    nickname = fields.String()
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "masked: 138****5678"})
    place = fields.String(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    details = fields.Dict()
    registered_at_ms = fields.Integer()


class NewCampaignEntrySchema(Schema):
    token = fields.String(required=True, validate=validate.Length(1, 200))
    round = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    practice = fields.Boolean(load_default=False)
    elder = fields.Boolean(
        load_default=False,
        truthy={True},
        falsy={False},
        metadata={"description": "entered in elderly mode: double time if the rules allow"},
    )


class CampaignEntrySchema(Schema):
    contestant = fields.String()
    token = fields.String(metadata={"description": "the contestant token for the round"})


class ParticipationQuerySchema(Schema):
    by = fields.String(load_default="unit", validate=validate.OneOf(GROUPINGS))
    stage = fields.Integer(load_default=1, validate=ID_RANGE)


class RankingsQuerySchema(Schema):
    stage = fields.Integer(load_default=1, validate=ID_RANGE)


class ParticipationFiguresSchema(Schema):
    participants = fields.Integer()
    headcount = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "participants / headcount"})


class ParticipationRowSchema(ParticipationFiguresSchema):
    code = fields.String()
    name = fields.String()


class ParticipationSchema(Schema):
    by = fields.String()
    stage = fields.Integer()
    rows = fields.List(fields.Nested(ParticipationRowSchema))
    campaign = fields.Nested(ParticipationFiguresSchema)
    without_unit = fields.Integer(metadata={"description": "participants with no unit"})


class UnitRankingSchema(Schema):
    code = fields.String()
    name = fields.String()
    rank = fields.Integer()
    score = fields.Float()
    rate = fields.Float(allow_none=True)
    mean_points = fields.Float(allow_none=True)
    participants = fields.Integer()


class UnitRankingsSchema(Schema):
    stage = fields.Integer()
    weighting = fields.Dict()
    rows = fields.List(fields.Nested(UnitRankingSchema))


class QualifierSchema(Schema):
    registration = fields.Integer()
    nickname = fields.String()
    group = fields.String(allow_none=True, metadata={"description": "city code or unit id"})
    group_name = fields.String(allow_none=True)
    rank = fields.Integer(metadata={"description": "within the group"})
    points = fields.Integer()
    total_ms = fields.Integer()
    tied_at_cut = fields.Boolean(metadata={"description": "qualifies by an exact tie at k"})


class QualificationSchema(Schema):
    stage = fields.Integer()
    advancement = fields.Dict()
    qualifiers = fields.List(fields.Nested(QualifierSchema))
    ungrouped = fields.List(
        fields.Integer(), metadata={"description": "registrations with no city or unit"}
    )


class ConfirmSchema(Schema):
    registrations = fields.List(
        fields.Integer(strict=True, validate=ID_RANGE),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=100_000),
        metadata={"description": "the qualifiers kept; null or absent: all of them"},
    )


class ConfirmedSchema(Schema):
    stage = fields.Integer()
    confirmed = fields.List(fields.Integer())


class BoardRowSchema(Schema):
    code = fields.String()
    name = fields.String()
    rate = fields.Float(allow_none=True)


class BoardSchema(Schema):
    by = fields.String()
    stage = fields.Integer()
    rows = fields.List(fields.Nested(BoardRowSchema))
    rate = fields.Float(allow_none=True, metadata={"description": "the whole campaign's"})


def campaigns() -> Campaigns:
    return wiring().campaigns


@api.post("/campaigns")
@endpoint(
    "Create a campaign: dates, rules text, places, registration form, weighting",
    tag="campaigns",
    capability=ROUNDS,
    body=NewCampaignSchema,
    response=CampaignSchema,
    status=201,
    errors=(422,),
)
def create_campaign(body: dict[str, Any]) -> dict[str, Any]:
    return campaigns().create(g.organiser, body)


@api.get("/campaigns")
@endpoint(
    "The campaigns the caller organises (admins: all)",
    tag="campaigns",
    capability=ROUNDS,
    response=CampaignSchema,
    many=True,
)
def list_campaigns() -> list[dict[str, Any]]:
    return campaigns().visible(g.organiser)


@api.get("/campaigns/<int:campaign_id>")
@endpoint(
    "A campaign and its stages",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=CampaignSchema,
)
def get_campaign(campaign_id: int) -> dict[str, Any]:
    return campaigns().view(campaign_id)


@api.patch("/campaigns/<int:campaign_id>")
@endpoint(
    "Change a campaign's settings (places until units are imported, the registration "
    "form until someone registers)",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    body=CampaignSettingsSchema,
    response=CampaignSchema,
    errors=(409, 422),
)
def change_campaign(campaign_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return campaigns().change(campaign_id, body)


@api.put("/campaigns/<int:campaign_id>/hosts/<username>")
@endpoint(
    "Make an organiser a co-host of the campaign (owner or admin)",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=CampaignSchema,
    errors=(403, 422),
)
def appoint_campaign_host(campaign_id: int, username: str) -> dict[str, Any]:
    return campaigns().appoint(g.organiser, campaign_id, username)


@api.delete("/campaigns/<int:campaign_id>/hosts/<username>")
@endpoint(
    "Remove a co-host of the campaign (owner or admin)",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=CampaignSchema,
    errors=(403, 422),
)
def dismiss_campaign_host(campaign_id: int, username: str) -> dict[str, Any]:
    return campaigns().dismiss(g.organiser, campaign_id, username)


@api.post("/campaigns/<int:campaign_id>/stages")
@endpoint(
    "Append a stage: rounds the caller hosts (in no other stage), its attempt rule and "
    "advancement rule",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    body=NewCampaignStageSchema,
    response=CampaignSchema,
    status=201,
    errors=(409, 422),
)
def add_stage(campaign_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return campaigns().add_stage(g.organiser, campaign_id, body)


@api.post("/campaigns/<int:campaign_id>/units")
@endpoint(
    "Replace the unit roster with an uploaded .xlsx or CSV (multipart 'file'); any row "
    "error refuses it whole",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=CampaignUnitSchema,
    many=True,
    errors=(400, 409, 413, 422),
)
def import_units(campaign_id: int) -> list[dict[str, Any]]:
    return campaigns().import_units(campaign_id, *uploaded())


@api.get("/campaigns/<int:campaign_id>/units")
@endpoint(
    "The campaign's units, parents before their children",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=CampaignUnitSchema,
    many=True,
)
def list_units(campaign_id: int) -> list[dict[str, Any]]:
    return campaigns().units(campaign_id)


@api.post("/campaigns/<int:campaign_id>/members")
@endpoint(
    "Replace the member list the roster identity rule matches (multipart 'file'); only "
    "keyed hashes of ids and names are kept",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=CampaignMembersSchema,
    errors=(400, 413, 422),
)
def import_members(campaign_id: int) -> dict[str, Any]:
    return {"members": campaigns().import_members(campaign_id, *uploaded())}


@api.post("/campaigns/<int:campaign_id>/registrations")
@endpoint(
    "Register for a campaign (contestants): the fields it asks, and its identity",
    tag="campaigns",
    document=CampaignRegistrationFormSchema,
    response=CampaignRegisteredSchema,
    status=201,
    errors=(404, 409, 422, 429),
)
def register(campaign_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return wiring().registrations.register(campaign_id, body, clock.now_ms(), request.remote_addr)


@api.get("/campaigns/<int:campaign_id>/registrations")
@endpoint(
    "The registrations, phones masked unless the caller may see personal data",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=CampaignRegistrationSchema,
    many=True,
)
def list_registrations(campaign_id: int) -> list[dict[str, Any]]:
    return wiring().registrations.registrations(g.organiser, campaign_id)


@api.post("/campaigns/<int:campaign_id>/entries")
@endpoint(
    "Start an attempt (contestants): the registration enters a stage's self-paced round "
    "if the stage's attempt rule allows",
    tag="campaigns",
    body=NewCampaignEntrySchema,
    response=CampaignEntrySchema,
    status=201,
    errors=(404, 409),
)
def start_attempt(campaign_id: int, body: dict[str, Any]) -> dict[str, Any]:
    wired = wiring()
    contestant = wired.campaign_entries.enter(
        campaign_id,
        body["token"],
        body["round"],
        clock.now_ms(),
        practice=body["practice"],
        elder=body["elder"],
    )
    token = wired.contestant_tokens.issue({"round": body["round"], "contestant": contestant})
    return {"contestant": contestant, "token": token}


@api.get("/campaigns/<int:campaign_id>/participation")
@endpoint(
    "Participants, headcount and rate per unit, district or city, counted live",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    query=ParticipationQuerySchema,
    response=ParticipationSchema,
    errors=(409,),
)
def get_participation(campaign_id: int, query: dict[str, Any]) -> Response:
    table = wiring().participation.participation(campaign_id, query["by"], query["stage"])
    return unchecked(table)


@api.get("/campaigns/<int:campaign_id>/board")
@endpoint(
    "The public participation board: rates per unit, district or city, nothing personal",
    tag="campaigns",
    query=ParticipationQuerySchema,
    response=BoardSchema,
    errors=(404, 409, 422),
)
def public_board(campaign_id: int, query: dict[str, Any]) -> Response:
    counted = wiring().participation.participation(campaign_id, query["by"], query["stage"])
    return unchecked(
        {
            "by": counted["by"],
            "stage": counted["stage"],
            # Rates only: no count of people leaves on the public board.
            "rows": [
                {"code": r["code"], "name": r["name"], "rate": r["rate"]} for r in counted["rows"]
            ],
            "rate": counted["campaign"]["rate"],
        }
    )


def unchecked(table: dict[str, Any]) -> Response:
    """A participation table as JSON without its marshmallow dump: the service builds it
    of plain values with the schema's keys (``tests/web/test_campaign_live_counts.py``
    checks that it dumps to itself), and dumping 5,000 unit rows cost more than the
    rest of the request."""
    return jsonify(table)


@api.get("/campaigns/<int:campaign_id>/rankings")
@endpoint(
    "Top-level units ranked by the campaign's weighting of rate, mean score and count",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    query=RankingsQuerySchema,
    response=UnitRankingsSchema,
    errors=(409,),
)
def get_rankings(campaign_id: int, query: dict[str, Any]) -> dict[str, Any]:
    wiring().drainer.drain_all()
    return wiring().participation.rankings(campaign_id, query["stage"])


@api.get("/campaigns/<int:campaign_id>/stages/<int:position>/qualifiers")
@endpoint(
    "Who advances from the stage under its advancement rule, as things stand, ties at "
    "the cut marked: for review (nothing is entered yet)",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    response=QualificationSchema,
    errors=(409, 422),
)
def get_qualifiers(campaign_id: int, position: int) -> dict[str, Any]:
    wiring().drainer.drain_all()
    return wiring().advancement.qualifiers(campaign_id, position)


@api.post("/campaigns/<int:campaign_id>/stages/<int:position>/qualifiers")
@endpoint(
    "Confirm the stage's qualifiers (all, or those kept) once its rounds have finished: "
    "only they start the next stage's attempts",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    body=ConfirmSchema,
    response=ConfirmedSchema,
    errors=(409, 422),
)
def confirm_qualifiers(campaign_id: int, position: int, body: dict[str, Any]) -> dict[str, Any]:
    wiring().drainer.drain_all()
    return wiring().advancement.confirm_qualifiers(
        g.organiser, campaign_id, position, body["registrations"]
    )


PARTICIPATION_SHEETS = (("unit", "单位"), ("district", "区县"), ("city", "城市"))
PARTICIPATION_HEADERS = ("编码", "名称", "参与人数", "应参与人数", "参与率")
REGISTRATION_HEADERS = ("编号", "昵称", "姓名", "手机", "地区", "单位", "学校", "年级", "报名时间")


@api.get("/campaigns/<int:campaign_id>/participation.xlsx")
@endpoint(
    "Participation as .xlsx: a sheet each for units, districts and cities",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
    query=RankingsQuerySchema,
    errors=(409,),
)
def participation_xlsx(campaign_id: int, query: dict[str, Any]) -> Response:
    tables = []
    for by, title in PARTICIPATION_SHEETS:
        counted = wiring().participation.participation(campaign_id, by, query["stage"])
        rows = [*counted["rows"], {"code": "", "name": "合计", **counted["campaign"]}]
        tables.append(
            Table(
                by,
                title,
                ("code", "name", "participants", "headcount", "rate"),
                PARTICIPATION_HEADERS,
                tuple(
                    (r["code"], r["name"], r["participants"], r["headcount"], r["rate"])
                    for r in rows
                ),
            )
        )
    return spreadsheet(wiring().workbook(tables), f"campaign-{campaign_id}-participation.xlsx")


@api.get("/campaigns/<int:campaign_id>/registrations.xlsx")
@endpoint(
    "The registrations as .xlsx, phones masked unless the caller may see personal data",
    tag="campaigns",
    capability=ROUNDS,
    hosted="campaign",
)
def registrations_xlsx(campaign_id: int) -> Response:
    service = campaigns()
    places = service.places(campaign_id)
    units = {u["id"]: u["name"] for u in service.units(campaign_id)}
    rows = tuple(
        (
            r["id"],
            r["nickname"],
            r["name"],
            r["phone"],
            None if r["place"] is None else places.get(r["place"]).name["zh-Hans"],
            units.get(r["unit_id"]),
            r["details"].get("school"),
            r["details"].get("grade"),
            r["registered_at_ms"],
        )
        for r in wiring().registrations.registrations(g.organiser, campaign_id)
    )
    sheet = Table("registrations", "报名", REGISTRATION_HEADERS, REGISTRATION_HEADERS, rows)
    return spreadsheet(wiring().workbook([sheet]), f"campaign-{campaign_id}-registrations.xlsx")


# -- uploads ----------------------------------------------------------------------------


def uploaded() -> tuple[bytes, str]:
    request.max_content_length = wiring().settings.max_media_bytes
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "file_missing", "Send the file as the multipart field 'file'.")
    return upload.read(), PurePath(upload.filename or "").name or "upload.csv"
