"""The phone page, second pass (issue 18): refusals in the reader's language, a tap made
offline kept and sent on reconnect, a live lobby count, a multiple-select question that
fits a 320×568 screen, order items dragged, the reveal saying what you answered, and
the end screen's review."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.screens import shows_question

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SINGLE, MULTIPLE, ORDER = "nd-0001", "nd-0006", "nd-0031"
PROMPTS = {
    SINGLE: "中国人民解放军建军节是每年的哪一天？",
    MULTIPLE: "关于国歌《义勇军进行曲》，下列说法正确的是？",
    ORDER: "按通过的先后顺序排列这四部法律（从早到晚）。",
}
LAWS_IN_ORDER = ["《国防法》", "《国防教育法》", "《国防动员法》", "《英雄烈士保护法》"]
RULES = {"scoring": {"points": 1000, "speed": "none"}, "default_time_limit_s": 120}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 568}


def phone(browser, viewport=PHONE, locale: str = "zh-CN") -> Page:
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def join(page: Page, base: str, code: str, nickname: str) -> None:
    page.goto(f"{base}/play/{code}")
    expect(page.locator("#region option")).to_have_count(22)  # the round's info is in
    page.locator("#nickname").fill(nickname)
    page.locator("[data-join-button]").click()
    expect(page.locator("#lobby-heading")).to_be_visible()


def inside(page: Page, selector: str) -> None:
    """Every element ``selector`` matches lies wholly inside the viewport, unscrolled."""
    height = page.viewport_size["height"]
    width = page.viewport_size["width"]
    for box in page.locator(selector).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())"
    ):
        assert 0 <= box["top"] <= box["bottom"] <= height, (selector, box)
        assert 0 <= box["left"] <= box["right"] <= width, (selector, box)


def test_refusals_are_worded_in_the_readers_language(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE], RULES)
    page = phone(browser)
    page.goto(f"{server.base}/play/{created['code']}")
    expect(page.locator("[data-join-button]")).to_be_enabled()
    page.locator("#nickname").fill("SuperAdmin")  # a blocked word
    page.locator("[data-join-button]").click()
    expect(page.locator("#nickname-error")).to_have_text("这个昵称不能用，请换一个。")
    expect(page.locator("#nickname")).to_have_attribute("aria-invalid", "true")
    shot(page, "nickname-refused")

    other = phone(browser)
    join(other, server.base, created["code"], "小明")
    page.locator("#nickname").fill("小明")
    page.locator("[data-join-button]").click()
    expect(page.locator("#nickname-error")).to_have_text("这个昵称已经有人用了，请换一个。")

    page.locator("#code").fill("ZZZZZZ")
    page.locator("#nickname").fill("小红")
    page.locator("[data-join-button]").click()
    expect(page.locator("#code-error")).to_have_text("找不到这个比赛码。")

    english = phone(browser, locale="en-US")
    english.goto(f"{server.base}/play/{created['code']}")
    expect(english.locator("[data-join-button]")).to_be_enabled()
    english.locator("#nickname").fill("bad\u200bname")  # a format character
    english.locator("[data-join-button]").click()
    expect(english.locator("#nickname-error")).to_have_text(
        "The nickname has characters that cannot be shown."
    )

    server.command(token, created["id"], "finish")
    page.locator("#code").fill(created["code"])
    page.locator("#nickname").fill("小红")
    page.locator("[data-join-button]").click()
    expect(page.locator("[data-notice]")).to_have_text("比赛已经结束。")
    shot(page, "finished-refused")
    assert page.errors == english.errors == other.errors == []


def test_a_tap_made_offline_is_sent_on_reconnect(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE, MULTIPLE], RULES)
    page = phone(browser)
    join(page, server.base, created["code"], "阿明")
    server.command(token, created["id"], "start")
    shows_question(page, PROMPTS[SINGLE], 1, 2)

    page.context.set_offline(True)
    expect(page.locator("[data-connection]")).to_have_text("连接中断，正在重新连接…")
    page.get_by_role("button", name="8月1日").click()
    expect(page.locator("[data-answer-status]")).to_have_text("已记下你的答案，恢复连接后自动发送…")
    expect(page.get_by_role("button", name="7月1日")).to_be_disabled()
    page.wait_for_timeout(9000)  # longer than an ack waits: the tap is still kept
    shot(page, "offline-queued")
    page.context.set_offline(False)
    expect(page.locator("[data-connection]")).to_be_empty(timeout=15_000)
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")

    server.command(token, created["id"], "close")
    server.command(token, created["id"], "reveal")
    expect(page.locator("[data-verdict]")).to_have_text("✓ 回答正确！")
    expect(page.locator("[data-your-answer]")).to_have_text("你的答案：8月1日")
    shot(page, "reveal-after-offline")

    # Offline again; the question closes before the line is back: the server refuses the
    # kept answer by its own clock, and the contestant reads why in their language.
    server.command(token, created["id"], "next")
    shows_question(page, PROMPTS[MULTIPLE], 2, 2)
    page.context.set_offline(True)
    expect(page.locator("[data-connection]")).not_to_be_empty()
    page.get_by_role("button", name="田汉作词").click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator("[data-answer-status]")).to_contain_text("已记下你的答案")
    server.command(token, created["id"], "close")
    page.context.set_offline(False)
    expect(page.locator("[data-answer-status]")).to_have_text(
        "恢复连接时本题已经截止，离线时的答案未能计入。", timeout=15_000
    )
    shot(page, "offline-too-late")
    assert page.errors == []


def test_the_lobby_counts_who_joins_and_the_end_links_the_review(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE], RULES)
    first = phone(browser)
    join(first, server.base, created["code"], "一号")
    expect(first.locator("[data-count]")).to_have_text("1 名选手")
    second = phone(browser)
    join(second, server.base, created["code"], "二号")
    expect(second.locator("[data-count]")).to_have_text("2 名选手")
    expect(first.locator("[data-count]")).to_have_text("2 名选手", timeout=15_000)
    shot(first, "lobby-count")

    server.command(token, created["id"], "start")
    first.get_by_role("button", name="8月1日").click()
    server.command(token, created["id"], "close")
    server.command(token, created["id"], "reveal")
    server.command(token, created["id"], "finish")
    review = first.get_by_role("button", name="查看答题回顾")
    expect(review).to_be_visible()
    review.click()
    expect(first.locator("[data-review-list] li")).to_have_count(1)
    expect(first.locator("[data-review-list] li")).to_contain_text("你的答案：8月1日")
    shot(first, "finished-review")
    assert first.errors == second.errors == []


def test_a_multiple_select_question_fits_a_small_phone(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [MULTIPLE], RULES)
    small = phone(browser, SMALL_PHONE)
    join(small, server.base, created["code"], "小屏")
    server.command(token, created["id"], "start")
    shows_question(small, PROMPTS[MULTIPLE], 1, 1)
    small.evaluate("window.scrollTo(0, 0)")
    inside(small, ".choice")
    inside(small, ".submit")
    shot(small, "multiple-320")
    small.get_by_role("button", name="田汉作词").click()
    small.get_by_role("button", name="聂耳作曲").click()
    small.get_by_role("button", name="提交答案").click()
    expect(small.locator("[data-answer-status]")).to_have_text("答案已收到")
    server.command(token, created["id"], "close")
    server.command(token, created["id"], "reveal")
    expect(small.locator("[data-your-answer]")).to_have_text("你的答案：田汉作词, 聂耳作曲")
    assert small.errors == []


def drag(page: Page, label: str, onto: str) -> None:
    """Drag the order item ``label`` by mouse to where ``onto`` is (past its middle)."""
    start = page.locator(".order-item", has_text=label).locator(".label").bounding_box()
    target = page.locator(".order-item", has_text=onto).bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + start["height"] / 2)
    page.mouse.down()
    below = target["y"] + target["height"] * (0.8 if target["y"] > start["y"] else 0.2)
    for step in range(1, 6):
        y = start["y"] + start["height"] / 2 + (below - start["y"] - start["height"] / 2) * step / 5
        page.mouse.move(start["x"] + 10, y)
    page.mouse.up()


def test_order_items_are_dragged_and_show_their_positions(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [ORDER], RULES)
    page = phone(browser)
    join(page, server.base, created["code"], "排序")
    server.command(token, created["id"], "start")
    shows_question(page, PROMPTS[ORDER], 1, 1)
    labels = page.locator(".order .label")
    expect(labels).to_have_count(4)
    shown = labels.all_text_contents()  # each contestant's own shuffle
    assert sorted(shown) == sorted(LAWS_IN_ORDER)
    expect(page.locator(".order .position")).to_have_text(["1", "2", "3", "4"])
    first_up = page.get_by_role("button", name=f"上移: {shown[0]}")
    expect(first_up).to_be_disabled()
    assert float(first_up.evaluate("b => getComputedStyle(b).opacity")) < 1
    enabled = page.get_by_role("button", name=f"上移: {shown[1]}")
    assert float(enabled.evaluate("b => getComputedStyle(b).opacity")) == 1

    drag(page, shown[0], shown[-1])  # the first, down to the end
    expect(labels).to_have_text([*shown[1:], shown[0]])
    for target, label in enumerate(LAWS_IN_ORDER):  # then each, up to its place
        now = labels.all_text_contents()
        if now.index(label) != target:
            drag(page, label, now[target])
        expect(labels.nth(target)).to_have_text(label)
    expect(labels).to_have_text(LAWS_IN_ORDER)
    expect(page.locator(".order .position")).to_have_text(["1", "2", "3", "4"])
    expect(page.get_by_role("button", name=f"上移: {LAWS_IN_ORDER[0]}")).to_be_disabled()
    expect(page.get_by_role("button", name=f"下移: {LAWS_IN_ORDER[-1]}")).to_be_disabled()
    shot(page, "order-dragged")
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")
    server.command(token, created["id"], "close")
    server.command(token, created["id"], "reveal")
    expect(page.locator("[data-verdict]")).to_have_text("✓ 回答正确！")
    expect(page.locator("[data-your-answer]")).to_have_text(
        "你的答案：" + " → ".join(LAWS_IN_ORDER)
    )
    assert page.errors == []


def test_an_eliminated_contestants_tap_says_they_are_out(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE, MULTIPLE], {**RULES, "mode": "elimination"})
    right, also, out = (phone(browser) for _ in range(3))
    for page, name in ((right, "甲"), (also, "乙"), (out, "丙")):
        join(page, server.base, created["code"], name)
    server.command(token, created["id"], "start")
    for page in (right, also):
        page.get_by_role("button", name="8月1日").click()
    out.get_by_role("button", name="7月1日").click()
    for command in ("close", "reveal", "next"):
        server.command(token, created["id"], command)
    shows_question(out, PROMPTS[MULTIPLE], 2, 2)
    out.get_by_role("button", name="田汉作词").click()
    shot(out, "eliminated-question")
    out.get_by_role("button", name="提交答案").click()
    expect(out.locator("[data-answer-status]")).to_have_text(
        "你已被淘汰，不能再作答，可以继续观看。"
    )
    expect(out.get_by_role("button", name="提交答案")).to_be_disabled()
    shot(out, "eliminated-refused")
    assert out.errors == []


def test_joining_as_someone_else_leaves_no_ghost(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE], RULES)
    big = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    big.goto(f"{server.base}/watch/{created['watch_code']}")
    first, second = phone(browser), phone(browser)
    join(first, server.base, created["code"], "甲方")
    join(second, server.base, created["code"], "乙方")
    expect(first.locator("[data-count]")).to_have_text("2 名选手", timeout=15_000)
    expect(big.locator("[data-lobby-count]")).to_have_text("2 名选手已加入", timeout=15_000)

    second.get_by_role("button", name="换个身份加入").click()
    expect(second.locator("#join-heading")).to_be_visible()
    expect(first.locator("[data-count]")).to_have_text("1 名选手", timeout=15_000)
    expect(big.locator("[data-lobby-count]")).to_have_text("1 名选手已加入", timeout=15_000)
    expect(big.locator("[data-lobby-names]")).not_to_contain_text("乙方")
    shot(big, "no-ghost-screen")
    # The name is free again: the same phone joins under it as a new contestant.
    second.locator("#nickname").fill("乙方")
    second.locator("[data-join-button]").click()
    expect(second.locator("#lobby-heading")).to_be_visible()
    expect(first.locator("[data-count]")).to_have_text("2 名选手", timeout=15_000)
    assert first.errors == second.errors == []


def test_the_end_screen_downloads_my_certificate(server, browser, shot) -> None:
    """Issue 16: contestants get their certificates from the phone page (GET
    /api/v1/certificates/mine); the organiser issues them after the round, so a reload of
    the end screen shows them."""
    token = server.host_token()
    created = server.open_round(token, [SINGLE], RULES)
    page = phone(browser)
    join(page, server.base, created["code"], "证书")
    server.command(token, created["id"], "start")
    page.get_by_role("button", name="8月1日").click()
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")
    for command in ("close", "reveal", "finish"):
        server.command(token, created["id"], command)
    expect(page.locator("#finished-heading")).to_be_visible()
    expect(page.locator("[data-certificates-heading]")).to_be_hidden()  # none issued yet
    template = {
        "key": "took-part",
        "rule": {"kind": "participation"},
        "award": {"zh-Hans": "参与奖", "en": "Participation"},
        "title": {"zh-Hans": "荣誉证书"},
        "issuer": {"zh-Hans": "广东省学习办"},
    }
    plan = f"/api/v1/rounds/{created['id']}/certificates/plan"
    server.http("PUT", plan, {"templates": [template]}, token)
    issued = server.http("POST", f"/api/v1/rounds/{created['id']}/certificates/issue", {}, token)
    serial = issued["certificates"][0]["serial"]

    page.reload()
    expect(page.get_by_role("heading", name="我的证书")).to_be_visible()
    expect(page.locator("[data-certificates] li")).to_contain_text("参与奖")
    shot(page, "certificate")
    with page.expect_download() as downloading:
        page.locator("[data-certificates]").get_by_role("button", name="PDF").click()
    download = downloading.value
    assert download.suggested_filename == f"certificate-{serial}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.errors == []
