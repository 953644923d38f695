"""The linter's findings on a bank's draft, for the console's editor."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from engine.domain.accounts import Capability
from web.api import api
from web.api.endpoint import endpoint
from web.wiring import wiring


class FindingSchema(Schema):
    rule = fields.String(metadata={"description": "rule id; see docs/bank-lint.md"})
    severity = fields.String(metadata={"description": "error, warning or info"})
    message = fields.String()
    question = fields.String(allow_none=True, metadata={"description": "null: the whole bank"})
    path = fields.String(metadata={"description": "e.g. questions[3].prompt.zh-Hant"})
    related = fields.List(fields.String(), metadata={"description": "other questions involved"})
    suggestions = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "text to take, by path (a zh-Hant conversion, marked so)"},
    )


class LintSchema(Schema):
    findings = fields.List(fields.Nested(FindingSchema))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


@api.get("/banks/<slug>/lint")
@endpoint(
    "What an examiner would query in the draft (default thresholds)",
    tag="banks",
    capability=Capability.BANKS,
    response=LintSchema,
    errors=(404,),
)
def lint_draft(slug: str) -> dict[str, Any]:
    findings = [finding.to_dict() for finding in wiring().banks.lint(slug)]
    counts = dict.fromkeys(("error", "warning", "info"), 0)
    for finding in findings:
        counts[finding["severity"]] += 1
    return {"findings": findings, "counts": counts}
