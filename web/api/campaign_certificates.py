"""A campaign's certificates over HTTP: a plan per stage, issuing, the list and the CSV,
for the campaign's organisers (holders and verification: ``web/api/certificates.py``)."""

from __future__ import annotations

from typing import Any

from flask import Response, g

from engine.domain.accounts import Capability
from engine.services.campaign_certificates import CampaignCertificates
from engine.services.certificates import certificates_csv
from web import clock
from web.api import api
from web.api.bank_schemas import MediaSchema
from web.api.certificates import (
    CertificatesSchema,
    DocumentQuerySchema,
    IssuedSchema,
    PlanSchema,
    store_seal,
)
from web.api.endpoint import endpoint
from web.wiring import wiring


def campaign_certificates() -> CampaignCertificates:
    return wiring().campaign_certificates


@api.get("/campaigns/<int:campaign_id>/certificates/stages/<int:position>/plan")
@endpoint(
    "A campaign stage's certificate templates and rules",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="campaign",
    response=PlanSchema,
    errors=(404,),
)
def campaign_certificate_plan(campaign_id: int, position: int) -> dict[str, Any]:
    return campaign_certificates().plan(campaign_id, position)


@api.put("/campaigns/<int:campaign_id>/certificates/stages/<int:position>/plan")
@endpoint(
    "Set a campaign stage's certificate templates and rules (scopes all, city, unit; "
    "issued certificates keep theirs)",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="campaign",
    document=PlanSchema,
    response=PlanSchema,
    errors=(400, 404, 422),
)
def set_campaign_certificate_plan(
    campaign_id: int, position: int, body: dict[str, Any]
) -> dict[str, Any]:
    return campaign_certificates().set_plan(campaign_id, position, body, g.organiser.username)


@api.post("/campaigns/<int:campaign_id>/certificates/seal")
@endpoint(
    "Upload a seal picture (PNG or JPEG, the raw bytes as the body) for the campaign's templates",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="campaign",
    response=MediaSchema,
    status=201,
    errors=(404, 413, 422),
)
def upload_campaign_seal(campaign_id: int) -> dict[str, object]:
    return store_seal()


@api.post("/campaigns/<int:campaign_id>/certificates/stages/<int:position>/issue")
@endpoint(
    "Issue the certificates the closed stage's standings earn; idempotent: a "
    "registration gets each template of the stage once",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="campaign",
    response=IssuedSchema,
    errors=(404, 409),
)
def issue_campaign_certificates(campaign_id: int, position: int) -> dict[str, Any]:
    wiring().drainer.drain_all()  # the standings are counted from the SQL record
    issued = campaign_certificates().issue(campaign_id, position, clock.now_ms())
    return {"issued": len(issued), "certificates": issued}


@api.get("/campaigns/<int:campaign_id>/certificates")
@endpoint(
    "The campaign's issued certificates (every stage), revoked ones included",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="campaign",
    response=CertificatesSchema,
    errors=(404,),
)
def campaign_certificates_list(campaign_id: int) -> dict[str, Any]:
    return {"certificates": campaign_certificates().of_campaign(campaign_id)}


@api.get("/campaigns/<int:campaign_id>/certificates.csv")
@endpoint(
    "The campaign's certificates as CSV (UTF-8 with a BOM)",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="campaign",
    query=DocumentQuerySchema,
    errors=(404,),
)
def campaign_certificates_csv(campaign_id: int, query: dict[str, Any]) -> Response:
    held = campaign_certificates().of_campaign(campaign_id)
    return Response(
        certificates_csv(held, query["lang"]).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="campaign-{campaign_id}-certificates.csv"'
            ),
            "Cache-Control": "private, no-store",
        },
    )
