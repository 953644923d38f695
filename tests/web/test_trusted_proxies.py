"""LEITAI_TRUSTED_PROXIES: the client's address behind nginx (docs/deploy-nginx.md)."""

from __future__ import annotations

from flask import Flask, request

from web.app import create_app
from web.wiring import Wiring


def address_seen(app: Flask, **headers: str) -> str:
    app.add_url_rule("/test-address", "test_address", lambda: request.remote_addr or "")
    return app.test_client().get("/test-address", headers=headers).get_data(as_text=True)


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(wired: Wiring):
    app = create_app(wired.settings.with_(trusted_proxies=1), wired=wired)
    forwarded = {"X-Forwarded-For": "198.51.100.9, 203.0.113.7"}
    assert address_seen(app, **forwarded) == "203.0.113.7"  # the one our proxy added


def test_with_no_trusted_proxy_a_forwarded_address_is_ignored(app: Flask):
    assert address_seen(app, **{"X-Forwarded-For": "203.0.113.7"}) == "127.0.0.1"
