"""Question banks for authors: create, edit the draft, publish, read versions, diff."""

from __future__ import annotations

from typing import Any

from flask import g

from engine.domain.accounts import Capability
from engine.domain.bankinfo import BankSummary, VersionInfo
from engine.domain.canonical import bank_to_dict
from web.api import api
from web.api.bank_schemas import (
    BankDocumentSchema,
    BankSummarySchema,
    DiffQuerySchema,
    DiffSchema,
    NewBankSchema,
    PublishedSchema,
    VersionContentSchema,
    VersionSchema,
)
from web.api.endpoint import endpoint
from web.wiring import wiring

BANKS = Capability.BANKS


@api.get("/banks")
@endpoint(
    "List question banks", tag="banks", capability=BANKS, response=BankSummarySchema, many=True
)
def list_banks() -> list[BankSummary]:
    return wiring().banks.list()


@api.post("/banks")
@endpoint(
    "Create an empty bank",
    tag="banks",
    capability=BANKS,
    body=NewBankSchema,
    response=BankSummarySchema,
    status=201,
    errors=(409,),
)
def create_bank(body: dict[str, Any]) -> BankSummary:
    return wiring().banks.create(body["slug"], body["title"], body["default_locale"])


@api.get("/banks/<slug>")
@endpoint("One bank", tag="banks", capability=BANKS, response=BankSummarySchema, errors=(404,))
def get_bank(slug: str) -> BankSummary:
    return wiring().banks.summary(slug)


@api.get("/banks/<slug>/draft")
@endpoint(
    "The bank's working copy",
    tag="banks",
    capability=BANKS,
    response=BankDocumentSchema,
    errors=(404,),
)
def get_draft(slug: str) -> dict[str, Any]:
    return wiring().banks.draft(slug)


@api.put("/banks/<slug>/draft")
@endpoint(
    "Replace the working copy (every problem reported per question and field)",
    tag="banks",
    capability=BANKS,
    document=BankDocumentSchema,
    response=BankSummarySchema,
    errors=(404,),
)
def put_draft(slug: str, body: dict[str, Any]) -> BankSummary:
    return wiring().banks.replace_draft(slug, body)


@api.post("/banks/<slug>/versions")
@endpoint(
    "Publish the draft as an immutable version (nothing new if unchanged)",
    tag="banks",
    capability=BANKS,
    response=PublishedSchema,
    status=201,
    errors=(404, 422),
)
def publish(slug: str) -> dict[str, Any]:
    version, created = wiring().banks.publish(slug, g.organiser.username)
    return {**version.__dict__, "created": created}


@api.get("/banks/<slug>/versions")
@endpoint(
    "Published versions, oldest first",
    tag="banks",
    capability=BANKS,
    response=VersionSchema,
    many=True,
    errors=(404,),
)
def list_versions(slug: str) -> list[VersionInfo]:
    return wiring().banks.versions(slug)


@api.get("/banks/<slug>/versions/<int:number>")
@endpoint(
    "One published version with its questions",
    tag="banks",
    capability=BANKS,
    response=VersionContentSchema,
    errors=(404,),
)
def get_version(slug: str, number: int) -> dict[str, Any]:
    info, content = wiring().banks.version(slug, number)
    return {**info.__dict__, "bank": bank_to_dict(content)}


@api.get("/banks/<slug>/diff")
@endpoint(
    "What changed between two versions",
    tag="banks",
    capability=BANKS,
    query=DiffQuerySchema,
    response=DiffSchema,
    errors=(404, 422),
)
def diff(slug: str, query: dict[str, int]) -> dict[str, Any]:
    change = wiring().banks.diff(slug, query["from_"], query["to"])
    return {
        "from_": query["from_"],
        "to": query["to"],
        "added": change.added,
        "removed": change.removed,
        "changed": [{"key": c.key, "fields_": c.fields} for c in change.changed],
        "bank_fields": change.bank_fields,
    }
