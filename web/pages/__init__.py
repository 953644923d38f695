"""The public pages: a landing page, the contestant's phone page, the spectators' big screen.

Pages are rendered on the server and driven by small ES modules over Socket.IO; the only
data they fetch over HTTP is a round's join details (``/play/<code>/info``).
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import opencc
import segno
from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.domain.questions import MediaKind
from engine.domain.regions import GUANGDONG
from engine.services.errors import NotFound
from web.wiring import wiring

pages = Blueprint("pages", __name__)

QR_MAX_AGE_S = 86_400
REGION_NAMES = {region.code: region.name["zh-Hans"] for region in GUANGDONG}


@cache
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def region_names(code: str) -> dict[str, str]:
    """A region's name per locale: zh-Hans from the region list, zh-Hant converted from it,
    English as the romanised code (Guangdong's codes are the cities' pinyin)."""
    simplified = REGION_NAMES.get(code)
    english = code.replace("-", " ").title()
    if simplified is None:
        return {"zh-Hans": code, "zh-Hant": code, "en": english}
    return {
        "zh-Hans": simplified,
        "zh-Hant": _to_traditional().convert(simplified),
        "en": english,
    }


@pages.get("/")
def index() -> str:
    return render_template("index.html")


@pages.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    # Pages link the SVG icon; this is for clients that ask the old fixed path.
    return redirect(url_for("static", filename="favicon.svg"), 301)


@pages.get("/play")
@pages.get("/play/<code>")
def play(code: str = "") -> str:
    code = (code or request.args.get("code", "")).strip().upper()
    return render_template("play.html", code=code)


@pages.get("/play/<code>/info")
def play_info(code: str) -> Response:
    """What a contestant needs before joining, and the round's audio clips to preload.

    The clips are listed in hash order, so the list says nothing about which question
    plays which clip, or when.
    """
    plan = wiring().competitions.plan(wiring().competitions.round_id_by_code(code))
    clips = sorted(
        {
            question.media.sha256
            for question in plan.questions
            if question.media is not None
            and question.media.kind is MediaKind.AUDIO
            and question.media.sha256
        }
    )
    info: dict[str, Any] = {
        "round": plan.round_id,  # a self-paced page asks /api/v1/rounds/{round}/leaderboard/me
        "code": plan.code,
        "title": plan.title,
        "mode": plan.mode.value,
        "regions": [{"code": code, "name": region_names(code)} for code in plan.rules.regions],
        "teams": list(plan.rules.teams),
        "audio": [url_for("media.media_file", digest=digest) for digest in clips],
        # A stage's round: the phone joins with the registration kept for the campaign,
        # and its end screen links the campaign's wrong answers.
        "campaign": wiring().campaign_entries.campaign_of(plan.round_id),
    }
    return jsonify(info)


@pages.get("/play/<code>/qr.svg")
def play_qr(code: str) -> ResponseReturnValue:
    """A QR code of the round's join link, for the big screen and for phones to pass on.

    A code names its round for good, so the image may be cached; it holds the absolute
    URL as this request reached the server, hence ``Vary: Host``.
    """
    competitions = wiring().competitions
    plan = competitions.plan(competitions.round_id_by_code(code))
    url = url_for("pages.play", code=plan.code, _external=True)
    response = Response(join_qr_svg(url), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE_S
    response.vary.add("Host")
    response.add_etag()
    return response.make_conditional(request)


def join_qr_svg(url: str) -> str:
    """A standalone SVG QR code of ``url``: black on white, sized by its viewBox."""
    svg = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        svg, kind="svg", omitsize=True, dark="#000", light="#fff", title=url
    )
    return svg.getvalue().decode()


@pages.get("/watch")
def watch_by_code() -> ResponseReturnValue:
    code = request.args.get("code", "").strip().upper()
    if not code:
        return redirect(url_for("pages.index"))
    return redirect(url_for("pages.watch", code=code))


@pages.get("/watch/<code>")
def watch(code: str) -> tuple[str, int] | str:
    competitions = wiring().competitions
    try:
        plan = competitions.plan(competitions.round_id_by_watch_code(code))
    except NotFound:
        return render_template("watch.html", plan=None, watch_code=code.upper()), 404
    regions = {region: region_names(region) for region in plan.rules.regions}
    return render_template("watch.html", plan=plan, watch_code=plan.watch_code, regions=regions)


# Pages that live in modules of their own attach to ``pages`` when imported.
from web.pages import campaigns, verify  # noqa: E402, F401
