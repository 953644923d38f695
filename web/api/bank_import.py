"""Upload a bank file (a workbook, a Word document, GIFT...) to import it as a version
(``engine.services.bank_uploads``)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import g, request
from marshmallow import fields

from engine.domain.accounts import Capability
from engine.domain.bankfiles import BankHeader
from web.api import api
from web.api.bank_schemas import VersionSchema
from web.api.endpoint import endpoint
from web.errors import ApiError
from web.wiring import wiring


class ImportedSchema(VersionSchema):
    status = fields.String(metadata={"description": "created, new version or unchanged"})


@api.post("/banks/import")
@endpoint(
    "Import a bank file sent as multipart 'file' (with slug, title, format, locale, source)",
    tag="banks",
    capability=Capability.BANKS,
    response=ImportedSchema,
    status=201,
    errors=(400, 413, 422),
)
def import_bank_file() -> dict[str, Any]:
    request.max_content_length = wiring().settings.max_media_bytes
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "file_missing", "Send the bank file as the multipart field 'file'.")
    form = request.form
    header = BankHeader(
        slug=form.get("slug") or None,
        title=form.get("title") or None,
        default_locale=form.get("locale") or "zh-Hans",
        source=form.get("source") or None,
    )
    result = wiring().bank_uploads.import_file(
        upload.read(),
        PurePath(upload.filename or "").name or "upload",
        form.get("format") or None,
        header,
        published_by=g.organiser.username,
    )
    return {**result.version.__dict__, "status": result.status}
