"""Schemas shared by every resource."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    # Named "fields" on the wire; an attribute of that name would hide Schema.fields.
    problems = fields.Dict(keys=fields.String(), attribute="fields", data_key="fields")
    reason = fields.String(
        metadata={"description": "tells apart refusals sharing a code, e.g. why a nickname"}
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)
