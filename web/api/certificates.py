"""Certificates over HTTP: a round's plan, issuing, the list, revoking and the CSV for
its hosts; the holder's own certificates as PDF and PNG; verification for anyone."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request, url_for
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.domain.accounts import Capability
from engine.domain.certificates import LOCALES
from engine.domain.mediainfo import sniff_mime
from engine.services.certificates import SEAL_MIMES
from engine.services.errors import Invalid
from web import clock
from web.api import api
from web.api.bank_schemas import MediaSchema
from web.api.endpoint import bearer_token, endpoint, require_host
from web.api.media import stored
from web.errors import ApiError
from web.tokens import TokenError
from web.wiring import wiring

Texts = fields.Dict(keys=fields.String(validate=validate.OneOf(LOCALES)), values=fields.String())


class RuleSchema(Schema):
    kind = fields.String(metadata={"description": "score | rank | participation"})
    threshold = fields.Integer(metadata={"description": "score: points >= threshold"})
    top = fields.Integer(metadata={"description": "rank: rank <= top on the scope's board"})
    scope = fields.String(metadata={"description": "rank: all, region or team (each board)"})


class TemplateSchema(Schema):
    key = fields.String()
    group = fields.String(
        metadata={"description": "one certificate per group: the first template earned"}
    )
    rule = fields.Nested(RuleSchema)
    award = Texts
    title = Texts
    issuer = Texts
    date = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD; null: issue day"})
    seal = fields.String(allow_none=True, metadata={"description": "SHA-256 of a PNG/JPEG"})


class PlanSchema(Schema):
    templates = fields.List(fields.Nested(TemplateSchema))


class CertificateSchema(Schema):
    serial = fields.String()
    round_id = fields.Integer(allow_none=True, metadata={"description": "a round's"})
    campaign_id = fields.Integer(allow_none=True, metadata={"description": "a campaign's"})
    stage = fields.Integer(allow_none=True, metadata={"description": "the campaign's stage"})
    contestant = fields.String(
        metadata={"description": "the round's contestant, or the campaign's registration id"}
    )
    template = fields.String()
    content = fields.Dict(metadata={"description": "what the certificate says, as issued"})
    issued_at_ms = fields.Integer()
    revoked_at_ms = fields.Integer(allow_none=True)
    revoke_reason = fields.String(allow_none=True)


class IssuedSchema(Schema):
    issued = fields.Integer(metadata={"description": "new certificates (0 when issued again)"})
    certificates = fields.List(fields.Nested(CertificateSchema))


class CertificatesSchema(Schema):
    certificates = fields.List(fields.Nested(CertificateSchema))


class RevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class MineSchema(Schema):
    class Links(Schema):
        pdf = fields.String()
        png = fields.String()
        verify = fields.String()

    class Mine(Schema):
        serial = fields.String()
        template = fields.String()
        award = Texts
        contest = fields.String()
        date = fields.String()
        revoked = fields.Boolean()
        links = fields.Nested(lambda: MineSchema.Links())

    round = fields.Integer(allow_none=True)
    campaign = fields.Integer(allow_none=True)
    certificates = fields.List(fields.Nested(Mine))


class VerificationSchema(Schema):
    serial = fields.String()
    status = fields.String(metadata={"description": "valid | revoked"})
    holder = fields.String(metadata={"description": "the holder's display name"})
    award = Texts
    title = Texts
    issuer = Texts
    contest = fields.String()
    date = fields.String()
    revoked_at_ms = fields.Integer(allow_none=True)


class DocumentQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    lang = fields.String(load_default="zh-Hans", validate=validate.OneOf(LOCALES))
    campaign = fields.Integer(
        load_default=None,
        metadata={"description": "a campaign's certificate: the registration token's"},
    )


class MineQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    campaign = fields.Integer(
        load_default=None,
        metadata={"description": "the campaign whose registration token is sent"},
    )


@api.get("/rounds/<int:round_id>/certificates/plan")
@endpoint(
    "The round's certificate templates and rules",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="round",
    response=PlanSchema,
    errors=(404,),
)
def certificate_plan(round_id: int) -> dict[str, Any]:
    return wiring().certificates.plan(round_id)


@api.put("/rounds/<int:round_id>/certificates/plan")
@endpoint(
    "Set the round's certificate templates and rules (issued certificates keep theirs)",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="round",
    document=PlanSchema,
    response=PlanSchema,
    errors=(400, 404, 422),
)
def set_certificate_plan(round_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return wiring().certificates.set_plan(round_id, body, g.organiser.username)


@api.post("/rounds/<int:round_id>/certificates/seal")
@endpoint(
    "Upload a seal picture (PNG or JPEG, the raw bytes as the body) for the round's "
    "templates: the hosts who write the plan need not be bank authors",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="round",
    response=MediaSchema,
    status=201,
    errors=(404, 413, 422),
)
def upload_seal(round_id: int) -> dict[str, object]:
    return store_seal()


def store_seal() -> dict[str, object]:
    """The request's body stored as a seal picture; anything but a PNG or JPEG refused."""
    wired = wiring()
    request.max_content_length = wired.settings.max_media_bytes
    data = request.get_data(cache=False)
    if data and sniff_mime(data) not in SEAL_MIMES:
        raise Invalid("A seal is a PNG or JPEG picture.", {"file": ["not a PNG or JPEG"]})
    return stored(wired.banks.store_media(data))  # refuses an empty or too large file


@api.post("/rounds/<int:round_id>/certificates/issue")
@endpoint(
    "Issue the certificates the finished round's standings earn; idempotent: "
    "a contestant gets each template once",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="round",
    response=IssuedSchema,
    errors=(404, 409),
)
def issue_certificates(round_id: int) -> dict[str, Any]:
    issued = wiring().certificates.issue(round_id, clock.now_ms())
    return {"issued": len(issued), "certificates": issued}


@api.get("/rounds/<int:round_id>/certificates")
@endpoint(
    "The round's issued certificates, revoked ones included",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="round",
    response=CertificatesSchema,
    errors=(404,),
)
def round_certificates(round_id: int) -> dict[str, Any]:
    return {"certificates": wiring().certificates.of_round(round_id)}


@api.get("/rounds/<int:round_id>/certificates.csv")
@endpoint(
    "The round's certificates as CSV (UTF-8 with a BOM)",
    tag="certificates",
    capability=Capability.ROUNDS,
    hosted="round",
    query=DocumentQuerySchema,
    errors=(404,),
)
def certificates_csv(round_id: int, query: dict[str, Any]) -> Response:
    text = wiring().certificates.csv(round_id, query["lang"])
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="round-{round_id}-certificates.csv"',
            "Cache-Control": "private, no-store",
        },
    )


@api.post("/certificates/<serial>/revoke")
@endpoint(
    "Revoke a certificate (its verification then says revoked); the round's hosts only",
    tag="certificates",
    capability=Capability.ROUNDS,
    body=RevokeSchema,
    response=CertificateSchema,
    errors=(404, 422),
)
def revoke_certificate(serial: str, body: dict[str, Any]) -> dict[str, Any]:
    certificates = wiring().certificates
    found = certificates.certificate(serial)
    if found["campaign_id"] is None:
        require_host(g.organiser, "round", found["round_id"])
    else:
        require_host(g.organiser, "campaign", found["campaign_id"])
    return certificates.revoke(serial, body["reason"], clock.now_ms())


@api.get("/certificates/mine")
@endpoint(
    "The calling contestant's certificates in the round their token is for, or with "
    "?campaign= and a registration token, the registration's in that campaign",
    tag="certificates",
    query=MineQuerySchema,
    response=MineSchema,
    errors=(401, 403),
)
def my_certificates(query: dict[str, Any]) -> dict[str, Any]:
    campaign_id = query["campaign"]
    if campaign_id is not None:
        held = wiring().campaign_certificates.mine(campaign_id, bearer_token())
        return {"round": None, "campaign": campaign_id, "certificates": _listed(held)}
    round_id, contestant = holder()
    held = wiring().certificates.mine(round_id, contestant)
    return {"round": round_id, "campaign": None, "certificates": _listed(held)}


def _listed(certificates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    mine = []
    for certificate in certificates:
        serial, content = certificate["serial"], certificate["content"]
        mine.append(
            {
                "serial": serial,
                "template": certificate["template"],
                "award": content["award"],
                "contest": content["contest"],
                "date": content["date"],
                "revoked": certificate["revoked_at_ms"] is not None,
                "links": {
                    "pdf": url_for(
                        "api.certificate_pdf", serial=serial, campaign=certificate["campaign_id"]
                    ),
                    "png": url_for(
                        "api.certificate_png", serial=serial, campaign=certificate["campaign_id"]
                    ),
                    "verify": url_for("pages.verify", serial=serial),
                },
            }
        )
    return mine


@api.get("/certificates/<serial>.pdf")
@endpoint(
    "The holder's certificate as PDF (?lang=zh-Hans|zh-Hant|en); a contestant token",
    tag="certificates",
    query=DocumentQuerySchema,
    errors=(401, 403, 404, 422),
)
def certificate_pdf(serial: str, query: dict[str, Any]) -> Response:
    return _document(serial, "pdf", "application/pdf", query)


@api.get("/certificates/<serial>.png")
@endpoint(
    "The holder's certificate as a PNG share image (?lang=); a contestant token",
    tag="certificates",
    query=DocumentQuerySchema,
    errors=(401, 403, 404, 422),
)
def certificate_png(serial: str, query: dict[str, Any]) -> Response:
    return _document(serial, "png", "image/png", query)


@api.get("/certificates/<serial>/verification")
@endpoint(
    "Public: whether a serial names a valid or revoked certificate, and what it says",
    tag="certificates",
    response=VerificationSchema,
    errors=(404,),
)
def verify_certificate(serial: str) -> dict[str, Any]:
    return wiring().certificates.verification(serial)


def holder() -> tuple[int, str]:
    """The round and contestant a contestant token names (401 without one)."""
    try:
        claims = wiring().contestant_tokens.verify(bearer_token())
    except TokenError as error:
        raise ApiError(401, error.code, error.message) from error
    round_id, contestant = claims.get("round"), claims.get("contestant")
    if not isinstance(round_id, int) or not isinstance(contestant, str):
        raise ApiError(401, "token_invalid", "That is not a contestant token.")
    return round_id, contestant


def _document(serial: str, kind: str, mime: str, query: dict[str, Any]) -> Response:
    """The holder's certificate: a round's with a contestant token, a campaign's
    (``?campaign=``) with the registration's token."""
    locale, campaign_id = query["lang"], query["campaign"]
    certificate = wiring().certificates.certificate(serial)
    url = url_for("pages.verify", serial=certificate["serial"], _external=True)
    if campaign_id is None:
        round_id, contestant = holder()
        data = wiring().certificates.document(serial, round_id, contestant, kind, locale, url)
    else:
        data = wiring().campaign_certificates.document(
            serial, campaign_id, bearer_token(), kind, locale, url
        )
    return Response(
        data,
        mimetype=mime,
        headers={
            "Content-Disposition": f'inline; filename="certificate-{certificate["serial"]}.{kind}"',
            "Cache-Control": "private, no-store",
        },
    )
