"""Media files: which kinds we accept, told apart by their first bytes, not their names."""

from __future__ import annotations

from dataclasses import dataclass

EXTENSIONS = {
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}


@dataclass(frozen=True)
class MediaInfo:
    sha256: str
    mime: str
    size: int
    duration_ms: int | None  # audio only

    @property
    def kind(self) -> str:
        return "audio" if self.mime.startswith("audio/") else "image"


def sniff_mime(data: bytes) -> str | None:
    """The MIME type of a file we accept, from its leading bytes; None otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"  # an ID3 tag, or an MPEG audio frame sync
    return None
