"""Socket.IO payloads: validated before anything else happens."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from web.ids import ID_RANGE

ROUND_CODE = validate.Length(min=4, max=16)


class JoinSchema(Schema):
    code = fields.String(required=True, validate=ROUND_CODE)
    #: Required unless a registration names the contestant.
    nickname = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    team = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    resume_token = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=512)
    )
    #: One entry per identity, when given (kept only as a keyed hash; see entrants.py).
    identity = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=128)
    )
    #: A campaign registration's token: a live round of a campaign's stage admits only
    #: registrations (qualifiers, after a stage that advances them; docs/campaigns.md).
    registration = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=64)
    )
    #: The page is in elderly mode: a self-paced round whose rules allow it doubles this
    #: entry's time (the server's clock; docs/elderly-mode.md). Live rounds ignore it.
    elder = fields.Boolean(load_default=False, truthy={True}, falsy={False})

    @validates_schema
    def _named(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("nickname") is None and data.get("registration") is None:
            raise ValidationError(["Missing data for required field."], "nickname")


class AnswerSchema(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=64))
    #: A choice key or position, a list of them, true/false, or text: the checker decides.
    response = fields.Raw(required=True, allow_none=False)
    seq = fields.Integer(load_default=None, allow_none=True)
    #: Self-paced: the ack also carries ``next``, the next delivery (as ``next`` acks it).
    advance = fields.Boolean(load_default=False)

    @staticmethod
    def plain(data: object) -> dict[str, Any] | None:
        """What ``load`` returns for a plain, well-formed answer; None for anything else
        (``load`` then decides and says what is wrong). An answer burst is thousands of
        these a second, and ``load`` cost the serving process about as much CPU as the
        rest of judging and recording the answer."""
        if not isinstance(data, dict) or not data.keys() <= ANSWER_FIELDS:
            return None
        question, seq = data.get("question"), data.get("seq")
        advance = data.get("advance", False)
        if not (isinstance(question, str) and 1 <= len(question) <= 64):
            return None
        if data.get("response") is None or not (seq is None or type(seq) is int):
            return None
        if type(advance) is not bool:
            return None
        return {"question": question, "response": data["response"], "seq": seq, "advance": advance}


ANSWER_FIELDS = frozenset(AnswerSchema().fields)


class LeaveSchema(Schema):
    """Leave the round joined on this connection: an empty object. It names nobody, so
    a contestant can only ever leave as itself (a ``contestant`` field is refused)."""


class AttachSchema(Schema):
    round = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    token = fields.String(required=True, validate=validate.Length(min=1, max=512))


class KickSchema(Schema):
    contestant = fields.String(required=True, validate=validate.Length(min=1, max=32))


class WatchSchema(Schema):
    code = fields.String(required=True, validate=ROUND_CODE)


class FocusLostSchema(Schema):
    """The phone's page lost focus (hidden, left, blurred) during a question."""

    question = fields.String(required=True, validate=validate.Length(min=1, max=64))
    at = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=2**53),
        metadata={"description": "the phone's epoch ms; tells a retry from a new switch"},
    )


class FocusReportSchema(Schema):
    counted = fields.Boolean(metadata={"description": "false for a retry already counted"})
    switches = fields.Integer(metadata={"description": "this contestant's switches so far"})
    tolerance = fields.Integer(metadata={"description": "switches tolerated before a signal"})
    submitted = fields.Boolean(metadata={"description": "the paper was handed in by switches"})
