"""``/verify/<serial>``: the page a certificate's QR code opens. Public, rendered on the
server in the reader's language (``?lang=``, else Accept-Language); it shows only what
the certificate itself shows, never the contestant's id, score or other data."""

from __future__ import annotations

from flask import render_template, request

from engine.domain.certificates import LOCALES
from engine.services.errors import NotFound
from web.pages import pages
from web.wiring import wiring

WORDS = {
    "zh-Hans": {
        "heading": "证书验证",
        "valid": "有效证书",
        "revoked": "此证书已被撤销",
        "not_found": "查无此证书",
        "not_found_detail": "没有编号为 {serial} 的证书。请核对编号。",
        "holder": "持有人",
        "award": "奖项",
        "contest": "比赛",
        "issuer": "颁发单位",
        "date": "日期",
        "serial": "证书编号",
    },
    "zh-Hant": {
        "heading": "證書驗證",
        "valid": "有效證書",
        "revoked": "此證書已被撤銷",
        "not_found": "查無此證書",
        "not_found_detail": "沒有編號為 {serial} 的證書。請核對編號。",
        "holder": "持有人",
        "award": "獎項",
        "contest": "比賽",
        "issuer": "頒發單位",
        "date": "日期",
        "serial": "證書編號",
    },
    "en": {
        "heading": "Certificate verification",
        "valid": "Valid certificate",
        "revoked": "This certificate has been revoked",
        "not_found": "Certificate not found",
        "not_found_detail": "No certificate has the serial number {serial}. Check the number.",
        "holder": "Holder",
        "award": "Award",
        "contest": "Contest",
        "issuer": "Issued by",
        "date": "Date",
        "serial": "Serial number",
    },
}
#: Accept-Language tags and the locale each one reads.
TAGS = {
    "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh": "zh-Hans",
    "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant",
    "en": "en",
}  # fmt: skip


def reader_locale() -> str:
    asked = request.args.get("lang", "")
    if asked in LOCALES:
        return asked
    for tag, _quality in request.accept_languages:
        tag = tag.lower()
        locale = TAGS.get(tag) or TAGS.get(tag.split("-")[0])
        if tag.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
            locale = "zh-Hant"
        if locale is not None:
            return locale
    return "zh-Hans"


@pages.get("/verify/<serial>")
def verify(serial: str) -> tuple[str, int, dict[str, str]]:
    locale = reader_locale()
    words = WORDS[locale]
    headers = {"Cache-Control": "no-cache", "Vary": "Accept-Language"}
    try:
        found = wiring().certificates.verification(serial)
    except NotFound:
        page = render_template(
            "verify.html", locale=locale, words=words, certificate=None, serial=serial[:40]
        )
        return page, 404, headers
    page = render_template(
        "verify.html", locale=locale, words=words, certificate=found, serial=found["serial"]
    )
    return page, 200, headers
