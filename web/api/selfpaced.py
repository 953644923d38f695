"""Self-paced rounds over plain HTTP: enter, take the next question, answer.

Contestants authenticate with the signed token the entry returns; every clock is the
server's.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from marshmallow import Schema, fields, validate

from engine.domain.accounts import Capability
from engine.services.integrity import FocusReport
from engine.services.selfpaced import delivered
from web import clock
from web.api import api
from web.api.endpoint import contestant_of, endpoint
from web.live.schemas import FocusLostSchema, FocusReportSchema
from web.wiring import wiring


class EntrySchema(Schema):
    nickname = fields.String(required=True, validate=validate.Length(min=1, max=64))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    team = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    identity = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=128),
        metadata={"description": "e.g. a real-name ID; stored only as a keyed hash"},
    )
    elder = fields.Boolean(
        load_default=False,
        truthy={True},
        falsy={False},
        metadata={"description": "entered in elderly mode: double time if the rules allow"},
    )


class EntryCreatedSchema(Schema):
    contestant = fields.String()
    nickname = fields.String()
    token = fields.String()
    total = fields.Integer(metadata={"description": "questions on the personal paper"})
    seed = fields.String(metadata={"description": "the option-order seed of this paper"})


class DeliverySchema(Schema):
    question = fields.Dict(allow_none=True, metadata={"description": "null when done"})
    index = fields.Integer()
    total = fields.Integer()
    deadline = fields.Integer(allow_none=True, metadata={"description": "server epoch ms"})
    remaining_ms = fields.Integer()
    missed = fields.List(fields.Integer())
    server_time = fields.Integer()
    done = fields.Boolean()


class SelfPacedAnswerSchema(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=64))
    response = fields.Raw(required=True, allow_none=False)
    key = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={"description": "client idempotency key; a retry returns the first result"},
    )
    advance = fields.Boolean(
        load_default=False,
        metadata={
            "description": "answer and advance: the reply carries `next`, the next delivery "
            "(its clock started now), saving the GET /paper/next call"
        },
    )

    @staticmethod
    def plain(data: dict[str, Any]) -> dict[str, Any] | None:
        """What ``load`` returns for a plain, well-formed answer; None for anything else
        (``load`` then decides and says what is wrong): the endpoint's fast path, as
        ``/play``'s (web/live/schemas.py), for the body of every self-paced answer."""
        if not data.keys() <= SELFPACED_ANSWER_FIELDS:
            return None
        question, key, advance = data.get("question"), data.get("key"), data.get("advance", False)
        if not (isinstance(question, str) and 1 <= len(question) <= 64):
            return None
        if data.get("response") is None or type(advance) is not bool:
            return None
        if not (key is None or (isinstance(key, str) and len(key) <= 64)):
            return None
        return {"question": question, "response": data["response"], "key": key, "advance": advance}


SELFPACED_ANSWER_FIELDS = frozenset(SelfPacedAnswerSchema().fields)


class AnswerResultSchema(Schema):
    accepted = fields.Boolean()
    duplicate = fields.Boolean()
    result = fields.Dict()
    answer = fields.List(fields.Raw())
    explanation = fields.Dict(allow_none=True)
    next = fields.Nested(
        DeliverySchema,
        metadata={
            "description": "with `advance`: what GET /paper/next returns now; absent when "
            "that is refused (ask it for the reason)"
        },
    )


class ExtraTimeSchema(Schema):
    multiplier = fields.Float(required=True, validate=validate.Range(1, 3))


@api.post("/rounds/<int:round_id>/entries")
@endpoint(
    "Enter a self-paced round (one entry per identity)",
    tag="self-paced",
    body=EntrySchema,
    response=EntryCreatedSchema,
    status=201,
    errors=(404, 409),
)
def enter(round_id: int, body: dict[str, Any]) -> dict[str, Any]:
    wired = wiring()
    wired.campaign_entries.refuse_direct_entry(round_id)
    entry = wired.selfpaced.enter(
        round_id,
        body["nickname"],
        body["region"],
        body["team"],
        clock.now_ms(),
        identity=body["identity"],
        client=request.remote_addr,
        elder=body["elder"],
    )
    plan = wired.selfpaced.plan(round_id)
    token = wired.contestant_tokens.issue({"round": round_id, "contestant": entry.contestant})
    return {
        "contestant": entry.contestant,
        "nickname": entry.nickname,
        "token": token,
        "total": plan.rules.draw.size,
        "seed": wired.selfpaced.seed_for(plan, entry.contestant),
    }


@api.get("/rounds/<int:round_id>/paper/next")
@endpoint(
    "The current question of my paper; its clock starts on first delivery",
    tag="self-paced",
    response=DeliverySchema,
    errors=(401, 403, 404, 409),
)
def next_question(round_id: int) -> dict[str, Any]:
    contestant = contestant_of(round_id)
    now = clock.now_ms()
    return delivered(wiring().selfpaced.next_question(round_id, contestant, now), now)


@api.post("/rounds/<int:round_id>/answers")
@endpoint(
    "Answer the delivered question (idempotent; late answers score zero)",
    tag="self-paced",
    body=SelfPacedAnswerSchema,
    response=AnswerResultSchema,
    errors=(401, 403, 404, 409),
)
def answer(round_id: int, body: dict[str, Any]) -> dict[str, Any]:
    contestant = contestant_of(round_id)
    return wiring().selfpaced.answer(
        round_id,
        contestant,
        body["question"],
        body["response"],
        clock.now_ms(),
        advance=body["advance"],
    )


@api.post("/rounds/<int:round_id>/focus-lost")
@endpoint(
    "Report that the page lost focus during a delivered question (counted once per "
    "report; may submit the paper, see the round's focus settings)",
    tag="self-paced",
    body=FocusLostSchema,
    response=FocusReportSchema,
    errors=(401, 403, 404, 409),
)
def focus_lost(round_id: int, body: dict[str, Any]) -> FocusReport:
    contestant = contestant_of(round_id)
    return wiring().integrity.focus_lost(round_id, contestant, body["question"], body["at"])


@api.post("/rounds/<int:round_id>/entries/<contestant>/extra-time")
@endpoint(
    "Grant a contestant extra time (accessibility)",
    tag="self-paced",
    capability=Capability.ROUNDS,
    hosted="round",
    body=ExtraTimeSchema,
)
def extra_time(round_id: int, contestant: str, body: dict[str, Any]) -> dict[str, Any]:
    wiring().selfpaced.grant_extra_time(round_id, contestant, body["multiplier"])
    return {"contestant": contestant, "multiplier": body["multiplier"], "by": g.organiser.username}
