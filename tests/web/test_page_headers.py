"""Pages carry a Content-Security-Policy that their own markup satisfies."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from web.app import create_app
from web.page_headers import install_page_headers

#: Every page route, with a path that reaches it (a missing id still renders the page).
PAGES = {
    "/": "/",
    "/play": "/play",
    "/play/<code>": "/play/ABCD",
    "/watch": "/watch",
    "/watch/<code>": "/watch/NOSUCH",
    "/verify/<serial>": "/verify/NOSUCH",
    "/campaigns/<int:campaign_id>/register": "/campaigns/1/register",
    "/api/docs": "/api/docs",
    "/console": "/console",
    "/console/banks": "/console/banks",
    "/console/banks/<slug>": "/console/banks/nd",
    "/console/banks/<slug>/versions": "/console/banks/nd/versions",
    "/console/campaigns": "/console/campaigns",
    "/console/campaigns/<int:campaign_id>": "/console/campaigns/1",
    "/console/campaigns/<int:campaign_id>/certificates": "/console/campaigns/1/certificates",
    "/console/campaigns/<int:campaign_id>/draws": "/console/campaigns/1/draws",
    "/console/competitions/new": "/console/competitions/new",
    "/console/rounds/<int:round_id>": "/console/rounds/1",
    "/console/rounds/<int:round_id>/results": "/console/rounds/1/results",
    "/console/rounds/<int:round_id>/certificates": "/console/rounds/1/certificates",
    "/console/rounds/<int:round_id>/draws": "/console/rounds/1/draws",
}
#: GET routes outside /api/v1 and /static that are not pages: files, JSON, a redirect.
NOT_PAGES = {
    "/favicon.ico",
    "/healthz",
    "/metrics",
    "/media/<digest>",
    "/play/<code>/info",
    "/play/<code>/qr.svg",
    "/console/lang/<code>",
}


def directives(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_every_page_route_is_checked(app) -> None:
    """A new page without a row in PAGES (or NOT_PAGES) fails here, by name."""
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith(("/api/v1/", "/static/"))
    }
    assert sorted(routes - PAGES.keys() - NOT_PAGES) == []
    assert sorted((PAGES.keys() | NOT_PAGES) - routes) == []


@pytest.mark.parametrize("path", PAGES.values())
def test_every_page_sends_a_policy_its_markup_keeps(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.mimetype == "text/html", path
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    # No script runs from the markup: every script is a file, or inert JSON data.
    for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", html, re.DOTALL):
        assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert "src=" not in tag or not body.strip(), (path, tag)
    assert not re.search(r"\son[a-z]+\s*=", html), path  # no inline event handlers
    assert not re.search(r"\sstyle\s*=", html), path  # style-src 'self' has no inline styles


def test_json_and_files_are_never_sniffed_and_carry_no_page_policy(client: FlaskClient) -> None:
    for path in ("/api/v1/banks", "/static/js/i18n.js"):
        with client.get(path) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "Content-Security-Policy" not in response.headers


def test_the_big_screen_may_be_framed_by_the_configured_sites(
    wired,
    lobby: dict,
) -> None:
    venue = "https://live.example.cn"
    app = create_app(wired.settings.with_(watch_frame_ancestors=venue), wired=wired)
    client = app.test_client()
    watch = client.get(f"/watch/{lobby['watch_code']}")
    assert watch.status_code == 200
    assert directives(watch)["frame-ancestors"] == venue
    assert directives(client.get("/console"))["frame-ancestors"] == "'self'"


def test_a_frame_ancestors_setting_cannot_add_directives(app) -> None:
    with pytest.raises(ValueError, match="sources"):
        install_page_headers(app, "'self'; script-src *")
