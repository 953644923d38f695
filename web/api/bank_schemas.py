"""Schemas of question banks as the API shows them (the bank file shape, in JSON)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.domain.banks import (
    MAX_ALT,
    MAX_CHOICE,
    MAX_EXPLANATION,
    MAX_PROMPT,
    MAX_SOURCE,
    MAX_TITLE,
)
from engine.domain.questions import LOCALES
from web.ids import ID_RANGE

Localized = fields.Dict(
    keys=fields.String(validate=validate.OneOf(LOCALES)),
    values=fields.String(),
    metadata={"description": "text per locale: " + ", ".join(LOCALES)},
)


def texts(limit: int, **options: Any) -> fields.Dict:
    """Text per locale, each at most ``limit`` characters (the bank rules check it too)."""
    return fields.Dict(
        keys=fields.String(), values=fields.String(validate=validate.Length(max=limit)), **options
    )


class ChoiceSchema(Schema):
    key = fields.String(required=True)
    text = texts(MAX_CHOICE, required=True)


class MediaRefSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["audio", "image"]))
    path = fields.String(required=True)
    alt = texts(MAX_ALT, required=True)
    sha256 = fields.String(metadata={"description": "of an uploaded file (POST /media)"})


class QuestionSchema(Schema):
    key = fields.String(required=True)
    type = fields.String(
        required=True,
        validate=validate.OneOf(["single", "multiple", "true_false", "text", "order"]),
    )
    prompt = texts(MAX_PROMPT, required=True)
    choices = fields.List(fields.Nested(ChoiceSchema))
    answer = fields.List(
        fields.Raw(),
        required=True,
        metadata={"description": "choice keys; [true] or [false]; accepted strings; keys in order"},
    )
    difficulty = fields.Integer(required=True, validate=validate.Range(1, 5))
    tags = fields.List(fields.String())
    enemies = fields.List(
        fields.String(),
        metadata={"description": "enemy groups: no paper holds two questions of one group"},
    )
    normalise = fields.List(
        fields.String(),
        metadata={"description": "text questions: normalisers, e.g. strip_suffix:市"},
    )
    time_limit_s = fields.Integer(allow_none=True)
    media = fields.Nested(MediaRefSchema, allow_none=True)
    explanation = texts(MAX_EXPLANATION, allow_none=True)
    source = fields.String(required=True, validate=validate.Length(max=MAX_SOURCE))


class BankDocumentSchema(Schema):
    format = fields.String(dump_default="leitai-bank/1")
    slug = fields.String(required=True)
    title = texts(MAX_TITLE, required=True)
    default_locale = fields.String(required=True)
    questions = fields.List(fields.Nested(QuestionSchema), required=True)


class NewBankSchema(Schema):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = texts(MAX_TITLE, required=True)
    default_locale = fields.String(required=True, validate=validate.OneOf(LOCALES))


class BankSummarySchema(Schema):
    slug = fields.String(required=True)
    title = fields.Dict(keys=fields.String(), values=fields.String())
    default_locale = fields.String()
    draft_questions = fields.Integer()
    latest_version = fields.Integer(allow_none=True)
    latest_hash = fields.String(allow_none=True)
    versions = fields.Integer()


class VersionSchema(Schema):
    slug = fields.String()
    number = fields.Integer(data_key="version")
    hash = fields.String()
    question_count = fields.Integer()
    published_by = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)


class PublishedSchema(VersionSchema):
    created = fields.Boolean(metadata={"description": "false when the draft equals the latest"})


class VersionContentSchema(VersionSchema):
    bank = fields.Nested(BankDocumentSchema)


class QuestionChangeSchema(Schema):
    key = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields")


class DiffSchema(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    changed = fields.List(fields.Nested(QuestionChangeSchema))
    bank_fields = fields.List(fields.String())


class DiffQuerySchema(Schema):
    from_ = fields.Integer(data_key="from", required=True, validate=ID_RANGE)
    to = fields.Integer(required=True, validate=ID_RANGE)


class MediaSchema(Schema):
    sha256 = fields.String()
    mime = fields.String()
    size = fields.Integer()
    duration_ms = fields.Integer(allow_none=True)
    url = fields.String()
