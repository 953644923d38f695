"""A certificate as an A4 landscape PDF (reportlab).

Chinese is set in reportlab's built-in CID fonts (STSong-Light for zh-Hans, MSung-Light
for zh-Hant): the PDF names them and readers bring the glyphs, so no font file is
needed on the server. English uses Helvetica.
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
def _font(locale: str) -> str:
    name = CID_FONTS.get(locale)
    if name is None:
        return "Helvetica"
    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def render_pdf(sheet: Sheet, seal: bytes | None = None) -> bytes:
    """The certificate as PDF bytes; ``seal`` is a picture stamped over the issuer."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"{sheet.title} {sheet.serial}")
    font, centre = _font(sheet.locale), width / 2
    canvas.setStrokeColorRGB(0.65, 0.1, 0.1)
    canvas.setLineWidth(6)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setFillColorRGB(0.65, 0.1, 0.1)
    canvas.setFont(font, 40)
    canvas.drawCentredString(centre, height - 120, sheet.title)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 18)
    canvas.drawCentredString(centre, height - 190, sheet.presented)
    canvas.setFont(font, 32)
    canvas.drawCentredString(centre, height - 240, sheet.holder)
    canvas.setFont(font, 18)
    canvas.drawCentredString(centre, height - 290, sheet.achievement)
    canvas.setFont(font, 36)
    canvas.drawCentredString(centre, height - 350, sheet.award)
    canvas.setFont(font, 16)
    canvas.drawRightString(width - 90, 150, sheet.issuer)
    canvas.drawRightString(width - 90, 125, sheet.date_line)
    if seal is not None:
        canvas.drawImage(ImageReader(io.BytesIO(seal)), width - 230, 90, 110, 110, mask="auto")
    qr = io.BytesIO()
    segno.make(sheet.verify_url, error="m").save(qr, kind="png", scale=4, border=2)
    canvas.drawImage(ImageReader(io.BytesIO(qr.getvalue())), 70, 70, 100, 100)
    canvas.setFont(font, 10)
    canvas.drawString(70, 58, sheet.verify_line)
    canvas.drawString(70, 44, sheet.serial_line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
