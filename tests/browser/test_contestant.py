"""A live round on three phones and a big screen, each in its own browser context.

The host drives the round over the HTTP API (the organiser console has its own test);
every step checks what each phone and the big screen show.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BIG_SCREEN
from tests.browser.screens import board, join, options, phone, received, result, shows_question

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SINGLE, TRUE_FALSE, ORDER = "nd-0001", "nd-0012", "nd-0031"
PROMPTS = {
    SINGLE: "中国人民解放军建军节是每年的哪一天？",
    TRUE_FALSE: "中国人民解放军海军的成立日是1949年4月23日。",
    ORDER: "按通过的先后顺序排列这四部法律（从早到晚）。",
}
LAWS_IN_ORDER = ["《国防法》", "《国防教育法》", "《国防动员法》", "《英雄烈士保护法》"]
# 1000 points a right answer, +100 per earlier right answer in a row; no speed bonus.
RULES = {
    "scoring": {"points": 1000, "speed": "none", "streak_step": 100, "streak_cap": 500},
    "default_time_limit_s": 120,
}


def arrange(page: Page, wanted: list[str]) -> None:
    """Put an order question's items in ``wanted`` order (they are shown shuffled): the
    first move by a tap, the rest by Enter, since the focus stays on the moved button."""
    items = page.locator(".order .label")
    for target, label in enumerate(wanted):
        steps = items.all_text_contents().index(label) - target
        if steps <= 0:
            continue
        page.get_by_role("button", name=f"上移: {label}").click()
        for _ in range(steps - 1):
            expect(page.get_by_role("button", name=f"上移: {label}")).to_be_focused()
            page.keyboard.press("Enter")
    expect(items).to_have_text(wanted)


def test_three_phones_and_a_big_screen_play_a_round(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE, TRUE_FALSE, ORDER], RULES)
    round_id, code = created["id"], created["code"]

    screen = browser.new_context(viewport=BIG_SCREEN).new_page()
    screen.goto(f"{server.base}/watch/{created['watch_code']}")
    expect(screen.locator(".join-code")).to_have_text(code)
    expect(screen.locator("[data-status]")).to_have_text("等待比赛开始")
    shot(screen, "screen-lobby")

    ann, bo, cai = (phone(browser, server.base) for _ in range(3))
    ann.goto(server.base + "/")
    shot(ann, "landing")
    join(ann, f"/play/{code}", "Ann", "深圳")  # a link with the code
    join(bo, f"/play?code={code.lower()}", "Bo", "广州")  # a QR code's query string
    cai.goto(server.base + "/play")
    shot(cai, "join")
    join(cai, "/play", "Cai", "深圳", type_code=code)  # typed by hand
    expect(ann.locator("[data-you]")).to_have_text("你的昵称：Ann")
    shot(ann, "lobby")

    # Question 1 (single): Ann taps, Bo presses 1 in English, Cai tabs and presses Enter.
    server.command(token, round_id, "start")
    for page in (ann, bo, cai):
        shows_question(page, PROMPTS[SINGLE], 1)
        expect(page.locator(".choice .shape")).to_have_text(["▲", "◆", "●", "■"])
    expect(screen.locator("[data-prompt]")).to_have_text(PROMPTS[SINGLE])
    expect(screen.locator(".option")).to_have_count(4)
    expect(screen.locator(".option.right")).to_have_count(0)  # never before the reveal
    expect(screen.locator("[data-seconds]")).to_have_text(re.compile(r"^1[0-2]\d$"))
    shot(ann, "question")
    shot(screen, "screen-question")

    ann.get_by_role("button", name="8月1日").click()
    received(ann)
    shot(ann, "answered")
    bo.get_by_label("语言").select_option("en")
    expect(bo.locator("[data-prompt]")).to_have_text(re.compile("^On which date is the founding"))
    expect(bo.locator(".choice .label")).to_have_text(["1 July", "1 August", "1 October", "4 May"])
    bo.keyboard.press("1")
    expect(bo.locator("[data-answer-status]")).to_have_text("Answer received")
    expect(cai.get_by_role("heading", name=PROMPTS[SINGLE])).to_be_focused()
    cai.keyboard.press("Tab")
    cai.keyboard.press("Tab")
    expect(cai.get_by_role("button", name="8月1日")).to_be_focused()
    cai.keyboard.press("Enter")
    received(cai)
    expect(ann.get_by_role("button", name="7月1日")).to_be_disabled()

    server.command(token, round_id, "close")
    expect(ann.locator("[data-answer-status]")).to_have_text("答案已收到 · 等待公布答案…")
    expect(screen.locator(".option.right")).to_have_count(0)
    server.command(token, round_id, "reveal")
    result(ann, "✓ 回答正确！", 1000, 1000, 1, "1 / 3")
    result(cai, "✓ 回答正确！", 1000, 1000, 1, "2 / 3")
    expect(bo.locator("[data-verdict]")).to_have_text("✗ Wrong")
    expect(bo.locator("[data-answer-was]")).to_have_text("Answer: 1 August")
    expect(bo.locator("[data-rank]")).to_have_text("3 / 3")
    options(screen, ["1", "2", "0", "0"], ["8月1日"])
    expect(screen.locator("[data-answers-count]")).to_have_text("3 / 3 人已作答")
    board(screen, [("1", "Ann深圳", "1000"), ("2", "Cai深圳", "1000"), ("3", "Bo广州", "0")])
    expect(screen.locator(".regions li")).to_have_text(["深圳2", "广州1"])
    shot(ann, "reveal-right")
    shot(bo, "reveal-wrong-en")
    shot(screen, "screen-reveal")

    # Question 2 (true/false): Cai reloads before answering, Ann after; both keep going.
    server.command(token, round_id, "next")
    for page in (ann, cai):
        shows_question(page, PROMPTS[TRUE_FALSE], 2)
    expect(bo.locator("[data-prompt]")).to_have_text("The PLA Navy was founded on 23 April 1949.")
    cai.reload()
    shows_question(cai, PROMPTS[TRUE_FALSE], 2)
    cai.get_by_role("button", name="对").click()
    received(cai)
    ann.get_by_role("button", name="对").click()
    received(ann)
    ann.reload()
    shows_question(ann, PROMPTS[TRUE_FALSE], 2)
    received(ann)
    expect(ann.get_by_role("button", name="错")).to_be_disabled()
    bo.reload()  # the language choice outlives a reload
    expect(bo.locator("[data-prompt]")).to_have_text("The PLA Navy was founded on 23 April 1949.")
    bo.context.set_offline(True)  # the line drops: the page says so, then rejoins by itself
    expect(bo.locator("[data-connection]")).to_have_text("Connection lost, reconnecting…")
    bo.context.set_offline(False)
    expect(bo.locator("[data-connection]")).to_be_empty(timeout=15_000)
    bo.get_by_role("button", name="False").click()
    expect(bo.locator("[data-answer-status]")).to_have_text("Answer received")

    server.command(token, round_id, "close")
    server.command(token, round_id, "reveal")
    result(ann, "✓ 回答正确！", 1100, 2100, 2, "1 / 3")
    result(cai, "✓ 回答正确！", 1100, 2100, 2, "2 / 3")
    expect(bo.locator("[data-verdict]")).to_have_text("✗ Wrong")
    options(screen, ["2", "1"], ["对"])
    board(screen, [("1", "Ann深圳", "2100"), ("2", "Cai深圳", "2100"), ("3", "Bo广州", "0")])

    # Question 3 (order): Ann reorders with the move buttons; Cai submits as shown; Bo waits.
    server.command(token, round_id, "next")
    shows_question(ann, PROMPTS[ORDER], 3)
    shows_question(cai, PROMPTS[ORDER], 3)
    arrange(ann, LAWS_IN_ORDER)
    expect(ann.get_by_role("button", name=f"上移: {LAWS_IN_ORDER[0]}")).to_be_disabled()
    shot(ann, "order")
    ann.get_by_role("button", name="提交答案").click()
    received(ann)
    arrange(cai, LAWS_IN_ORDER[::-1])
    cai.get_by_role("button", name="提交答案").click()
    received(cai)
    server.command(token, round_id, "close")
    expect(bo.locator("[data-answer-status]")).to_have_text("Time's up · No answer given")
    server.command(token, round_id, "reveal")
    result(ann, "✓ 回答正确！", 1200, 3300, 3, "1 / 3")
    result(cai, "✗ 回答错误", 0, 2100, 0, "2 / 3")
    expect(bo.locator("[data-verdict]")).to_have_text("No answer given")
    options(screen, ["1", "1"], ["正确"])

    server.command(token, round_id, "finish")
    expect(ann.locator("[data-final-rank]")).to_have_text("最终排名：第 1 名 / 共 3 人")
    expect(ann.locator("[data-final-points]")).to_have_text("最终得分：3300")
    expect(cai.locator("[data-final-rank]")).to_have_text("最终排名：第 2 名 / 共 3 人")
    expect(bo.locator("[data-final-rank]")).to_have_text("Final rank: 3 of 3")
    expect(ann.locator("[data-top] li")).to_have_text(
        [re.compile("^Ann3300"), re.compile("^Cai2100"), re.compile("^Bo0")]
    )
    expect(ann.locator("[data-top] li.me")).to_have_text(re.compile("^Ann"))
    expect(screen.locator("[data-status]")).to_have_text("比赛结束")
    board(screen, [("1", "Ann深圳", "3300"), ("2", "Cai深圳", "2100"), ("3", "Bo广州", "0")])
    shot(ann, "finished")
    shot(bo, "finished-en")
    shot(screen, "screen-finished")
    assert [page.errors for page in (ann, bo, cai)] == [[], [], []]
