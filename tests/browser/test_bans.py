"""The host console removes a contestant (a ban: the phone is told at once) and lifts it."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import console_log_in
from tests.browser.test_console import call, page  # noqa: F401 (the page fixture)
from tests.integration.live_clients import socketio_client
from tests.web.live_helpers import rules

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_host_removes_a_contestant_and_lifts_the_ban(page, server):  # noqa: F811
    competition = call(
        server,
        "POST",
        "/competitions",
        {"title": "禁赛", "bank": "national-defence", "bank_version": 1, "rules": rules()},
    )
    round_id = call(server, "POST", f"/competitions/{competition['id']}/rounds")["id"]
    code = call(server, "GET", f"/rounds/{round_id}")["code"]
    console_log_in(page, server.base, f"/console/rounds/{round_id}")

    told: list[dict] = []
    player = socketio_client()
    player.on("kicked", told.append, namespace="/play")
    player.connect(server.base, namespaces=["/play"], transports=["websocket"])
    try:
        joined = player.call("join", {"code": code, "nickname": "小明"}, namespace="/play")
        assert joined["ok"], joined
        page.locator("#board td", has_text="小明").wait_for()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="移出 小明").click()
        page.locator("#bans td", has_text="小明").wait_for()
        deadline = time.monotonic() + 5
        while not told and time.monotonic() < deadline:
            time.sleep(0.05)
        assert told == [{"round": round_id, "contestant": joined["contestant"]["id"]}]
    finally:
        player.disconnect()

    page.get_by_role("button", name="恢复 小明").click()
    page.locator("#bans td", has_text="没有").wait_for()
    assert call(server, "GET", f"/rounds/{round_id}/bans") == {"bans": []}
