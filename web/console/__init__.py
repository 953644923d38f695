"""The organiser console: server-rendered shells whose ES modules call the JSON API.

Pages hold no data and need no session: the browser keeps the bearer token from
``POST /api/v1/auth/token`` in sessionStorage and every module sends it itself, so the
console can do exactly what the API allows and nothing more.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.domain.questions import LOCALES
from engine.domain.regions import GUANGDONG
from web.pages import region_names

console = Blueprint("console", __name__, url_prefix="/console")

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
LANG_COOKIE = "leitai_console_lang"
#: Vendored by the contestant pages; the hosting page uses it for kicks when present.
SOCKET_IO_CLIENT = "vendor/socket.io-client/socket.io.esm.min.js"


@console.app_template_global("ct")
def translate(zh: str, en: str, hant: str) -> str:
    """The console's text in its current language (zh-Hans unless another was chosen)."""
    return {"en": en, "zh-Hant": hant}.get(language(), zh)


def language() -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else "zh-Hans"


def page(template: str, script: str, **context: object) -> str:
    return render_template(
        f"console/{template}",
        script=script,
        lang=language(),
        languages=LANGUAGES,
        locales=LOCALES,
        **context,
    )


@console.get("")
def home() -> str:
    return page("login.html", "login.js")


@console.get("/lang/<code>")
def switch_language(code: str) -> ResponseReturnValue:
    # Only a path on this site: an open redirect would let a link send organisers anywhere.
    back = request.args.get("next", "")
    target = back if back.startswith("/") and not back.startswith("//") else url_for(".home")
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="Lax")
    return response


@console.get("/banks")
def banks() -> str:
    return page("banks.html", "banks.js")


@console.get("/banks/<slug>")
def bank_editor(slug: str) -> str:
    return page("editor.html", "editor.js", slug=slug)


@console.get("/banks/<slug>/versions")
def bank_versions(slug: str) -> str:
    return page("versions.html", "versions.js", slug=slug)


@console.get("/competitions/new")
def new_competition() -> str:
    regions = [(region.code, region_names(region.code)[language()]) for region in GUANGDONG]
    return page("competition.html", "competition.js", regions=regions)


@console.get("/rounds/<int:round_id>")
def host_round(round_id: int) -> str:
    static = Path(current_app.static_folder or "")
    socket_client = SOCKET_IO_CLIENT if (static / SOCKET_IO_CLIENT).is_file() else None
    return page("host.html", "host.js", round_id=round_id, socket_client=socket_client)


@console.get("/rounds/<int:round_id>/results")
def round_results(round_id: int) -> str:
    return page("results.html", "results.js", round_id=round_id)


@console.get("/rounds/<int:round_id>/certificates")
def round_certificates(round_id: int) -> str:
    return page("certificates.html", "certificates.js", round_id=round_id, campaign_id=None)


@console.get("/campaigns/<int:campaign_id>/certificates")
def campaign_certificates(campaign_id: int) -> str:
    """Plans and issuing belong to rounds; a campaign's page lists its stages' rounds'
    certificates together, each round linking to its own screen."""
    return page("certificates.html", "certificates.js", round_id=None, campaign_id=campaign_id)


@console.get("/rounds/<int:round_id>/draws")
def round_draws(round_id: int) -> str:
    return page("draws.html", "draws.js", round_id=round_id, campaign_id=None)


@console.get("/campaigns/<int:campaign_id>/draws")
def campaign_draws(campaign_id: int) -> str:
    return page("draws.html", "draws.js", round_id=None, campaign_id=campaign_id)


@console.get("/campaigns")
def campaigns() -> str:
    return page("campaigns.html", "campaigns.js")


@console.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int) -> str:
    return page("campaign.html", "campaign.js", campaign_id=campaign_id)
