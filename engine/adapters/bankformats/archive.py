"""Office files are zip archives: refuse one that would inflate beyond reason."""

from __future__ import annotations

import zipfile
from io import BytesIO

from engine.adapters.bankformats.raw import RawBank

#: Far above any real question bank (10,000 questions fill a few MB of sheet XML).
MAX_INFLATED_BYTES = 64 * 1024 * 1024


def refuse_bombs(data: bytes, raw: RawBank, kind: str) -> bool:
    """Whether ``data`` is a zip archive small enough to open; else a problem says why."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raw.problem(None, f"not a {kind}: the file is not a zip archive")
        return False
    if inflated > MAX_INFLATED_BYTES:
        raw.problem(None, f"the {kind} unpacks to {inflated} bytes, over {MAX_INFLATED_BYTES}")
        return False
    return True
