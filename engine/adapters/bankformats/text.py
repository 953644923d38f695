"""Plain-text banks in the common layout (see ``layout``); line numbers are the file's."""

from __future__ import annotations

from engine.adapters.bankformats.layout import read_layout
from engine.adapters.bankformats.raw import RawBank


def decode(data: bytes, raw: RawBank) -> str | None:
    """UTF-8 (with or without BOM), else GB18030, which Chinese Windows saves by default."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raw.problem(line, f"neither UTF-8 nor GB18030 (byte {utf8_error.start})")
        return None


def read_text(data: bytes, raw: RawBank) -> None:
    text = decode(data, raw)
    if text is not None:
        read_layout(enumerate(text.splitlines(), start=1), raw)
