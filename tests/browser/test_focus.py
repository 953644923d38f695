"""The phone page reports leaving the page during a question, and the server's count
hands a self-paced paper in; the question's text cannot be selected or copied."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.screens import phone, shows_question

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SINGLE, TRUE_FALSE = "nd-0001", "nd-0012"
LEAVE_AND_COME_BACK = (
    "window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus'))"
)


def paper_handed_in_at_the_second_switch(server, browser):  # type: ignore[no-untyped-def]
    """A phone that joined a self-paced round handing papers in at the second switch,
    its first question shown."""
    now_ms = int(time.time() * 1000)
    settings = {
        "opens_at": now_ms - 60_000,
        "closes_at": now_ms + 3_600_000,
        "submit_after_switches": 2,
    }
    rules = {"mode": "self_paced", "default_time_limit_s": 90}
    created = server.open_round(server.host_token(), [SINGLE, TRUE_FALSE], rules, settings)

    fay = phone(browser, server.base)
    fay.goto(f"{server.base}/play/{created['code']}")
    fay.get_by_label("昵称").fill("Fay")
    fay.get_by_role("button", name="加入").click()
    shows_question(fay, "中国人民解放军建军节是每年的哪一天？", 1, total=2)
    return fay


def test_switching_away_twice_hands_the_paper_in(server, browser) -> None:
    fay = paper_handed_in_at_the_second_switch(server, browser)
    prompt = fay.locator("[data-prompt]")
    assert prompt.evaluate("element => getComputedStyle(element).userSelect") == "none"
    copied = fay.evaluate(
        "() => document.querySelector('[data-prompt]')"
        ".dispatchEvent(new Event('copy', {bubbles: true, cancelable: true}))"
    )
    assert copied is False  # the copy was cancelled

    fay.evaluate(LEAVE_AND_COME_BACK)
    expect(fay.locator("[data-notice]")).to_contain_text("第 1 次")
    fay.evaluate(LEAVE_AND_COME_BACK)
    expect(fay.locator("[data-notice]")).to_have_text("离开答题页面次数过多，试卷已提交。")
    expect(fay.get_by_role("heading", name="答题完成")).to_be_visible()

    fay.reload()  # the server handed it in: a reload finds it finished
    expect(fay.get_by_role("heading", name="答题完成")).to_be_visible()
    assert fay.errors == []


def test_switches_made_offline_hand_the_paper_in_once_back(server, browser) -> None:
    """An offline phone cannot dodge it: its reports wait on the phone, go out when it
    rejoins, and the server hands the paper in."""
    fay = paper_handed_in_at_the_second_switch(server, browser)
    fay.context.set_offline(True)
    expect(fay.locator("[data-connection]")).not_to_be_empty()
    fay.evaluate(LEAVE_AND_COME_BACK)
    fay.evaluate(LEAVE_AND_COME_BACK)
    fay.context.set_offline(False)
    expect(fay.locator("[data-notice]")).to_have_text(
        "离开答题页面次数过多，试卷已提交。", timeout=15_000
    )
    expect(fay.get_by_role("heading", name="答题完成")).to_be_visible()
    fay.reload()
    expect(fay.get_by_role("heading", name="答题完成")).to_be_visible()
    assert fay.errors == []
