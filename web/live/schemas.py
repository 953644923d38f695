"""Socket.IO payloads: validated before anything else happens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

ROUND_CODE = validate.Length(min=4, max=16)


class JoinSchema(Schema):
    code = fields.String(required=True, validate=ROUND_CODE)
    nickname = fields.String(required=True, validate=validate.Length(min=1, max=64))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    team = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    resume_token = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=512)
    )
    #: Self-paced rounds: one entry per identity (kept only as a keyed hash).
    identity = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=128)
    )


class AnswerSchema(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=64))
    #: A choice key or position, a list of them, true/false, or text: the checker decides.
    response = fields.Raw(required=True, allow_none=False)
    seq = fields.Integer(load_default=None, allow_none=True)


class AttachSchema(Schema):
    round = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    token = fields.String(required=True, validate=validate.Length(min=1, max=512))


class KickSchema(Schema):
    contestant = fields.String(required=True, validate=validate.Length(min=1, max=32))


class WatchSchema(Schema):
    code = fields.String(required=True, validate=ROUND_CODE)
