"""Elderly mode (长辈模式, issue 18): one switch on the phone page, or ``?elder=1`` in a join
link, makes every text at least 18 px and every tap target at least 60 px tall, in one
column with a bigger timer; the phone remembers it. Tried as WeChat's in-app browser
(its user agent, a touch screen) at 390×844 and 320×568, axe-clean in every state."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.screens import shows_question

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36"
    " (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065"
    " MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64"
    " Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
SINGLE, MULTIPLE, ORDER = "nd-0001", "nd-0006", "nd-0031"
PROMPTS = {
    SINGLE: "中国人民解放军建军节是每年的哪一天？",
    MULTIPLE: "关于国歌《义勇军进行曲》，下列说法正确的是？",
    ORDER: "按通过的先后顺序排列这四部法律（从早到晚）。",
}
RULES = {"scoring": {"points": 1000, "speed": "none"}, "default_time_limit_s": 120}
VIEWPORTS = {"390": {"width": 390, "height": 844}, "320": {"width": 320, "height": 568}}
SWITCH = "[data-elder-switch]"

# What the reader sees: every element on screen with text of its own, and every control.
MEASURE = """() => {
  const seen = (e) => {
    const box = e.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && box.right > 0 && box.left < innerWidth
      && getComputedStyle(e).visibility !== "hidden";
  };
  const small = [...document.querySelectorAll("body *")]
    .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .filter(seen)
    .map((e) => [e.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(e).fontSize)])
    .filter(([, size]) => size < 18);
  const short = [...document.querySelectorAll("a, button, input, select, summary")]
    .filter(seen)
    .map((e) => (e.type === "checkbox" ? e.closest("label") : e))
    .map((e) => [e.textContent.trim().slice(0, 30) || e.outerHTML.slice(0, 60),
                 e.getBoundingClientRect().height])
    .filter(([, height]) => height < 60);
  return {small, short};
}"""


def wechat(browser, viewport: dict) -> Page:
    context = browser.new_context(
        viewport=viewport, user_agent=WECHAT, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def large(page: Page, state: str) -> None:
    """The page as it stands has no text under 18 px and no control under 60 px tall,
    and axe finds nothing serious in it."""
    expect(page.locator("html")).to_have_class("elder")
    found = page.evaluate(MEASURE)
    assert found == {"small": [], "short": []}, (state, found)
    assert_accessible(page, f"elderly mode: {state}")


def font_px(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_switch_makes_a_round_large_and_is_remembered(server, browser, shot, size) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE, MULTIPLE], RULES)
    page = wechat(browser, VIEWPORTS[size])
    page.goto(f"{server.base}/play/{created['code']}")
    assert "MicroMessenger" in page.evaluate("navigator.userAgent")
    expect(page.locator("[data-join-button]")).to_be_enabled()
    switch = page.locator(SWITCH)
    expect(switch).to_have_text("长辈模式")
    expect(switch).to_have_attribute("aria-pressed", "false")
    normal_prompt = font_px(page, "h1")
    switch.tap()
    expect(switch).to_have_attribute("aria-pressed", "true")
    assert font_px(page, "h1") > normal_prompt
    large(page, "join")
    shot(page, f"join-{size}")

    expect(page.locator("#region option")).to_have_count(22)
    page.locator("#nickname").fill("王奶奶")
    page.locator("[data-join-button]").tap()
    expect(page.locator("#lobby-heading")).to_be_visible()
    large(page, "lobby")
    shot(page, f"lobby-{size}")

    server.command(token, created["id"], "start")
    shows_question(page, PROMPTS[SINGLE], 1, 2)
    expect(page.locator("[data-seconds]")).not_to_be_empty()
    assert font_px(page, "[data-seconds]") >= 40  # the time left, big
    for selector in ("[data-prompt]", ".choice .label", "[data-progress]"):
        assert font_px(page, selector) >= 18, selector
    columns = page.locator(".choice").evaluate_all(
        "els => new Set(els.map(e => Math.round(e.getBoundingClientRect().left))).size"
    )
    assert columns == 1  # one column
    large(page, "question")
    shot(page, f"question-{size}")
    # A short screen's question keeps the header's room: the switch waits for the reveal.
    if size == "320":
        expect(switch).to_be_hidden()
    else:
        expect(switch).to_be_visible()

    page.get_by_role("button", name="8月1日").tap()
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")
    large(page, "answered")

    page.reload()  # the phone remembers the mode, and the answer
    expect(page.locator("[data-prompt]")).to_have_text(PROMPTS[SINGLE])
    expect(page.locator(SWITCH)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")
    large(page, "answered, reloaded")
    shot(page, f"answered-{size}")

    server.command(token, created["id"], "close")
    server.command(token, created["id"], "reveal")
    expect(page.locator("[data-verdict]")).to_have_text("✓ 回答正确！")
    expect(switch).to_be_visible()
    large(page, "reveal")
    shot(page, f"reveal-{size}")

    server.command(token, created["id"], "next")
    shows_question(page, PROMPTS[MULTIPLE], 2, 2)
    page.evaluate("window.scrollTo(0, 0)")
    submit = page.get_by_role("button", name="提交答案")
    box = submit.bounding_box()
    assert box["height"] >= 60
    assert box["y"] >= 0  # pinned in view
    assert box["y"] + box["height"] <= VIEWPORTS[size]["height"]
    large(page, "multiple")
    shot(page, f"multiple-{size}")
    page.get_by_role("button", name="田汉作词").tap()
    page.get_by_role("button", name="聂耳作曲").tap()
    submit.tap()
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")

    server.command(token, created["id"], "close")
    server.command(token, created["id"], "reveal")
    server.command(token, created["id"], "finish")
    expect(page.locator("#finished-heading")).to_be_visible()
    large(page, "finished")
    shot(page, f"finished-{size}")
    page.get_by_role("button", name="查看答题回顾").tap()
    expect(page.locator("[data-review-list] li")).to_have_count(2)
    large(page, "review")

    page.locator(SWITCH).tap()  # and back: the page as it was
    expect(page.locator("html")).not_to_have_class("elder")
    assert page.evaluate("localStorage.getItem('leitai.play.elder')") == "0"
    assert page.errors == []


def test_an_elderly_mode_link_turns_it_on(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE], RULES)
    page = wechat(browser, VIEWPORTS["390"])
    page.goto(f"{server.base}/play/{created['code']}?elder=1")
    expect(page.locator(SWITCH)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-join-button]")).to_be_enabled()
    # Taken from the link once: the address drops it, so the switch has the last word.
    assert page.url == f"{server.base}/play/{created['code']}"
    large(page, "join from an elderly-mode link")
    shot(page, "link")

    page.locator(SWITCH).tap()
    page.reload()
    expect(page.locator("[data-join-button]")).to_be_enabled()
    expect(page.locator(SWITCH)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("html")).not_to_have_class("elder")

    page.goto(f"{server.base}/play?code={created['code']}&elder=1")
    expect(page.locator("html")).to_have_class("elder")
    assert page.url == f"{server.base}/play?code={created['code']}"
    page.goto(f"{server.base}/play/{created['code']}?elder=0")  # a link can turn it off too
    expect(page.locator(SWITCH)).to_have_attribute("aria-pressed", "false")
    assert page.errors == []


def test_an_order_question_in_elderly_mode(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [ORDER], RULES)
    page = wechat(browser, VIEWPORTS["320"])
    page.goto(f"{server.base}/play/{created['code']}?elder=1")
    expect(page.locator("#region option")).to_have_count(22)
    page.locator("#nickname").fill("李爷爷")
    page.locator("[data-join-button]").tap()
    expect(page.locator("#lobby-heading")).to_be_visible()
    server.command(token, created["id"], "start")
    shows_question(page, PROMPTS[ORDER], 1, 1)
    expect(page.locator(".order-item")).to_have_count(4)
    large(page, "order")
    shot(page, "order")
    first = page.locator(".order .label").first.text_content()
    page.get_by_role("button", name=f"下移: {first}").tap()
    expect(page.locator(".order .label").nth(1)).to_have_text(first)
    page.get_by_role("button", name="提交答案").tap()
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")
    large(page, "order answered")
    shot(page, "order-answered")
    assert page.errors == []
