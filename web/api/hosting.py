"""Who hosts a competition: the competitions an organiser may see, and their co-hosts.

The owner (or an admin) adds a co-host with ``PUT .../hosts/{username}`` and removes
one with ``DELETE``; both are idempotent and answer with the hosts as they are now.
"""

from __future__ import annotations

from typing import Any

from flask import g
from marshmallow import Schema, fields

from engine.domain.accounts import Capability
from web.api import api
from web.api.endpoint import endpoint
from web.api.round_schemas import CompetitionSummarySchema
from web.api.users import OrganiserSchema
from web.wiring import wiring

ROUNDS = Capability.ROUNDS


class HostsSchema(Schema):
    competition = fields.Integer()
    owner = fields.Nested(
        OrganiserSchema, allow_none=True, metadata={"description": "null: admins only"}
    )
    cohosts = fields.List(fields.Nested(OrganiserSchema))


@api.get("/competitions")
@endpoint(
    "The competitions the caller owns or co-hosts (an admin: every one), newest first",
    tag="competitions",
    capability=ROUNDS,
    response=CompetitionSummarySchema,
    many=True,
)
def list_competitions() -> list[dict[str, Any]]:
    return wiring().ownership.visible(g.organiser)


@api.get("/competitions/<int:competition_id>/hosts")
@endpoint(
    "The competition's owner and co-hosts",
    tag="competitions",
    capability=ROUNDS,
    hosted="competition",
    response=HostsSchema,
)
def hosts(competition_id: int) -> dict[str, Any]:
    return wiring().ownership.hosts_of(g.organiser, competition_id)


@api.put("/competitions/<int:competition_id>/hosts/<username>")
@endpoint(
    "Add a co-host (owner or admin): they then drive the competition's rounds",
    tag="competitions",
    capability=ROUNDS,
    hosted="competition",
    response=HostsSchema,
    errors=(403, 422),
)
def appoint_host(competition_id: int, username: str) -> dict[str, Any]:
    return wiring().ownership.appoint(g.organiser, competition_id, username)


@api.delete("/competitions/<int:competition_id>/hosts/<username>")
@endpoint(
    "Remove a co-host (owner or admin); their open /host connections stop working",
    tag="competitions",
    capability=ROUNDS,
    hosted="competition",
    response=HostsSchema,
    errors=(403, 422),
)
def dismiss_host(competition_id: int, username: str) -> dict[str, Any]:
    return wiring().ownership.dismiss(g.organiser, competition_id, username)
