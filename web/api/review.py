"""A contestant's review of their own paper, once the reveal rule allows, and a campaign
registration's wrong answers over its attempts (docs/review.md)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from engine.domain.questions import LOCALES
from web import clock
from web.api import api
from web.api.endpoint import bearer_token, contestant_of, endpoint
from web.wiring import wiring


class ReviewQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busting parameters are fine

    lang = fields.String(
        load_default=None,
        validate=validate.OneOf(LOCALES),
        metadata={"description": "the reader's language; the bank's default locale if absent"},
    )
    wrong_only = fields.Boolean(
        load_default=False, metadata={"description": "only questions not answered right"}
    )


class ReviewChoiceSchema(Schema):
    key = fields.String()
    text = fields.String()


class ReviewItemSchema(Schema):
    index = fields.Integer(metadata={"description": "position on the contestant's paper"})
    key = fields.String()
    type = fields.String()
    prompt = fields.String()
    choices = fields.List(fields.Nested(ReviewChoiceSchema), metadata={"description": "as shown"})
    answered = fields.Boolean()
    response = fields.Raw(allow_none=True, metadata={"description": "as recorded"})
    response_choices = fields.List(fields.Nested(ReviewChoiceSchema))
    answer = fields.Raw(metadata={"description": "the answer key"})
    answer_choices = fields.List(fields.Nested(ReviewChoiceSchema))
    correct = fields.Boolean()
    points = fields.Integer()
    skipped = fields.Boolean()
    explanation = fields.String(allow_none=True)


class ReviewSchema(Schema):
    round = fields.Integer()
    contestant = fields.String()
    lang = fields.String()
    total = fields.Integer(metadata={"description": "questions on the paper"})
    reviewable = fields.Integer(metadata={"description": "questions whose review is open"})
    opens_at = fields.Integer(
        allow_none=True, metadata={"description": "server epoch ms when more opens, if known"}
    )
    questions = fields.List(fields.Nested(ReviewItemSchema))


@api.get("/rounds/<int:round_id>/review")
@endpoint(
    "My paper with my answers, the keys and explanations, once the reveal rule allows "
    "(409 review_not_yet before)",
    tag="review",
    query=ReviewQuerySchema,
    response=ReviewSchema,
    errors=(401, 403, 404, 409, 422),
)
def review(round_id: int, query: dict[str, Any]) -> dict[str, Any]:
    contestant = contestant_of(round_id)
    wired = wiring()
    wired.drainer.drain_all()  # the contestant's latest answers may still be in Redis
    return wired.reviews.review(
        round_id,
        contestant,
        clock.now_ms(),
        lang=query["lang"],
        wrong_only=query["wrong_only"],
    )


class MistakesQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    lang = fields.String(
        load_default=None,
        validate=validate.OneOf(LOCALES),
        metadata={"description": "the reader's language; each bank's default locale if absent"},
    )


class AttemptMistakesSchema(Schema):
    round = fields.Integer()
    stage = fields.Integer(metadata={"description": "the stage's position"})
    practice = fields.Boolean()
    started_at = fields.Integer(metadata={"description": "server epoch ms"})
    total = fields.Integer(allow_none=True, metadata={"description": "null: review not open"})
    reviewable = fields.Integer()
    opens_at = fields.Integer(
        allow_none=True, metadata={"description": "server epoch ms when more opens, if known"}
    )
    wrong = fields.List(fields.Nested(ReviewItemSchema))


class MistakesSchema(Schema):
    campaign = fields.Integer()
    registration = fields.Integer()
    lang = fields.String(allow_none=True)
    wrong = fields.Integer(metadata={"description": "wrong answers listed, in all"})
    attempts = fields.List(fields.Nested(AttemptMistakesSchema))


@api.get("/campaigns/<int:campaign_id>/review/mine")
@endpoint(
    "My wrong answers over my attempts in the campaign's rounds (Authorization: Bearer "
    "<registration token>), each attempt as far as the reveal rule opens it",
    tag="review",
    query=MistakesQuerySchema,
    response=MistakesSchema,
    errors=(401, 403, 422),
)
def campaign_mistakes(campaign_id: int, query: dict[str, Any]) -> dict[str, Any]:
    wired = wiring()
    registration = wired.registrations.registration_of(campaign_id, bearer_token())
    wired.drainer.drain_all()  # the latest answers may still be in Redis
    return wired.reviews.campaign_mistakes(
        campaign_id, registration["id"], clock.now_ms(), lang=query["lang"]
    )
