"""A certificate as an A4 landscape PDF (reportlab).

Chinese is set in reportlab's built-in CID fonts (STSong-Light for zh-Hans, MSung-Light
for zh-Hant): the PDF names them and readers bring the glyphs, so no font file is
needed on the server. English uses Helvetica, except for a Chinese nickname or contest
title on an English certificate, which is set in STSong-Light.
"""

from __future__ import annotations

import io
from functools import cache

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from engine.domain.certificates import Sheet

CID_FONTS = {"zh-Hans": "STSong-Light", "zh-Hant": "MSung-Light"}


@cache
def _cid_font(name: str) -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def _font(locale: str, text: str) -> str:
    """The locale's font, or for English text Helvetica can't set, the simplified one."""
    if locale in CID_FONTS:
        return _cid_font(CID_FONTS[locale])
    try:
        text.encode("cp1252")  # Helvetica's encoding in reportlab (WinAnsi)
    except UnicodeEncodeError:
        return _cid_font(CID_FONTS["zh-Hans"])
    return "Helvetica"


def _picture(data: bytes | None) -> ImageReader | None:
    """The seal, or None when its bytes are no picture (the certificate goes without)."""
    if data is None:
        return None
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
    except Exception:  # reportlab wraps Pillow's many errors in its own
        return None
    return reader


def render_pdf(sheet: Sheet, seal: bytes | None = None) -> bytes:
    """The certificate as PDF bytes; ``seal`` is a picture stamped over the issuer."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"{sheet.title} {sheet.serial}")
    centre, locale = width / 2, sheet.locale

    def write(text: str, size: int, y: float, x: float = centre, *, align: str = "centre") -> None:
        canvas.setFont(_font(locale, text), size)
        draw = {"centre": canvas.drawCentredString, "right": canvas.drawRightString}
        draw.get(align, canvas.drawString)(x, y, text)

    canvas.setStrokeColorRGB(0.65, 0.1, 0.1)
    canvas.setLineWidth(6)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setFillColorRGB(0.65, 0.1, 0.1)
    write(sheet.title, 40, height - 120)
    canvas.setFillColorRGB(0, 0, 0)
    write(sheet.presented, 18, height - 190)
    write(sheet.holder, 32, height - 240)
    write(sheet.achievement, 18, height - 290)
    write(sheet.award, 36, height - 350)
    write(sheet.issuer, 16, 150, width - 90, align="right")
    write(sheet.date_line, 16, 125, width - 90, align="right")
    picture = _picture(seal)
    if picture is not None:
        canvas.drawImage(picture, width - 230, 90, 110, 110, mask="auto")
    qr = io.BytesIO()
    segno.make(sheet.verify_url, error="m").save(qr, kind="png", scale=4, border=2)
    canvas.drawImage(ImageReader(io.BytesIO(qr.getvalue())), 70, 70, 100, 100)
    write(sheet.verify_line, 10, 58, 70, align="left")
    write(sheet.serial_line, 10, 44, 70, align="left")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
