"""The OpenAPI 3 document, generated from the routes' ``@endpoint`` declarations."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from web.api.endpoint import Operation
from web.api.schemas import ErrorSchema

_PATH_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
_PARAM_TYPES = {"int": "integer", "float": "number"}


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Leitai API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Competitions, question banks, rounds and standings."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        operation = getattr(app.view_functions[rule.endpoint], "operation", None)
        if operation is None:
            continue
        path = _PATH_PARAM.sub(r"{\g<name>}", rule.rule)
        parameters = [
            {
                "in": "path",
                "name": match["name"],
                "required": True,
                "schema": {"type": _PARAM_TYPES.get(match["converter"] or "", "string")},
            }
            for match in _PATH_PARAM.finditer(rule.rule)
        ]
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        spec.path(
            path=path,
            operations={m.lower(): _operation(operation, parameters) for m in methods},
        )
    return spec.to_dict()


def _operation(operation: Operation, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "summary": operation.summary,
        "tags": [operation.tag],
        "parameters": list(parameters),
        "responses": {},
    }
    if operation.query is not None:
        doc["parameters"].append({"in": "query", "schema": operation.query})
    body = operation.body or operation.document
    if body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    success: dict[str, Any] = {"description": "OK"}
    if operation.response is not None:
        schema: Any = operation.response
        if operation.many:
            schema = {"type": "array", "items": operation.response}
        success["content"] = {"application/json": {"schema": schema}}
    doc["responses"][str(operation.status)] = success
    errors = set(operation.errors)
    if operation.needs_token:
        doc["security"] = [{"bearer": []}]
        errors |= {401, 403} if operation.capability else {401}
    if operation.hosted is not None:
        errors |= {404}  # to every organiser who does not host it, too
    if body is not None:
        errors |= {400, 413, 422}
    for status in sorted(errors):
        doc["responses"][str(status)] = {
            "description": "Error",
            "content": {"application/json": {"schema": "Error"}},
        }
    return doc
