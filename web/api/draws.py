"""Lucky draws of a finished round or of a campaign: committed when created, verifiable
once run (docs/lucky-draw.md). ``GET /draws/{id}`` is public; everything else is for the
round's hosts (a campaign's draw: the campaign's organisers)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from engine.domain.accounts import Capability
from engine.domain.lucky_draw import PoolKind, PoolRule, Prize
from web.api import api
from web.api.endpoint import endpoint
from web.wiring import wiring

ROUNDS = Capability.ROUNDS
#: Prizes a single draw gives away: a provincial draw has hundreds, not millions.
MAX_SLOTS = 10_000


class PoolRuleSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in PoolKind]))
    threshold = fields.Integer(allow_none=True, load_default=None)
    top = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))
    one_per_person = fields.Boolean(load_default=False)
    templates = fields.List(
        fields.String(validate=validate.Length(1, 64)),
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "certificate_holders: only these template keys (null: any)"},
    )
    stage = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "a campaign's stage position: qualifiers, certificate_holders"},
    )


class PrizeSchema(Schema):
    prize = fields.String(required=True, validate=validate.Length(1, 200))
    count = fields.Integer(required=True, validate=validate.Range(1, MAX_SLOTS))


class NewDrawSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    pool = fields.Nested(PoolRuleSchema, required=True)
    prizes = fields.List(
        fields.Nested(PrizeSchema), required=True, validate=validate.Length(1, 100)
    )

    @validates_schema
    def _slots(self, data: dict[str, Any], **_: Any) -> None:
        if sum(prize["count"] for prize in data.get("prizes", [])) > MAX_SLOTS:
            raise ValidationError(f"at most {MAX_SLOTS} prizes in all", "prizes")


class DisqualifySchema(Schema):
    contestant = fields.String(required=True, validate=validate.Length(1, 32))
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class CommitmentSchema(Schema):
    algorithm = fields.String()
    seed_sha256 = fields.String()
    pool_sha256 = fields.String()
    pool_size = fields.Integer()


class WinnerSchema(Schema):
    prize = fields.String()
    contestant = fields.String(allow_none=True, metadata={"description": "null: pool ran out"})
    nickname = fields.String(allow_none=True)


class DisqualificationSchema(Schema):
    contestant = fields.String()
    reason = fields.String()


class DrawSchema(Schema):
    id = fields.Integer()
    round_id = fields.Integer(allow_none=True, metadata={"description": "null: a campaign's"})
    campaign_id = fields.Integer(allow_none=True, metadata={"description": "null: a round's"})
    title = fields.String()
    status = fields.String(metadata={"description": "committed, then drawn"})
    rule = fields.Nested(PoolRuleSchema)
    prizes = fields.List(fields.Nested(PrizeSchema))
    commitment = fields.Nested(CommitmentSchema)
    created_at = fields.DateTime()
    drawn_at = fields.DateTime(allow_none=True)
    seed = fields.String(allow_none=True, metadata={"description": "hex; null until drawn"})
    pool = fields.List(fields.String(), allow_none=True)
    winners = fields.List(fields.Nested(WinnerSchema), allow_none=True)
    disqualified = fields.List(fields.Nested(DisqualificationSchema))


@api.post("/rounds/<int:round_id>/draws")
@endpoint(
    "Commit a lucky draw on a finished round: publishes the seed's and the pool's hashes",
    tag="draws",
    capability=ROUNDS,
    hosted="round",
    body=NewDrawSchema,
    response=DrawSchema,
    status=201,
    errors=(409, 422),
)
def create_draw(round_id: int, body: dict[str, Any]) -> dict[str, Any]:
    rule, prizes = _rule(body), _prizes(body)
    wiring().drainer.drain_all()  # the pool is computed from the SQL record
    return wiring().draws.create(round_id, body["title"], rule, prizes)


@api.post("/campaigns/<int:campaign_id>/draws")
@endpoint(
    "Commit a lucky draw among a campaign's certificate holders or a stage's confirmed "
    "qualifiers: publishes the seed's and the pool's hashes",
    tag="draws",
    capability=ROUNDS,
    hosted="campaign",
    body=NewDrawSchema,
    response=DrawSchema,
    status=201,
    errors=(409, 422),
)
def create_campaign_draw(campaign_id: int, body: dict[str, Any]) -> dict[str, Any]:
    rule, prizes = _rule(body), _prizes(body)
    wiring().drainer.drain_all()
    return wiring().draws.create_for_campaign(campaign_id, body["title"], rule, prizes)


@api.get("/campaigns/<int:campaign_id>/draws")
@endpoint(
    "The campaign's lucky draws",
    tag="draws",
    capability=ROUNDS,
    hosted="campaign",
    response=DrawSchema,
    many=True,
)
def campaign_draws(campaign_id: int) -> list[dict[str, Any]]:
    return wiring().draws.of_campaign(campaign_id)


def _rule(body: dict[str, Any]) -> PoolRule:
    pool = body["pool"]
    templates = pool["templates"]
    return PoolRule(
        PoolKind(pool["kind"]),
        pool["threshold"],
        pool["top"],
        pool["one_per_person"],
        None if templates is None else tuple(dict.fromkeys(templates)),
        pool["stage"],
    )


def _prizes(body: dict[str, Any]) -> list[Prize]:
    return [Prize(p["prize"], p["count"]) for p in body["prizes"]]


@api.get("/rounds/<int:round_id>/draws")
@endpoint(
    "The round's lucky draws",
    tag="draws",
    capability=ROUNDS,
    hosted="round",
    response=DrawSchema,
    many=True,
)
def round_draws(round_id: int) -> list[dict[str, Any]]:
    return wiring().draws.of_round(round_id)


@api.post("/draws/<int:draw_id>/run")
@endpoint(
    "Run a committed draw: reveals the seed, the pool and the winners",
    tag="draws",
    capability=ROUNDS,
    hosted="draw",
    response=DrawSchema,
    errors=(409,),
)
def run_draw(draw_id: int) -> dict[str, Any]:
    return wiring().draws.run(draw_id)


@api.post("/draws/<int:draw_id>/disqualify")
@endpoint(
    "Disqualify a pool member; a winner's prize goes to the next in the seeded order",
    tag="draws",
    capability=ROUNDS,
    hosted="draw",
    body=DisqualifySchema,
    response=DrawSchema,
    errors=(409, 422),
)
def disqualify(draw_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return wiring().draws.disqualify(draw_id, body["contestant"], body["reason"])


@api.get("/draws/<int:draw_id>")
@endpoint(
    "A draw, public: its commitment; once drawn, the seed, pool ids and winners' names",
    tag="draws",
    response=DrawSchema,
    errors=(404,),
)
def get_draw(draw_id: int) -> dict[str, Any]:
    return wiring().draws.view(draw_id)
