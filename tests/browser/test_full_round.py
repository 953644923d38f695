"""A full live round in one browser: the organiser hosts from the console's hosting page,
three phones play and a big screen follows; every step checks what each of them shows.

(A phone reloading mid-question and keeping its score is in test_contestant.py.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BIG_SCREEN, HOST_NAME, HOST_PASSWORD, console_log_in
from tests.browser.screens import board, join, options, phone, received, result, shows_question

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SINGLE, TRUE_FALSE = "nd-0001", "nd-0012"
PROMPTS = {
    SINGLE: "中国人民解放军建军节是每年的哪一天？",
    TRUE_FALSE: "中国人民解放军海军的成立日是1949年4月23日。",
}
RULES = {
    "scoring": {"points": 1000, "speed": "none", "streak_step": 100, "streak_cap": 500},
    "default_time_limit_s": 120,
}


def console(browser, base: str, round_id: int) -> Page:
    """The organiser's hosting page, reached through the console's login."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    console_log_in(page, base, f"/console/rounds/{round_id}", (HOST_NAME, HOST_PASSWORD))
    return page


def host(page: Page, button: str, status: str) -> None:
    """Press a control on the hosting page and see the round reach ``status``."""
    if button == "结束比赛":
        page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#round-status")).to_have_text(status)


def standings(page: Page, rows: list[tuple[str, str, str, str]]) -> None:
    """The hosting page's table as (rank, nickname, region, points) rows."""
    table = page.locator("#board tr")
    expect(table).to_have_count(len(rows))
    for row, (rank, nickname, region, points) in zip(table.all(), rows, strict=True):
        expect(row.locator("td").nth(0)).to_have_text(rank)
        expect(row.locator("td").nth(1)).to_have_text(nickname)
        expect(row.locator("td").nth(2)).to_have_text(region)
        expect(row.locator("td").nth(3)).to_have_text(points)


def test_the_console_hosts_a_round_for_three_phones_and_a_big_screen(server, browser, shot) -> None:
    created = server.open_round(server.host_token(), [SINGLE, TRUE_FALSE], RULES)
    round_id, code = created["id"], created["code"]

    organiser = console(browser, server.base, round_id)
    expect(organiser.locator("#join-code")).to_have_text(code)
    expect(organiser.locator("#round-status")).to_have_text("等待开始")
    expect(organiser.locator("#contestants")).to_have_text("0")

    screen = browser.new_context(viewport=BIG_SCREEN).new_page()
    screen.goto(f"{server.base}/watch/{created['watch_code']}")
    expect(screen.locator(".join-code")).to_have_text(code)
    qr = screen.get_by_role("img", name=f"{server.base}/play/{code}")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # the SVG loaded and drew
    assert qr.bounding_box()["width"] >= 200  # scannable from the hall
    shot(screen, "screen-lobby")

    ann, bo, cai = (phone(browser, server.base) for _ in range(3))
    for page, nickname, region in ((ann, "Ann", "深圳"), (bo, "Bo", "广州"), (cai, "Cai", "佛山")):
        join(page, f"/play/{code}", nickname, region)
    expect(ann.get_by_role("img", name=f"{server.base}/play/{code}")).to_be_visible()
    expect(organiser.locator("#contestants")).to_have_text("3")
    shot(ann, "lobby")
    shot(organiser, "console-lobby")

    # Question 1: Ann and Cai right, Bo wrong; the console counts the answers coming in.
    host(organiser, "开始", "作答中")
    expect(organiser.locator("#progress")).to_have_text("1 / 2")
    expect(organiser.locator("#answers-in")).to_have_text("0 / 3")
    expect(organiser.locator("#question .prompt")).to_have_text(PROMPTS[SINGLE])
    for page in (ann, bo, cai):
        shows_question(page, PROMPTS[SINGLE], 1, total=2)
    expect(screen.locator("[data-prompt]")).to_have_text(PROMPTS[SINGLE])
    expect(screen.locator(".option.right")).to_have_count(0)
    shot(screen, "screen-question")
    for page, choice, count in ((ann, "8月1日", 1), (bo, "7月1日", 2), (cai, "8月1日", 3)):
        page.get_by_role("button", name=choice).click()
        received(page)
        expect(organiser.locator("#answers-in")).to_have_text(f"{count} / 3")
    shot(ann, "answered")
    shot(organiser, "console-answering")

    host(organiser, "截止作答", "已截止")
    expect(bo.locator("[data-answer-status]")).to_have_text("答案已收到 · 等待公布答案…")
    host(organiser, "公布答案", "已公布答案")
    result(ann, "✓ 回答正确！", 1000, 1000, 1, "1 / 3")
    result(cai, "✓ 回答正确！", 1000, 1000, 1, "2 / 3")
    result(bo, "✗ 回答错误", 0, 0, 0, "3 / 3")
    expect(bo.locator("[data-answer-was]")).to_have_text("正确答案：8月1日")
    options(screen, ["1", "2", "0", "0"], ["8月1日"])
    expect(screen.locator("[data-answers-count]")).to_have_text("3 / 3 人已作答")
    board(screen, [("1", "Ann深圳", "1000"), ("2", "Cai佛山", "1000"), ("3", "Bo广州", "0")])
    expect(organiser.locator("#question li.right")).to_have_text(
        re.compile(r"^8月1日 · 选择人数 2 ✓ 正确$")
    )
    standings(organiser, [("1", "Ann", "深圳", "1000"), ("2", "Cai", "佛山", "1000"),
                          ("3", "Bo", "广州", "0")])  # fmt: skip
    shot(bo, "reveal-wrong")
    shot(screen, "screen-reveal")
    shot(organiser, "console-revealed")

    # Question 2: Ann right (a streak), Cai wrong, Bo lets the time run out.
    host(organiser, "下一题", "作答中")
    expect(organiser.locator("#progress")).to_have_text("2 / 2")
    expect(organiser.locator("#answers-in")).to_have_text("0 / 3")
    expect(organiser.get_by_role("button", name="下一题")).to_be_disabled()  # the last one
    for page in (ann, bo, cai):
        shows_question(page, PROMPTS[TRUE_FALSE], 2, total=2)
    expect(screen.locator("[data-prompt]")).to_have_text(PROMPTS[TRUE_FALSE])
    for page, choice, count in ((ann, "对", 1), (cai, "错", 2)):
        page.get_by_role("button", name=choice).click()
        received(page)
        expect(organiser.locator("#answers-in")).to_have_text(f"{count} / 3")
    host(organiser, "截止作答", "已截止")
    expect(bo.locator("[data-answer-status]")).to_have_text("时间到 · 本题未作答")
    host(organiser, "公布答案", "已公布答案")
    result(ann, "✓ 回答正确！", 1100, 2100, 2, "1 / 3")
    result(cai, "✗ 回答错误", 0, 1000, 0, "2 / 3")
    expect(bo.locator("[data-verdict]")).to_have_text("本题未作答")
    options(screen, ["1", "1"], ["对"])
    expect(screen.locator("[data-answers-count]")).to_have_text("2 / 3 人已作答")
    board(screen, [("1", "Ann深圳", "2100"), ("2", "Cai佛山", "1000"), ("3", "Bo广州", "0")])
    standings(organiser, [("1", "Ann", "深圳", "2100"), ("2", "Cai", "佛山", "1000"),
                          ("3", "Bo", "广州", "0")])  # fmt: skip
    shot(ann, "reveal-right")
    shot(screen, "screen-reveal-2")

    host(organiser, "结束比赛", "已结束")
    expect(organiser.locator("#question")).to_have_text("比赛已结束。")
    for page, rank, points in ((ann, 1, 2100), (cai, 2, 1000), (bo, 3, 0)):
        expect(page.locator("[data-final-rank]")).to_have_text(f"最终排名：第 {rank} 名 / 共 3 人")
        expect(page.locator("[data-final-points]")).to_have_text(f"最终得分：{points}")
    expect(screen.locator("[data-status]")).to_have_text("比赛结束")
    board(screen, [("1", "Ann深圳", "2100"), ("2", "Cai佛山", "1000"), ("3", "Bo广州", "0")])
    shot(ann, "finished")
    shot(screen, "screen-finished")
    shot(organiser, "console-finished")
    assert [page.errors for page in (organiser, ann, bo, cai)] == [[], [], [], []]
