"""A certificate as a PNG share image (Pillow).

Chinese needs a CJK TrueType font; Pillow has none built in and no PyPI package ships
one small enough to depend on, so the image uses Debian's WenQuanYi Micro Hei
(``fonts-wqy-microhei``, installed by ``.ci/run`` beside Chromium), or the file
``LEITAI_CJK_FONT`` names. Without one, the texts are drawn in Pillow's own font, in
which Chinese shows as boxes; the serial number and the QR code stay readable.
"""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from engine.domain.certificates import Sheet

CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
WIDTH, HEIGHT = 1080, 1440
RED, INK, PAPER = (166, 26, 26), (30, 30, 30), (255, 251, 240)
QR_SIZE = 300


def cjk_font_path() -> str | None:
    """The CJK font the image uses, or None when the machine has none."""
    for candidate in (os.environ.get("LEITAI_CJK_FONT", ""), *CJK_FONTS):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)


def _picture(data: bytes | None) -> Image.Image | None:
    """The seal, or None when there is none or its bytes are no picture Pillow reads
    (the media store checks the type, not every byte): the certificate goes without."""
    if data is None:
        return None
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return picture


def render_png(sheet: Sheet, seal: bytes | None = None) -> bytes:
    """The certificate as a portrait PNG (phone screen shaped) with its QR code."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, WIDTH - 24, HEIGHT - 24), outline=RED, width=12)
    lines = (
        (sheet.title, 72, RED, 150),
        (sheet.presented, 36, INK, 290),
        (sheet.holder, 64, INK, 370),
        (sheet.achievement, 34, INK, 470),
        (sheet.award, 72, RED, 560),
        (sheet.issuer, 32, INK, 700),
        (sheet.date_line, 30, INK, 750),
    )
    for text, size, colour, top in lines:
        draw.text((WIDTH / 2, top), text, font=_font(size), fill=colour, anchor="mt")
    stamp = _picture(seal)
    if stamp is not None:
        stamp = stamp.convert("RGBA").resize((200, 200))
        image.paste(stamp, (WIDTH - 300, 640), stamp)
    qr = io.BytesIO()
    segno.make(sheet.verify_url, error="m").save(qr, kind="png", scale=8, border=4)
    code = (
        Image.open(io.BytesIO(qr.getvalue()))
        .convert("RGB")
        .resize((QR_SIZE, QR_SIZE), Image.Resampling.NEAREST)
    )
    image.paste(code, ((WIDTH - QR_SIZE) // 2, 880))
    draw.text((WIDTH / 2, 1200), sheet.verify_line, font=_font(30), fill=INK, anchor="mt")
    draw.text((WIDTH / 2, 1250), sheet.serial_line, font=_font(30), fill=INK, anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
