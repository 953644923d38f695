"""axe-core on every page state: the landing page; the phone (390 x 844) from the join
form to the review, through an open question of each type; the big screen from the lobby
to the podium; the console (1440 x 900) from its login to a round's results; a
certificate's verification page. Once more at 320 x 568 in Traditional Chinese and once
in English. A serious or critical WCAG 2.1 A/AA violation anywhere fails the test, which
lists them all (tests/browser/accessibility.py).

One round is driven through its states over the HTTP API, as test_contestant.py does.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import BIG_SCREEN, log_in_at_home
from tests.browser.screens import join, phone, received, shows_question

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IPHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 568}
CONSOLE = {"width": 1440, "height": 900}
# One question of each type, in this order.
SINGLE, MULTIPLE, TRUE_FALSE, ORDER, TEXT = "nd-0001", "nd-0006", "nd-0012", "nd-0031", "nd-0010"
KEYS = [SINGLE, MULTIPLE, TRUE_FALSE, ORDER, TEXT]
PROMPTS = {
    SINGLE: "中国人民解放军建军节是每年的哪一天？",
    MULTIPLE: "关于国歌《义勇军进行曲》，下列说法正确的是？",
    TRUE_FALSE: "中国人民解放军海军的成立日是1949年4月23日。",
    ORDER: "按通过的先后顺序排列这四部法律（从早到晚）。",
    TEXT: "全民国家安全教育日是每年的几月几日？（如：1月1日）",
}
RULES = {"default_time_limit_s": 120}


class Audit:
    """Audits page states as a test walks them; ``done()`` fails with every serious or
    critical violation of every state at once, so one run shows all there is to fix."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def __call__(self, page: Page, label: str) -> None:
        try:
            assert_accessible(page, label)
        except AssertionError as failure:
            self.failures.append(str(failure))

    def done(self) -> None:
        assert not self.failures, "axe found violations:\n" + "\n".join(self.failures)


def test_the_phone_and_the_big_screen_through_a_round(server, browser) -> None:
    audit = Audit()
    token = server.host_token()
    created = server.open_round(token, KEYS, RULES)
    round_id, code = created["id"], created["code"]

    landing = phone(browser, server.base, IPHONE)
    landing.goto(server.base + "/")
    expect(landing.locator("form")).to_have_count(2)
    audit(landing, "landing page")
    landing.goto(server.base + "/play/ZZZZ99")  # no round has that code
    expect(landing.locator("#code-error")).not_to_be_empty()
    audit(landing, "phone: join form with a field error")
    landing.context.close()

    screen = browser.new_context(viewport=BIG_SCREEN).new_page()
    screen.goto(f"{server.base}/watch/{created['watch_code']}")
    expect(screen.locator("[data-status]")).to_have_text("等待比赛开始")

    ann = phone(browser, server.base, IPHONE)
    ann.goto(f"{server.base}/play/{code}")
    expect(ann.locator("#region option")).to_have_count(22)
    audit(ann, "phone: join form")
    join(ann, f"/play/{code}", "Ann", "深圳")
    audit(ann, "phone: lobby")
    small = phone(browser, server.base, SMALL_PHONE)
    join(small, f"/play/{code}", "小陈", "广州")
    small.get_by_label("语言").select_option("zh-Hant")
    english = phone(browser, server.base, IPHONE)
    join(english, f"/play/{code}", "Bo", "佛山")
    english.get_by_label("语言").select_option("en")
    expect(screen.locator(".lobby-names li")).to_have_count(3)
    audit(screen, "big screen: lobby")
    console = browser.new_context(viewport=CONSOLE).new_page()
    log_in_at_home(console, server.base)
    console.goto(f"{server.base}/console/rounds/{round_id}")
    expect(console.locator("#contestants")).to_have_text("3")
    audit(console, "console: hosting page")

    server.command(token, round_id, "start")
    shows_question(ann, PROMPTS[SINGLE], 1, total=len(KEYS))
    expect(screen.locator(".option")).to_have_count(4)
    audit(ann, "phone: open single-choice question")
    audit(small, "phone 320 x 568, zh-Hant: open single-choice question")
    audit(english, "phone, English: open single-choice question")
    audit(screen, "big screen: open question")
    ann.get_by_role("button", name="8月1日").click()
    received(ann)
    audit(ann, "phone: answered")
    server.command(token, round_id, "close")
    expect(ann.locator("[data-answer-status]")).to_have_text("答案已收到 · 等待公布答案…")
    audit(ann, "phone: after the close")
    server.command(token, round_id, "reveal")
    expect(ann.locator("[data-verdict]")).to_have_text("✓ 回答正确！")
    expect(screen.locator(".option.right")).to_have_count(1)
    audit(ann, "phone: the reveal")
    audit(english, "phone, English: the reveal")
    audit(screen, "big screen: the reveal")
    expect(console.locator("#round-status")).to_have_text("已公布答案")
    audit(console, "console: hosting page, a question revealed")

    for number, key in enumerate(KEYS[1:], 2):
        server.command(token, round_id, "next")
        shows_question(ann, PROMPTS[key], number, total=len(KEYS))
        audit(ann, f"phone: open {key} question")
        audit(screen, f"big screen: open {key} question")
        server.command(token, round_id, "close")
        server.command(token, round_id, "reveal")
        expect(ann.locator("[data-verdict]")).to_have_text("本题未作答")

    server.command(token, round_id, "finish")
    expect(ann.locator("[data-final-rank]")).to_have_text("最终排名：第 1 名 / 共 3 人")
    audit(ann, "phone: the end")
    ann.get_by_role("button", name="查看答题回顾").click()
    expect(ann.locator("[data-review-list] > li")).to_have_count(len(KEYS))
    audit(ann, "phone: the review")
    expect(screen.locator(".podium .step")).to_have_count(3)
    audit(screen, "big screen: podium")

    console.goto(f"{server.base}/console/rounds/{round_id}/results")
    expect(console.locator("#standings td", has_text="Ann")).to_be_visible()
    audit(console, "console: results")
    audit.done()


def test_the_console_and_the_verification_page(server, browser) -> None:
    audit = Audit()
    server.open_round(server.host_token(), [SINGLE], RULES)
    page = browser.new_context(viewport=CONSOLE).new_page()
    page.goto(server.base + "/console")
    expect(page.get_by_label("用户名")).to_be_visible()
    audit(page, "console: login")
    log_in_at_home(page, server.base)
    expect(page.locator("#competitions article").first).to_be_visible()
    audit(page, "console: home")
    page.goto(server.base + "/console/banks")
    expect(page.get_by_text("national-defence").first).to_be_visible()
    audit(page, "console: banks")
    page.goto(server.base + "/console/banks/national-defence")
    expect(page.locator("#questions > section").first).to_be_visible()
    audit(page, "console: editor")
    page.goto(server.base + "/console/banks/national-defence/versions")
    expect(page.locator('#versions tr[data-version="1"]')).to_be_visible()
    audit(page, "console: versions")
    page.goto(server.base + "/console/competitions/new")
    expect(page.locator("#bank_version option").first).to_be_attached()
    audit(page, "console: competition form")
    page.goto(server.base + "/verify/LT-NO-SUCH-SERIAL")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "not_found")
    audit(page, "/verify/<serial>: not found")
    audit.done()
