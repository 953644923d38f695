"""Bans over HTTP: what the ``/host`` events ``kick`` and ``unban`` do, for live and
self-paced rounds alike."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields

from engine.domain.accounts import Capability
from web.api import api
from web.api.endpoint import endpoint
from web.live.ejection import eject
from web.wiring import wiring


class BannedSchema(Schema):
    contestant = fields.String()
    nickname = fields.String()
    region = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    points = fields.Integer(metadata={"description": "the round score when banned"})
    total_ms = fields.Integer()


class BansSchema(Schema):
    bans = fields.List(fields.Nested(BannedSchema))


class BanSchema(Schema):
    contestant = fields.String()
    banned = fields.Boolean()


@api.get("/rounds/<int:round_id>/bans")
@endpoint(
    "The contestants banned from a round, with their score when banned",
    tag="rounds",
    capability=Capability.ROUNDS,
    hosted="round",
    response=BansSchema,
    errors=(404,),
)
def list_bans(round_id: int) -> dict[str, Any]:
    return {"bans": wiring().bans.banned(round_id)}


@api.put("/rounds/<int:round_id>/bans/<contestant>")
@endpoint(
    "Ban a contestant from the round (as the /host kick): answers, token, identity and "
    "look-alike nicknames refused; off the boards, kept in the results",
    tag="rounds",
    capability=Capability.ROUNDS,
    hosted="round",
    response=BanSchema,
    errors=(404, 409),
)
def ban(round_id: int, contestant: str) -> dict[str, Any]:
    wiring().bans.ban(round_id, contestant)
    eject(current_app.extensions["leitai.socketio"].server, round_id, contestant)
    return {"contestant": contestant, "banned": True}


@api.delete("/rounds/<int:round_id>/bans/<contestant>")
@endpoint(
    "Lift a ban: the contestant may come back, with the score they had",
    tag="rounds",
    capability=Capability.ROUNDS,
    hosted="round",
    response=BanSchema,
    errors=(404, 409),
)
def lift_ban(round_id: int, contestant: str) -> dict[str, Any]:
    wiring().bans.lift(round_id, contestant)
    return {"contestant": contestant, "banned": False}
