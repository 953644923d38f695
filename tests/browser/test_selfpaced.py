"""A self-paced round on a phone: a 3-question paper at the contestant's own pace, with a
reload in the middle that comes back to the same question on the same clock."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.screens import phone, shows_question

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SINGLE, TRUE_FALSE, TEXT = "nd-0001", "nd-0012", "nd-0003"
RULES = {
    "mode": "self_paced",
    "scoring": {"points": 1000, "speed": "none", "streak_step": 100, "streak_cap": 500},
    "default_time_limit_s": 90,
}


def seconds_left(page: Page) -> int:
    expect(page.locator("[data-seconds]")).to_have_text(re.compile(r"^\d+$"))
    return int(page.locator("[data-seconds]").inner_text())


def answered(page: Page, verdict: str, gained: int, streak: int, answer: str) -> None:
    expect(page.locator("[data-verdict]")).to_have_text(verdict)
    expect(page.locator("[data-gained]")).to_have_text(f"+{gained} 分")
    expect(page.locator("[data-streak]")).to_have_text(str(streak))
    expect(page.locator("[data-answer-was]")).to_have_text(f"正确答案：{answer}")
    # Total and rank come at the end: others are answering at their own pace.
    expect(page.locator("[data-total]")).to_be_hidden()
    expect(page.locator("[data-rank]")).to_be_hidden()


def test_a_contestant_takes_a_paper_at_their_own_pace(server, browser, shot) -> None:
    now_ms = int(time.time() * 1000)
    window = {"opens_at": now_ms - 60_000, "closes_at": now_ms + 3_600_000}
    created = server.open_round(server.host_token(), [SINGLE, TRUE_FALSE, TEXT], RULES, window)

    dee = phone(browser, server.base)
    dee.goto(f"{server.base}/play/{created['code']}")
    expect(dee.locator("#region option")).to_have_count(22)
    dee.get_by_label("昵称").fill("Dee")
    dee.get_by_label("地区").select_option(label="深圳")
    dee.get_by_role("button", name="加入").click()

    # Straight to the first question, no lobby: its clock started when it was delivered.
    shows_question(dee, "中国人民解放军建军节是每年的哪一天？", 1)
    assert 85 <= seconds_left(dee) <= 90
    shot(dee, "question")
    dee.get_by_role("button", name="8月1日").click()
    answered(dee, "✓ 回答正确！", 1000, 1, "8月1日")
    expect(dee.locator("[data-explanation]")).not_to_be_empty()
    shot(dee, "answered")

    next_button = dee.get_by_role("button", name="下一题")
    next_button.click()
    shows_question(dee, "中国人民解放军海军的成立日是1949年4月23日。", 2)
    before = seconds_left(dee)
    dee.wait_for_timeout(1_500)
    dee.reload()  # the same question again, its clock not restarted
    shows_question(dee, "中国人民解放军海军的成立日是1949年4月23日。", 2)
    assert seconds_left(dee) < before
    shot(dee, "reloaded")
    dee.get_by_role("button", name="对").click()
    answered(dee, "✓ 回答正确！", 1100, 2, "对")

    next_button.click()
    shows_question(dee, re.compile("^被视为人民军队诞生的那次起义"), 3)
    dee.get_by_label("你的答案").fill("北京")
    dee.get_by_role("button", name="提交答案").click()
    answered(dee, "✗ 回答错误", 0, 0, "南昌 / Nanchang")
    shot(dee, "wrong")

    dee.get_by_role("button", name="查看成绩").click()
    expect(dee.get_by_role("heading", name="答题完成")).to_be_focused()
    expect(dee.locator("[data-final-rank]")).to_have_text("目前排名：第 1 名 / 共 1 人")
    expect(dee.locator("[data-final-points]")).to_have_text("最终得分：2100")
    expect(dee.locator("[data-paced-note]")).to_be_visible()
    expect(dee.locator("[data-top]")).to_be_empty()
    shot(dee, "finished")

    # The review (this round reveals after each answer): every question, the wrong one marked.
    dee.get_by_role("button", name="查看答题回顾").click()
    expect(dee.get_by_role("heading", name="答题回顾")).to_be_focused()
    items = dee.locator("[data-review-list] > li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("你的答案：8月1日")
    expect(items.nth(2)).to_have_class("wrong")
    expect(items.nth(2)).to_contain_text("你的答案：北京")
    expect(items.nth(2)).to_contain_text("正确答案：南昌 / Nanchang")
    dee.get_by_label("只看答错的题").check()
    expect(items).to_have_count(1)
    shot(dee, "review")

    dee.reload()  # a finished paper stays finished
    expect(dee.locator("[data-final-points]")).to_have_text("最终得分：2100")
    assert dee.errors == []


def test_a_question_left_unanswered_times_out_and_the_paper_moves_on(server, browser) -> None:
    now_ms = int(time.time() * 1000)
    window = {"opens_at": now_ms - 60_000, "closes_at": now_ms + 3_600_000}
    rules = {**RULES, "default_time_limit_s": 5}
    created = server.open_round(server.host_token(), [SINGLE, TRUE_FALSE], rules, window)

    eve = phone(browser, server.base)
    eve.goto(f"{server.base}/play/{created['code']}")
    eve.get_by_label("昵称").fill("Eve")
    eve.get_by_role("button", name="加入").click()
    shows_question(eve, "中国人民解放军建军节是每年的哪一天？", 1, total=2)
    # Nothing chosen: once the time (and the server's grace) is over the page says so.
    expect(eve.locator("[data-verdict]")).to_have_text("本题未作答", timeout=10_000)
    expect(eve.locator("[data-answer-was]")).to_be_empty()
    eve.get_by_role("button", name="下一题").click()
    shows_question(eve, "中国人民解放军海军的成立日是1949年4月23日。", 2, total=2)
    eve.get_by_role("button", name="错").click()
    answered(eve, "✗ 回答错误", 0, 0, "对")
    eve.get_by_role("button", name="查看成绩").click()
    expect(eve.locator("[data-final-points]")).to_have_text("最终得分：0")
    assert eve.errors == []


def test_after_close_a_phone_shows_only_that_the_answer_was_received(server, browser) -> None:
    now_ms = int(time.time() * 1000)
    window = {"opens_at": now_ms - 60_000, "closes_at": now_ms + 3_600_000}
    rules = {**RULES, "reveal_answers": "after_close"}
    created = server.open_round(server.host_token(), [SINGLE, TRUE_FALSE], rules, window)

    eve = phone(browser, server.base)
    eve.goto(f"{server.base}/play/{created['code']}")
    eve.get_by_label("昵称").fill("Eve")
    eve.get_by_label("地区").select_option(label="深圳")
    eve.get_by_role("button", name="加入").click()
    shows_question(eve, "中国人民解放军建军节是每年的哪一天？", 1, total=2)
    eve.get_by_role("button", name="7月1日").click()
    expect(eve.locator("[data-verdict]")).to_have_text("答案已收到 · 答题时间结束后公布结果")
    expect(eve.locator("[data-gained]")).to_be_empty()
    expect(eve.locator("[data-answer-was]")).to_be_empty()
    expect(eve.locator("[data-explanation]")).to_be_empty()
