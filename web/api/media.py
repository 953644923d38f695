"""Media upload for authors, and content-addressed media for everyone.

A contestant's URL is ``/media/<sha256>``: it names the bytes, never the question or the
answer, and since the bytes behind it never change it can be cached for a year. Byte
ranges are served (``Accept-Ranges: bytes``): iPhone Safari plays audio only from a
server that answers ``Range`` with 206.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from engine.domain.accounts import Capability
from engine.domain.mediainfo import MediaInfo
from web.api import api
from web.api.bank_schemas import MediaSchema
from web.api.endpoint import endpoint
from web.errors import ApiError
from web.wiring import wiring

media_files = Blueprint("media", __name__)


@api.post("/media")
@endpoint(
    "Upload an audio clip or picture (the raw bytes as the body)",
    tag="banks",
    capability=Capability.BANKS,
    response=MediaSchema,
    status=201,
    errors=(413, 422),
)
def upload_media() -> dict[str, object]:
    limit = wiring().settings.max_media_bytes
    request.max_content_length = limit
    data = request.get_data(cache=False)
    if not data:
        raise ApiError(400, "empty_body", "Send the file's bytes as the request body.")
    return stored(wiring().banks.store_media(data))


def stored(info: MediaInfo) -> dict[str, object]:
    """What an upload answers: the file's facts and its content-addressed URL."""
    return {**info.__dict__, "url": url_for("media.media_file", digest=info.sha256)}


@media_files.get("/media/<digest>")
def media_file(digest: str) -> Response:
    if request.if_none_match.contains(digest):
        return Response(status=304, headers={"ETag": f'"{digest}"'})
    info, data = wiring().banks.media_file(digest)
    response = Response(data, mimetype=info.mime)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.set_etag(digest)
    # Werkzeug answers Range / If-Range with 206 or 416 and sets Content-Range.
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    return response
