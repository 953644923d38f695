"""The public pages render with their landmarks and labels, and their files are served."""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pytest

from engine.domain.regions import GUANGDONG
from web.pages import region_names

VENDOR = Path(__file__).resolve().parents[2] / "web" / "static" / "vendor" / "socket.io-client"


def landmarks(html: str) -> list[str]:
    return re.findall(r"<(main|header|h1|nav)\b", html)


def test_landing_page_offers_join_and_watch_forms(client) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert landmarks(html)[:3] == ["header", "main", "h1"]
    assert '<label for="join-code" data-i18n="code">比赛码</label>' in html
    assert '<label for="watch-code" data-i18n="watch_code">观看码</label>' in html
    assert 'action="/play" method="get"' in html
    assert 'action="/watch" method="get"' in html


@pytest.mark.parametrize(
    ("path", "code"), [("/play", ""), ("/play/abc123", "ABC123"), ("/play?code=xy12", "XY12")]
)
def test_play_page_prefills_the_code_from_the_path_or_query(client, path, code) -> None:
    html = client.get(path).get_data(as_text=True)
    assert f'data-code="{code}"' in html
    assert re.search(rf'<input id="code" name="code" value="{code}" required', html)
    for field in ("code", "nickname", "region", "team"):
        assert f'<label for="{field}"' in html
    stages = re.findall(r'data-stage="(\w+)"', html)
    assert stages == ["join", "lobby", "question", "result", "finished"]
    assert 'aria-live="polite" data-announce' in html
    assert "/static/js/play.js" in html


def test_play_info_lists_regions_teams_and_title(client, lobby) -> None:
    response = client.get(f"/play/{lobby['code'].lower()}/info")
    assert response.status_code == 200
    info = response.json
    assert info["code"] == lobby["code"]
    assert info["round"] == lobby["id"]
    assert info["title"] == "国防知识赛"
    assert info["mode"] == "live"
    assert [r["code"] for r in info["regions"]] == [r.code for r in GUANGDONG]
    assert info["regions"][0] == {
        "code": "guangzhou",
        "name": {"zh-Hans": "广州", "zh-Hant": "廣州", "en": "Guangzhou"},
    }
    assert info["teams"] == ["red"]
    assert info["audio"] == []
    assert info["campaign"] is None  # a round in no campaign (the browser tests link one)


def test_play_info_of_an_unknown_code_is_404(client) -> None:
    response = client.get("/play/NOSUCH/info")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_region_names_fall_back_to_the_code() -> None:
    assert region_names("shantou") == {"zh-Hans": "汕头", "zh-Hant": "汕頭", "en": "Shantou"}
    assert region_names("north-side") == {
        "zh-Hans": "north-side",
        "zh-Hant": "north-side",
        "en": "North Side",
    }


def test_watch_page_shows_the_join_code_and_no_answer(client, lobby) -> None:
    response = client.get(f"/watch/{lobby['watch_code']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="join-code" aria-label="{" ".join(lobby["code"])}">' in html
    assert f"http://localhost/play/{lobby['code']}" in html
    assert "<h1>国防知识赛</h1>" in html
    assert f'data-watch-code="{lobby["watch_code"]}"' in html
    assert '"zh-Hant": "廣州"' in html  # region names for the board, as JSON
    assert re.findall(r"<section class=\"(screen-\w+)\"", html) == [
        "screen-question",
        "screen-board",
        "screen-regions",
    ]


def test_watch_page_of_an_unknown_code_is_404(client) -> None:
    response = client.get("/watch/NOSUCH")
    assert response.status_code == 404
    assert "找不到这个观看码" in response.get_data(as_text=True)


def test_watch_form_redirects_to_the_code(client) -> None:
    assert client.get("/watch?code=ab12").headers["Location"] == "/watch/AB12"
    assert client.get("/watch").headers["Location"] == "/"


@pytest.mark.parametrize(
    "path",
    [
        "css/leitai.css",
        "js/play.js",
        "js/watch.js",
        "js/live-socket.js",
        "js/i18n.js",
        "js/campaign-i18n.js",
        "js/campaign-register.js",
        "vendor/socket.io-client/socket.io.esm.min.js",
    ],
)
def test_static_files_are_served(client, path) -> None:
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    assert len(response.data) > 500
    response.close()


def test_vendored_client_is_the_pinned_release_with_its_licence() -> None:
    bundle = (VENDOR / "socket.io.esm.min.js").read_text()
    version = (VENDOR / "VERSION.txt").read_text()
    assert bundle.startswith("/*!\n * Socket.IO v4.8.1\n")
    assert "socket.io-client 4.8.1 from the npm registry" in version
    assert (VENDOR / "LICENSE").read_text().startswith("The MIT License (MIT)")
    # live-socket.js imports it by this relative path.
    helper = (VENDOR.parents[1] / "js" / "live-socket.js").read_text()
    assert 'from "../vendor/socket.io-client/socket.io.esm.min.js"' in helper


@pytest.mark.parametrize("path", ["/", "/play", "/console", "/api/docs", "/verify/NOPE"])
def test_every_page_links_an_icon_that_is_served(client, path) -> None:
    html = client.get(path).get_data(as_text=True)
    link = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', html)
    assert link is not None, path
    with client.get(link.group(1)) as icon:
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"
        assert icon.data.startswith(b"<svg")


def test_the_old_favicon_path_points_at_the_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/static/favicon.svg")


# -- a campaign's registration page ------------------------------------------------------

CAMPAIGN_I18N = Path(__file__).resolve().parents[2] / "web" / "static" / "js" / "campaign-i18n.js"


def test_the_registration_page_renders_the_fields_its_campaign_asks(client, login) -> None:
    host = login("host", "owner")
    registration = {
        "fields": {"phone": "required", "place": "optional", "unit": "optional"},
        "identity": "id_number",
    }
    made = client.post(
        "/api/v1/campaigns",
        json={
            "title": "科普知识竞赛",
            "opens_at": 0,
            "closes_at": 2**52,
            "rules": "每人一次",
            "places": ["440100"],
            "registration": registration,
        },
        headers=host,
    ).json
    roster = "单位名称,所属地区,应参与人数\n广州市教育局,越秀区,10\n".encode()
    client.post(
        f"/api/v1/campaigns/{made['id']}/units",
        data={"file": (io.BytesIO(roster), "units.csv")},
        headers=host,
        content_type="multipart/form-data",
    )
    response = client.get(f"/campaigns/{made['id']}/register")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert landmarks(html)[:3] == ["header", "main", "h1"]
    assert "科普知识竞赛" in html
    assert "每人一次" in html
    for control in ("nickname", "phone", "place-city", "place-district", "unit", "id_number"):
        assert f'<label for="{control}"' in html, control
    for unasked in ("name", "school", "grade", "member_id"):
        assert f'id="{unasked}"' not in html
    config = json.loads(re.search(r'id="campaign-form">(.*?)</script>', html, re.S).group(1))
    assert config["fields"] == {"phone": "required", "place": "optional", "unit": "optional",
                                "id_number": "required"}  # fmt: skip
    (guangzhou,) = config["places"]
    assert guangzhou["name"]["zh-Hant"] == "廣州市"
    assert len(guangzhou["districts"]) == 11
    assert config["units"] == [
        {"id": config["units"][0]["id"], "code": None, "name": "广州市教育局", "place": "440104"}
    ]  # no headcount
    assert "/static/js/campaign-register.js" in html


def test_the_registration_page_of_an_unknown_campaign_is_404(client) -> None:
    response = client.get("/campaigns/999/register")
    assert response.status_code == 404
    assert "找不到这个活动" in response.get_data(as_text=True)


def test_every_registration_problem_the_service_gives_is_translated() -> None:
    """Each literal message engine/services/registrations.py lists for a registration field
    (in its register, _row and _identity), and the nickname and ID number
    checks' own, is in campaign-i18n.js, or a pattern of it is."""
    translated = CAMPAIGN_I18N.read_text()
    engine = VENDOR.parents[3] / "engine"
    tree = ast.parse((engine / "services" / "registrations.py").read_text())
    messages: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in FORM_CHECKS:
            for listed in ast.walk(node):
                if isinstance(listed, ast.List):
                    for item in listed.elts:
                        either = isinstance(item, ast.IfExp)
                        options = [item.body, item.orelse] if either else [item]
                        messages |= {o.value for o in options if isinstance(o, ast.Constant)}
                if isinstance(listed, ast.Call) and getattr(listed.func, "attr", "") == "append":
                    messages |= {a.value for a in listed.args if isinstance(a, ast.Constant)}
    assert {"required", "not asked by this campaign", "an unknown place"} <= messages
    for module in ("contest.py", "id_numbers.py"):
        for node in ast.walk(ast.parse((engine / "domain" / module).read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") in {"InvalidNickname", "IdNumberRefused"}
                and isinstance(node.args[0], ast.Constant)  # f-strings: patterns in the JS
            ):
                messages.add(node.args[0].value)
    for message in messages:
        assert f'["{message}", ' in translated, message


FORM_CHECKS = {"register", "_row", "_identity"}
