"""A join form submitted before play.js runs must not send the nickname into the address."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def test_the_join_button_waits_for_the_script(server, browser) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    held = []
    page.route("**/static/js/play.js", lambda route: held.append(route))  # a late script
    page.goto(server.base + "/play/ABCD12", wait_until="commit")
    page.wait_for_selector("#nickname")
    page.fill("#nickname", "小明")
    page.press("#nickname", "Enter")
    page.wait_for_timeout(300)
    assert page.url == server.base + "/play/ABCD12"
    assert page.locator("[data-join-button]").is_disabled()
    assert held, "play.js was never requested"
    held[0].continue_()
    expect(page.locator("[data-join-button]")).to_be_enabled()
    assert page.input_value("#nickname") == "小明"
    context.close()
