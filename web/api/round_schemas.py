"""Schemas of competitions, rounds and standings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.domain.integrity import MAX_SETTING
from engine.domain.scoring import MAX_POINTS
from web.ids import ID_RANGE


class QuotaSchema(Schema):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=500))
    tag = fields.String(allow_none=True)
    difficulty = fields.List(fields.Integer(validate=validate.Range(1, 5)), allow_none=True)


class DrawRuleSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["fixed", "random"]))
    keys = fields.List(fields.String())
    quotas = fields.List(fields.Nested(QuotaSchema))
    shuffle_questions = fields.Boolean()
    shuffle_options = fields.Boolean()


class ScoringRulesSchema(Schema):
    points = fields.Integer(validate=validate.Range(min=0, max=MAX_POINTS))
    speed = fields.String(validate=validate.OneOf(["none", "kahoot", "linear"]))
    streak_step = fields.Integer(validate=validate.Range(min=0, max=MAX_POINTS))
    streak_cap = fields.Integer(validate=validate.Range(min=0, max=MAX_POINTS))
    wrong_penalty = fields.Integer(validate=validate.Range(min=0, max=MAX_POINTS))
    accuracy_only = fields.Boolean()


class RulesSchema(Schema):
    mode = fields.String(
        required=True, validate=validate.OneOf(["live", "elimination", "self_paced"])
    )
    scoring = fields.Nested(ScoringRulesSchema)
    draw = fields.Nested(DrawRuleSchema, required=True)
    regions = fields.List(fields.String())
    teams = fields.List(fields.String())
    partial_credit = fields.Boolean()
    default_time_limit_s = fields.Integer(validate=validate.Range(5, 600))
    revival_tokens = fields.Integer(validate=validate.Range(0, 10))
    weights = fields.Dict(keys=fields.String(), values=fields.Float())
    freeze_at_question = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "1-based; the public leaderboard freezes as it opens"},
    )
    elder_extra_time = fields.Boolean(
        metadata={
            "description": "self-paced only: an entry made in elderly mode (elder: true) "
            "gets twice each question's time, on the server's clock"
        }
    )


class NewCompetitionSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    bank = fields.String(required=True, validate=validate.Length(min=1, max=64))
    bank_version = fields.Integer(required=True, validate=ID_RANGE)
    rules = fields.Dict(required=True, metadata={"description": "see RulesSchema"})


class NewRoundSchema(Schema):
    opens_at = fields.Integer(allow_none=True, metadata={"description": "server epoch ms"})
    closes_at = fields.Integer(allow_none=True, metadata={"description": "server epoch ms"})
    focus_tolerance = fields.Integer(
        validate=validate.Range(0, MAX_SETTING),
        metadata={"description": "page switches during questions before a signal (3)"},
    )
    submit_after_switches = fields.Integer(
        allow_none=True,
        validate=validate.Range(1, MAX_SETTING),
        metadata={"description": "self-paced: the switch that submits the paper (none)"},
    )


class FocusSchema(Schema):
    focus_tolerance = fields.Integer()
    submit_after_switches = fields.Integer(allow_none=True)


class RoundSummarySchema(Schema):
    id = fields.Integer()
    competition_id = fields.Integer()
    code = fields.String()
    watch_code = fields.String()
    status = fields.String()


class CompetitionSummarySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    mode = fields.String()
    bank_slug = fields.String(data_key="bank")
    bank_version = fields.Integer()
    bank_hash = fields.String()
    rules = fields.Dict(metadata={"description": "as given, in RulesSchema shape"})
    created_by = fields.String(allow_none=True)
    owner_id = fields.Integer(
        allow_none=True, metadata={"description": "the owning organiser; null: admins only"}
    )


class CompetitionSchema(CompetitionSummarySchema):
    rounds = fields.List(fields.Nested(RoundSummarySchema))


class RoundStateSchema(Schema):
    round = fields.Integer()
    title = fields.String()
    mode = fields.String()
    status = fields.String()
    seq = fields.Integer()
    index = fields.Integer()
    total = fields.Integer()
    contestants = fields.Integer()
    question = fields.Dict(allow_none=True)
    reveal = fields.Dict(allow_none=True)


class RoundSchema(RoundSummarySchema):
    state = fields.Nested(RoundStateSchema, allow_none=True)
    answers = fields.Dict(allow_none=True)
    window = fields.Dict(
        allow_none=True, metadata={"description": "self-paced: opens_at, closes_at"}
    )
    focus = fields.Nested(FocusSchema)
