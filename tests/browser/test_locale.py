"""The phone and landing pages speak the browser's language until the reader picks one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE


@pytest.mark.parametrize(
    ("browser_locale", "lang", "title"),
    [
        ("en-US", "en", "Join a round"),
        ("zh-HK", "zh-Hant", "參加比賽"),
        ("zh-TW", "zh-Hant", "參加比賽"),
        ("zh-CN", "zh-Hans", "参加比赛"),
        ("fr-FR", "zh-Hans", "参加比赛"),
    ],
)
def test_the_browser_language_chooses_the_page_language(
    server, browser, browser_locale, lang, title
) -> None:
    context = browser.new_context(viewport=PHONE, locale=browser_locale)
    page = context.new_page()
    page.goto(server.base + "/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert page.get_by_role("heading", name=title).is_visible()
    context.close()


def test_a_chosen_language_outlasts_the_browser_language(server, browser) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.goto(server.base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("[data-locale-select]").select_option("zh-Hant")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    assert page.get_by_role("heading", name="參加比賽").is_visible()
    context.close()
