"""Running rounds from the organiser console at 1440×900: the home's competitions and
rounds, a new round, a self-paced round, the hosting page's clock and links, a large bank
in the editor, and Traditional Chinese.

Screenshots are kept under tests/browser/artefacts/.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import console_log_in, log_in_at_home

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONSOLE = {"width": 1440, "height": 900}
TIMEOUT_MS = 10_000


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=CONSOLE, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    assert problems == [], problems


def admin(server, method: str, path: str, body: dict | None = None):
    return server.http(method, f"/api/v1{path}", body, server.admin_token())


def test_the_home_lists_competitions_and_rounds_and_opens_another(page, server, shot):
    token = server.host_token()
    first = server.open_round(token, ["nd-0001", "nd-0002"], {})
    competition = first["competition_id"]
    log_in_at_home(page, server.base)
    card = page.locator(f"#competition-{competition}")
    expect(card.locator("h2")).to_have_text("国防知识赛")
    expect(card).to_contain_text("现场抢答")
    row = card.locator(f'tr[data-round="{first["id"]}"]')
    expect(row.locator("td").nth(0)).to_have_text(first["code"])
    expect(row.locator("td").nth(2)).to_have_text("等待开始")
    expect(row.get_by_role("link", name=f"主持场次 {first['id']}")).to_have_attribute(
        "href", f"/console/rounds/{first['id']}"
    )
    shot(page, "home")

    card.get_by_role("button", name="开新一场").click()
    page.wait_for_url(re.compile(r".*/console/rounds/\d+$"))
    second = int(page.url.rsplit("/", 1)[1])
    assert second != first["id"]
    rounds = admin(server, "GET", f"/competitions/{competition}")["rounds"]
    assert sorted(r["id"] for r in rounds) == sorted([first["id"], second])
    for _ in range(4):  # six rounds: the five newest show, then all on request
        server.http("POST", f"/api/v1/competitions/{competition}/rounds", {}, token)
    # The hosting page links back to the competition on the home, newest round first.
    page.get_by_role("link", name=re.compile("本比赛的全部场次")).click()
    expect(card.locator("tbody tr")).to_have_count(5)
    expect(card.locator("tbody tr").last).to_have_attribute("data-round", str(second))
    card.get_by_role("button", name="显示全部 6 场").click()
    expect(card.locator("tbody tr")).to_have_count(6)
    expect(card.locator("tbody tr").nth(4)).to_have_attribute("data-round", str(second))


def test_another_self_paced_round_asks_for_its_window(page, server):
    now = int(time.time() * 1000)
    window = {"opens_at": now, "closes_at": now + 3_600_000}
    first = server.open_round(server.host_token(), ["nd-0001"], {"mode": "self_paced"}, window)
    log_in_at_home(page, server.base)
    card = page.locator(f"#competition-{first['competition_id']}")
    expect(card).to_contain_text("自主答题")
    card.get_by_label("结束").fill("2020-01-01T10:00")
    card.get_by_role("button", name="开新一场").click()
    expect(card.locator('[data-path="closes_at"] > .error')).to_have_text("结束时间须在将来")
    card.get_by_label("结束").fill("2099-01-01T10:00")
    card.get_by_role("button", name="开新一场").click()
    page.wait_for_url(re.compile(r".*/console/rounds/\d+$"))
    expect(page.locator("#round-status")).to_have_text("自主答题")
    round_id = int(page.url.rsplit("/", 1)[1])
    assert admin(server, "GET", f"/rounds/{round_id}")["window"]["closes_at"] > now + 3_600_000


def test_a_self_paced_round_from_the_form(page, server, shot):
    console_log_in(page, server.base, "/console/competitions/new")
    page.get_by_label("比赛名称").fill("周末自测")
    page.get_by_label("题库").select_option("national-defence")
    expect(page.locator("#bank_version option").first).to_have_text(re.compile(r"v1 · \d+ 题"))
    page.locator("#quotas .quota-count").fill("3")
    assert page.locator("#opens_at").is_hidden()
    page.get_by_label("自主答题").check()
    expect(page.locator("#opens_at")).to_be_visible()
    assert page.locator("#opens_at").input_value()  # filled: from now
    page.locator("#closes_at").fill("2020-01-01T10:00")
    page.get_by_role("button", name="创建比赛并开一场").click()
    expect(page.locator('[data-path="closes_at"] > .error')).to_have_text("结束时间须在将来")
    page.locator("#closes_at").fill("2099-01-01T10:00")
    shot(page, "competition-self-paced")
    page.get_by_role("button", name="创建比赛并开一场").click()
    page.wait_for_url(re.compile(r".*/console/rounds/\d+$"))
    round_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("#round-status")).to_have_text("自主答题")
    expect(page.locator("#remaining")).to_have_text(re.compile(r"^\d+ 天 \d\d:\d\d:\d\d$"))
    shown = admin(server, "GET", f"/rounds/{round_id}")
    assert shown["window"]["closes_at"] > shown["window"]["opens_at"]
    assert admin(server, "GET", f"/competitions/{shown['competition_id']}")["mode"] == "self_paced"
    shot(page, "host-self-paced")


def test_the_hosting_page_counts_down_and_links_the_screens(page, server, shot):
    token = server.host_token()
    created = server.open_round(token, ["nd-0001", "nd-0002"], {"default_time_limit_s": 30})
    console_log_in(page, server.base, f"/console/rounds/{created['id']}")
    expect(page.locator("#join-link")).to_have_attribute(
        "href", f"{server.base}/play/{created['code']}"
    )
    expect(page.locator("#watch-link")).to_have_attribute(
        "href", f"{server.base}/watch/{created['watch_code']}"
    )
    qr = page.locator("#join-qr")
    expect(qr).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert qr.evaluate("image => image.naturalWidth") > 0
    assert created["code"] in qr.get_attribute("alt")

    page.get_by_role("button", name="开始").click()
    expect(page.locator("#round-status")).to_have_text("作答中")
    remaining = page.locator("#remaining")
    expect(remaining).to_have_text(re.compile(r"^(30|29|28) s$"))
    before = int(remaining.inner_text().split()[0])
    page.wait_for_timeout(2500)
    after = int(remaining.inner_text().split()[0])
    assert 1 <= before - after <= 4, (before, after)
    shot(page, "host-countdown")
    # Opened mid-question, the page reads the server's clock from its replies' Date.
    page.reload()
    expect(remaining).to_have_text(re.compile(r"^\d+ s$"))
    page.wait_for_timeout(1500)  # a few replies narrow the clock's bounds
    again = int(remaining.inner_text().split()[0])
    assert after - 4 <= again <= after, (after, again)
    page.get_by_role("button", name="暂停").click()
    expect(remaining).to_have_text(re.compile(r"^\d+ s · 已暂停$"))
    held = remaining.inner_text()
    page.wait_for_timeout(1500)
    assert remaining.inner_text() == held


def big_bank(server, slug: str, size: int = 99) -> None:
    """A draft of ``size`` questions: every fifth true or false, the rest single choice;
    every third tagged history, the others geography."""
    admin(
        server,
        "POST",
        "/banks",
        {"slug": slug, "title": {"zh-Hans": "大题库"}, "default_locale": "zh-Hans"},
    )
    questions = []
    for n in range(1, size + 1):
        question = {
            "key": f"q{n:03}",
            "prompt": {"zh-Hans": f"第 {n} 号题目：哪一个是对的？"},
            "difficulty": 2,
            "tags": ["history" if n % 3 == 0 else "geography"],
            "source": "测试",
        }
        if n % 5 == 0:
            question |= {"type": "true_false", "answer": [True]}
        else:
            question |= {
                "type": "single",
                "choices": [
                    {"key": "a", "text": {"zh-Hans": f"选项甲{n}"}},
                    {"key": "b", "text": {"zh-Hans": "选项乙"}},
                ],
                "answer": ["a"],
            }
        questions.append(question)
    draft = {
        "slug": slug,
        "title": {"zh-Hans": "大题库"},
        "default_locale": "zh-Hans",
        "questions": questions,
    }
    admin(server, "PUT", f"/banks/{slug}/draft", draft)


def test_the_editor_finds_a_question_in_a_large_bank_and_undoes_a_delete(page, server, shot):
    big_bank(server, "big")
    console_log_in(page, server.base, "/console/banks/big")
    rows = page.locator("#questions > section")
    expect(page.locator("#filter-count")).to_have_text("共 99 题")
    expect(rows).to_have_count(20)
    assert page.evaluate("document.body.scrollHeight") < 4 * CONSOLE["height"]
    shot(page, "editor-rows")

    page.get_by_label("搜索题干、选项、标识或出处").fill("第 57 号")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("h2")).to_contain_text("q057")
    search = page.get_by_label("搜索题干、选项、标识或出处")
    search.fill("选项甲7")  # 7 and 71 to 79; 70 and 75 are true or false
    expect(page.locator("#filter-count")).to_have_text("显示 9 / 99 题")
    page.get_by_label("搜索题干、选项、标识或出处").fill("")
    page.get_by_label("标签", exact=True).select_option("history")
    page.get_by_label("题型", exact=True).select_option("true_false")
    expect(page.locator("#filter-count")).to_have_text("显示 6 / 99 题")  # 15, 30, … 90
    expect(rows.first.locator("h2")).to_contain_text("q015")
    shot(page, "editor-filtered")
    page.get_by_label("标签", exact=True).select_option("")
    page.get_by_label("题型", exact=True).select_option("")

    # Pages; a row opens into its form.
    page.get_by_role("button", name="下一页").click()
    expect(rows.first.locator("h2")).to_contain_text("q021")
    rows.first.get_by_role("button", name="编辑").click()
    expect(page.locator('[data-path="questions[20].source"] > input')).to_have_value("测试")
    rows.first.get_by_role("button", name="收起").click()

    # Deleting takes effect at once and can be undone for a few seconds.
    save_state = page.locator("#save-state")
    rows.nth(1).get_by_role("button", name="删除本题").click()
    undo = page.locator("#undo")
    expect(undo).to_contain_text("已删除第 22 题（q022）")
    save_state.filter(has_text="草稿已保存（98 题）").wait_for()
    shot(page, "editor-undo")
    undo.get_by_role("button", name="撤销").click()
    save_state.filter(has_text="草稿已保存（99 题）").wait_for()
    expect(undo).to_be_hidden()
    keys = [q["key"] for q in admin(server, "GET", "/banks/big/draft")["questions"]]
    assert keys == [f"q{n:03}" for n in range(1, 100)]
    # The examiner's many notes on so many look-alike questions stay folded.
    expect(page.locator("#lint-count")).to_have_text(re.compile(r"^\d{3,} 条$"))
    assert page.locator("#lint-details").get_attribute("open") is None
    assert page.evaluate("document.body.scrollHeight") < 4 * CONSOLE["height"]


def test_a_new_question_says_what_is_missing_in_chinese_at_its_fields(page, server, shot):
    big_bank(server, "small", size=2)
    console_log_in(page, server.base, "/console/banks/small")
    page.get_by_role("button", name="添加题目").click()
    # A question just added is not scolded before its author has been anywhere.
    expect(page.locator("#save-state")).to_have_text("新题目还没有填完，草稿暂未保存。")
    expect(page.locator("#summary")).to_be_hidden()
    prompt = page.locator('[data-path="questions[2].prompt.zh-Hans"] textarea')
    prompt.fill("中华人民共和国的首都是哪座城市？")
    page.get_by_role("button", name="立即保存").click()
    page.locator("#save-state").filter(has_text="服务器发现").wait_for()
    source_error = page.locator('[data-path="questions[2].source"] > .error')
    expect(source_error).to_have_text("请写明可查证的出处")
    expect(page.locator('[data-path="questions[2].answer"] > .error')).to_have_text(
        "请选出唯一的正确选项"
    )
    summary = page.locator("#summary-list")
    expect(summary).to_contain_text("第 3 题（q3） · 出处：请写明可查证的出处")
    expect(summary).to_contain_text("选项 1 · 文字：缺少默认语言（简体中文）的文字")
    assert "questions[" not in summary.inner_text()
    assert "must" not in page.locator("main").inner_text()
    shot(page, "editor-new-question")


def test_the_console_in_traditional_chinese(page, server, shot):
    token = server.host_token()
    server.open_round(token, ["nd-0001"], {})
    log_in_at_home(page, server.base)
    page.get_by_label("语言").select_option(label="繁體中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", name="比賽與場次")).to_be_visible()
    expect(page.get_by_role("button", name="開新一場").first).to_be_visible()
    expect(page.locator("#competition-count")).to_contain_text("場比賽")
    shot(page, "home-zh-hant")
    page.goto(server.base + "/console/competitions/new")
    expect(page.get_by_role("heading", name="新建比賽與場次")).to_be_visible()
    expect(page.get_by_label("比賽名稱")).to_be_visible()
    page.get_by_label("語言").select_option(label="English")
    expect(page.get_by_role("heading", name="New competition and round")).to_be_visible()
