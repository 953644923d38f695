"""Upload a bank file (a workbook, a Word document, GIFT...) to import it as a version.

The file goes through the same reader and rules as ``leitai bank import``; a refused
file stores nothing, and each problem is a field named ``file:row`` (or ``file:line``).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import g, request
from marshmallow import fields

from engine.adapters.bankfile import LoadedBank
from engine.adapters.bankformats import IMPORT_FORMATS, BankHeader, format_of, read_bank
from engine.domain.accounts import Capability
from engine.domain.questions import BankContent
from engine.services.errors import Invalid
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
    name = PurePath(upload.filename or "").name or "upload"
    form = request.form
    fmt = form.get("format") or format_of(name)
    if fmt not in IMPORT_FORMATS:
        raise Invalid(
            "Cannot tell the file's format.",
            {"format": [f"must be one of {', '.join(IMPORT_FORMATS)}"]},
        )
    header = BankHeader(
        slug=form.get("slug") or None,
        title=form.get("title") or None,
        default_locale=form.get("locale") or "zh-Hans",
        source=form.get("source") or None,
    )
    loaded = read_bank(upload.read(), name, fmt, header)
    content = _accepted(loaded)
    if any(question.media is not None for question in content.questions):
        raise Invalid(
            "A bank with media cannot be uploaded as one file: import its folder with "
            "`leitai bank import`, or upload the media and edit the draft.",
            {"media": ["not uploaded with the bank"]},
        )
    result = wiring().banks.import_bank(content, {}, published_by=g.organiser.username)
    return {**result.version.__dict__, "status": result.status}


def _accepted(loaded: LoadedBank) -> BankContent:
    if loaded.content is not None:
        return loaded.content
    problems: dict[str, list[str]] = {}
    for problem in loaded.problems:
        where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
        problems.setdefault(where, []).append(problem.message)
    raise Invalid(f"The bank file has {len(loaded.problems)} problems.", problems)
