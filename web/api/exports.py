"""Spreadsheets for organisers: a round's results, its (or a campaign's) certificates and a draw's
winners as .xlsx, one sheet a table, headers in the reader's language (``?lang=``)."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.domain.accounts import Capability
from engine.services.errors import Conflict
from engine.services.result_tables import (
    LANGUAGES,
    certificates_table,
    draw_tables,
    results_tables,
)
from web.api import api
from web.api.endpoint import endpoint
from web.wiring import wiring

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LanguageQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    lang = fields.String(load_default="zh-Hans", validate=validate.OneOf(LANGUAGES))


@api.get("/rounds/<int:round_id>/results.xlsx")
@endpoint(
    "The results as .xlsx: standings, questions, round statistics and signals, a sheet each",
    tag="results",
    capability=Capability.ROUNDS,
    hosted="round",
    query=LanguageQuerySchema,
    errors=(409, 422),
)
def results_xlsx(round_id: int, query: dict[str, Any]) -> Response:
    wired = wiring()
    tables = results_tables(wired.results.report(round_id), query["lang"])
    return spreadsheet(wired.workbook(tables), f"round-{round_id}-results.xlsx")


@api.get("/rounds/<int:round_id>/certificates.xlsx")
@endpoint(
    "The round's issued certificates as .xlsx (revoked ones included), the award in ?lang=",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="round",
    query=LanguageQuerySchema,
    errors=(404, 422),
)
def certificates_xlsx(round_id: int, query: dict[str, Any]) -> Response:
    wired = wiring()
    found = certificates_table(wired.certificates.of_round(round_id), query["lang"])
    return spreadsheet(wired.workbook([found]), f"round-{round_id}-certificates.xlsx")


@api.get("/campaigns/<int:campaign_id>/certificates.xlsx")
@endpoint(
    "The campaign's issued certificates (every stage) as .xlsx, the award in ?lang=",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="campaign",
    query=LanguageQuerySchema,
    errors=(404, 422),
)
def campaign_certificates_xlsx(campaign_id: int, query: dict[str, Any]) -> Response:
    wired = wiring()
    held = wired.campaign_certificates.of_campaign(campaign_id)
    found = certificates_table(held, query["lang"])
    return spreadsheet(wired.workbook([found]), f"campaign-{campaign_id}-certificates.xlsx")


@api.get("/draws/<int:draw_id>.xlsx")
@endpoint(
    "A drawn draw's winners and disqualifications as .xlsx",
    tag="draws",
    capability=Capability.ROUNDS,
    hosted="draw",
    query=LanguageQuerySchema,
    errors=(409, 422),
)
def draw_xlsx(draw_id: int, query: dict[str, Any]) -> Response:
    wired = wiring()
    published = wired.draws.view(draw_id)
    if published["winners"] is None:
        raise Conflict("The draw has not run: there are no winners yet.", reason="not_drawn")
    tables = draw_tables(published, query["lang"])
    return spreadsheet(wired.workbook(tables), f"draw-{draw_id}.xlsx")


def spreadsheet(content: bytes, filename: str) -> Response:
    return Response(
        content,
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
