"""Reading a clip's duration (mutagen understands WAV, Ogg and MP3 headers)."""

from __future__ import annotations

import io

import mutagen


def duration_ms(data: bytes) -> int | None:
    """The clip's length, or None when its header cannot be read."""
    try:
        parsed = mutagen.File(io.BytesIO(data))
    except mutagen.MutagenError:
        return None
    if parsed is None or not getattr(parsed.info, "length", None):
        return None
    return round(parsed.info.length * 1000)
