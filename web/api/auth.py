"""Organiser login (a username and password for a signed, expiring bearer token) and
logout (the token revoked)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import Schema, fields, validate

from web.api import api
from web.api.endpoint import bearer_token, endpoint
from web.wiring import wiring


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})
    role = fields.String(required=True)


@api.post("/auth/token")
@endpoint(
    "Log in as an organiser",
    tag="auth",
    body=TokenRequestSchema,
    response=TokenSchema,
    errors=(400, 401, 422, 429),
)
def issue_token(body: dict[str, Any]) -> dict[str, Any]:
    wired = wiring()
    organiser = wired.accounts.authenticate(
        body["username"], body["password"], client=request.remote_addr or "unknown"
    )
    signer = wired.organiser_tokens
    return {
        "token": signer.issue(wired.accounts.claims(organiser)),
        "token_type": "Bearer",
        "expires_in": signer.ttl_s,
        "role": organiser.role.value,
    }


@api.post("/auth/logout")
@endpoint("Log out: revoke the token this request carries", tag="auth", login=True, status=204)
def logout() -> Response:
    wired = wiring()
    signer = wired.organiser_tokens
    wired.accounts.logout(signer.verify(bearer_token()), signer.ttl_s)
    return Response(status=204)
