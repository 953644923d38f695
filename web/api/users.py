"""Organiser accounts over HTTP: who am I, and (admin) who else is there."""

from __future__ import annotations

from typing import Any

from flask import g
from marshmallow import Schema, fields, validate

from engine.domain.accounts import Capability, Organiser, Role
from web.api import api
from web.api.endpoint import endpoint
from web.wiring import wiring


class OrganiserSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True)


class NewOrganiserSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))


@api.get("/auth/me")
@endpoint("The organiser this token belongs to", tag="auth", login=True, response=OrganiserSchema)
def me() -> Organiser:
    return g.organiser


@api.get("/users")
@endpoint(
    "List organisers",
    tag="users",
    capability=Capability.ACCOUNTS,
    response=OrganiserSchema,
    many=True,
)
def list_users() -> list[Organiser]:
    return [account.organiser for account in wiring().accounts.list()]


@api.post("/users")
@endpoint(
    "Add an organiser",
    tag="users",
    capability=Capability.ACCOUNTS,
    body=NewOrganiserSchema,
    response=OrganiserSchema,
    status=201,
    errors=(409,),
)
def add_user(body: dict[str, Any]) -> Organiser:
    return wiring().accounts.add(body["username"], body["password"], body["role"])
