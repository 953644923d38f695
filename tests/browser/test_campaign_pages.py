"""A campaign from the organiser console and a contestant's phone (issue 15): the
organiser creates it, uploads a roster (a bad one first: its rows' errors show), adds a
stage over a round they host; a phone at 390×844 registers (a field error first); after
an attempt (through the API) the participation table and its bars count it.

Screenshots are kept under tests/browser/artefacts/.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import HOST_NAME, HOST_PASSWORD, console_log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONSOLE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
JOIN_TIMEOUT_MS = 30_000
SHANGHAI = timedelta(hours=8)
BAD_ROSTER = "单位名称,所属地区,应参与人数\n越秀区第一中学,越秀区,10\n深圳市科协,不存在的地方,abc\n"
ROSTER = (
    "单位名称,所属地区,应参与人数,单位编码\n越秀区第一中学,越秀区,10,YX1\n深圳市科协,深圳,5,SZ1\n"
)


def heat_and_campaign(server, token: str, now_ms: int) -> tuple[dict, int]:
    """A self-paced round open for the hour, and a campaign open for the day (no stage)."""
    window = {"opens_at": now_ms - 60_000, "closes_at": now_ms + 3_600_000}
    rules = {"mode": "self_paced", "draw": {"kind": "fixed", "keys": ["nd-0001"]}}
    heat = server.open_round(token, ["nd-0001"], rules, window)
    campaign = server.http(
        "POST",
        "/api/v1/campaigns",
        {"title": "国防知识月", "opens_at": now_ms - 60_000, "closes_at": now_ms + 86_400_000},
        token,
    )["id"]
    return heat, campaign


def watched(context):
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    return opened, problems


def test_a_campaign_is_set_up_registered_for_and_counted(browser, server, shot):
    token = server.host_token()
    now_ms = int(time.time() * 1000)
    window = {"opens_at": now_ms - 60_000, "closes_at": now_ms + 3_600_000}
    rules = {"mode": "self_paced", "draw": {"kind": "fixed", "keys": ["nd-0001"]}}
    round_ = server.open_round(token, ["nd-0001"], rules, window)

    console = browser.new_context(viewport=CONSOLE, locale="zh-CN")
    page, console_problems = watched(console)
    console_log_in(page, server.base, "/console/campaigns", (HOST_NAME, HOST_PASSWORD))
    today = (datetime.now(UTC) + SHANGHAI).date()
    page.get_by_label("活动名称").fill("全省科普知识竞赛")
    page.get_by_label("开始日期").fill(today.isoformat())
    page.get_by_label("结束日期").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("活动规则（公开）").fill("每人一次，按单位统计参与率。")
    page.get_by_label("手机号").select_option("required")
    page.get_by_label("地区（市、区县）").select_option("optional")
    page.get_by_label("单位").select_option("optional")
    shot(page, "new-campaign")
    page.get_by_role("button", name="创建活动").click()
    page.wait_for_url(re.compile(r".*/console/campaigns/\d+$"))
    campaign = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", name="全省科普知识竞赛")).to_be_visible()

    # A roster with a bad row: refused whole, each problem under file:row.
    page.set_input_files("#units-file", files=[csv("units.csv", BAD_ROSTER)])
    page.get_by_role("button", name="导入并替换名单").click()
    problems = page.locator("#upload-problems")
    expect(problems).to_be_visible()
    expect(problems.locator("li").first).to_contain_text("units.csv:3")
    expect(page.locator("#units tbody tr")).to_have_count(0)
    shot(page, "roster-refused")
    page.set_input_files("#units-file", files=[csv("units.csv", ROSTER)])
    page.get_by_role("button", name="导入并替换名单").click()
    expect(page.locator("#units tbody tr")).to_have_count(2)
    expect(problems).to_be_hidden()

    page.get_by_label("阶段名称").fill("初赛")
    page.locator(f"#round-{round_['id']}").check()
    page.get_by_label("答题次数规则").select_option("one")
    page.get_by_label(re.compile("每次最高分")).fill("1000")
    page.get_by_label("晋级", exact=True).select_option("unit")
    page.get_by_label("K", exact=True).fill("1")
    page.get_by_role("button", name="添加阶段").click()
    stage = page.locator('#stages tr[data-stage="1"]')
    expect(stage).to_contain_text("初赛")
    expect(stage).to_contain_text(f"#{round_['id']}")
    expect(stage).to_contain_text("只答一次")
    expect(stage).to_contain_text("每个单位前 1 名")
    expect(page.locator("#participation-total")).to_contain_text("0 / 15")
    shot(page, "campaign")

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    mobile, mobile_problems = watched(phone)
    mobile.goto(f"{server.base}/campaigns/{campaign}/register")
    expect(mobile.get_by_role("heading", name="全省科普知识竞赛")).to_be_visible()
    mobile.get_by_label("昵称").fill("小明")
    mobile.get_by_label("手机号").fill("12345")
    mobile.get_by_label("地区").select_option(label="广州市")
    mobile.get_by_label("区县").select_option(label="越秀区")
    expect(mobile.locator("#unit option")).to_have_count(2)  # "choose" and Yuexiu's school
    mobile.get_by_label("单位").select_option("YX1")
    mobile.get_by_role("button", name="报名").click()
    error = mobile.locator("#phone-error")
    expect(error).to_have_text("请填写 11 位手机号码（13 至 19 开头）")
    expect(mobile.get_by_label("手机号")).to_have_attribute("aria-invalid", "true")
    shot(mobile, "register-error")
    mobile.get_by_label("手机号").fill("138 0013 5678")
    mobile.get_by_role("button", name="报名").click()
    expect(mobile.get_by_role("heading", name="报名成功")).to_be_visible()
    expect(mobile.get_by_role("button", name="开始答题：初赛")).to_be_visible()
    shot(mobile, "registered")
    kept = json.loads(
        mobile.evaluate(f"localStorage.getItem('leitai.campaign.{campaign}.registration')")
    )
    assert kept["nickname"] == "小明"
    mobile.reload()  # the registration is kept on the phone
    expect(mobile.get_by_role("heading", name="报名成功")).to_be_visible()

    entered = server.http(
        "POST",
        f"/api/v1/campaigns/{campaign}/entries",
        {"token": kept["token"], "round": round_["id"]},
    )
    answer_first_question(server, round_["id"], entered["token"])

    page.get_by_role("button", name="刷新").click()
    row = page.locator("#participation tbody tr", has_text="越秀区第一中学")
    expect(row.locator("td").nth(2)).to_have_text("1")
    expect(row.locator("td").nth(4)).to_have_text("10.0%")
    expect(page.locator("#participation-total")).to_contain_text("1 / 15")
    bar = page.locator("#participation-chart li", has_text="越秀区第一中学")
    expect(bar).to_contain_text("10.0%")
    expect(page.locator("#participation-chart li").first).to_have_text(re.compile("越秀区第一中学"))
    ranked = page.locator("#rankings tbody tr", has_text="越秀区第一中学")
    expect(ranked.locator("td").first).to_have_text("1")
    expect(page.locator("#weighting")).to_have_text("权重：参与率 70%，平均分 30%，参与人数 0%")
    page.get_by_label("城市").check()
    expect(page.locator('#participation tr[data-code="440100"] td').nth(2)).to_have_text("1")
    shot(page, "participation")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载 participation.xlsx").click()
    assert downloading.value.suggested_filename == f"campaign-{campaign}-participation.xlsx"

    # The stage's qualifiers as things stand; confirming waits for its round to finish.
    page.get_by_role("button", name="按当前成绩计算").click()
    qualifier = page.locator("#qualifiers tbody tr")
    expect(qualifier).to_have_count(1)
    expect(qualifier).to_contain_text("小明")
    expect(qualifier).to_contain_text("越秀区第一中学")
    page.get_by_role("button", name="确认晋级名单").click()
    expect(page.locator("#qualifiers-error")).not_to_be_empty()
    shot(page, "qualifiers")
    console.close()
    phone.close()
    assert console_problems == []
    assert mobile_problems == []


def csv(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def open_campaign(server, token: str, title: str, stages: list[tuple[str, dict, str]]) -> int:
    """A campaign open for registration for a day, one stage per (title, round, attempt
    rule kind) in order; its id."""
    now_ms = int(time.time() * 1000)
    campaign = server.http(
        "POST",
        "/api/v1/campaigns",
        {"title": title, "opens_at": now_ms - 60_000, "closes_at": now_ms + 86_400_000},
        token,
    )["id"]
    for name, round_, rule in stages:
        stage = {"title": name, "rounds": [round_["id"]], "attempt_rule": {"kind": rule}}
        server.http("POST", f"/api/v1/campaigns/{campaign}/stages", stage, token)
    return campaign


def answer_first_question(server, round_id: int, contestant_token: str) -> None:
    paper = server.http("GET", f"/api/v1/rounds/{round_id}/paper/next", None, contestant_token)
    server.http(
        "POST",
        f"/api/v1/rounds/{round_id}/answers",
        {"question": paper["question"]["key"], "response": "b"},
        contestant_token,
    )


def test_a_registered_phone_starts_its_attempt_on_the_play_page(browser, server, shot):
    token = server.host_token()
    now_ms = int(time.time() * 1000)
    round_, campaign = heat_and_campaign(server, token, now_ms)
    stage = {"title": "初赛", "rounds": [round_["id"]], "attempt_rule": {"kind": "one"}}
    server.http("POST", f"/api/v1/campaigns/{campaign}/stages", stage, token)

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    mobile, problems = watched(phone)
    mobile.goto(f"{server.base}/campaigns/{campaign}/register")
    mobile.get_by_label("语言").select_option("zh-Hant")  # the reader's language, kept
    mobile.get_by_role("button", name="報名").click()
    expect(mobile.locator("#nickname-error")).to_have_text("必填")
    mobile.get_by_label("暱稱").fill("阿強")
    mobile.get_by_role("button", name="報名").click()
    mobile.get_by_role("button", name="開始答題：初赛").click()  # the title as written
    mobile.wait_for_url(f"**/play/{round_['code']}")
    expect(mobile.locator("[data-stage=question]")).to_be_visible()
    shot(mobile, "attempt")

    closed = server.http(
        "POST",
        "/api/v1/campaigns",
        {"title": "已结束的活动", "opens_at": now_ms - 7_200_000, "closes_at": now_ms - 3_600_000},
        token,
    )["id"]
    mobile.goto(f"{server.base}/campaigns/{closed}/register")
    expect(mobile.get_by_role("alert")).to_have_text("活動已結束報名。")
    expect(mobile.get_by_role("button", name="報名")).to_be_disabled()
    phone.close()
    assert problems == []


def test_a_phone_reads_its_wrong_answers_across_the_campaign(browser, server, shot):
    """The wrong answers view (issue 16): empty at first; after a practice attempt made on
    the phone, its wrong answer with the key and the explanation, reached from the end
    screen; a counted attempt whose round reveals after its window says when it opens and
    shows nothing before; in the reader's language; axe-clean."""
    token = server.host_token()
    now_ms = int(time.time() * 1000)
    window = {"opens_at": now_ms - 60_000, "closes_at": now_ms + 3_600_000}
    keys = ["nd-0001"]
    draw = {"kind": "fixed", "keys": keys, "shuffle_options": False}
    practice = server.open_round(token, keys, {"mode": "self_paced", "draw": draw}, window)
    closing = {"mode": "self_paced", "draw": draw, "reveal_answers": "after_close"}
    counted = server.open_round(token, keys, closing, window)
    stages = [("练习赛", practice, "practice"), ("正式赛", counted, "one")]
    campaign = open_campaign(server, token, "错题活动", stages)

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    mobile, problems = watched(phone)
    mobile.goto(f"{server.base}/campaigns/{campaign}/register")
    mobile.get_by_label("昵称").fill("错题人")
    mobile.get_by_role("button", name="报名").click()
    expect(mobile.get_by_role("heading", name="报名成功")).to_be_visible(timeout=20_000)
    mobile.get_by_role("button", name="查看本活动的错题").click()
    expect(mobile.get_by_role("heading", name="我的错题")).to_be_visible()
    expect(mobile.locator("[data-review-status]")).to_have_text("还没有可以回顾的错题。")
    assert_accessible(mobile, "wrong answers, none yet")
    mobile.get_by_role("button", name="返回").click()

    # A counted attempt (over the API), wrong, in a round that reveals after its window.
    kept = json.loads(
        mobile.evaluate(f"localStorage.getItem('leitai.campaign.{campaign}.registration')")
    )
    entered = server.http(
        "POST",
        f"/api/v1/campaigns/{campaign}/entries",
        {"token": kept["token"], "round": counted["id"]},
    )
    server.http("GET", f"/api/v1/rounds/{counted['id']}/paper/next", None, entered["token"])
    answer = {"question": "nd-0001", "response": "a"}
    server.http("POST", f"/api/v1/rounds/{counted['id']}/answers", answer, entered["token"])

    # A practice attempt on the phone, answered wrong; its end screen links the view.
    mobile.get_by_role("button", name="练习：练习赛").click()
    mobile.wait_for_url(f"**/play/{practice['code']}")
    mobile.get_by_role("button", name="7月1日").click()
    mobile.get_by_role("button", name="查看成绩").click()
    link = mobile.get_by_role("link", name="查看本活动的错题")
    expect(link).to_be_visible()
    shot(mobile, "end-links-wrong-answers")
    link.click()
    mobile.wait_for_url(f"**/campaigns/{campaign}/register#review")
    expect(mobile.locator("[data-review-status]")).to_have_text("共 1 道错题")
    parts = mobile.locator(".review-attempt")
    expect(parts).to_have_count(2)
    later, first = parts.nth(0), parts.nth(1)  # oldest first: the counted attempt
    expect(first.locator("h3")).to_contain_text("第 1 阶段 · 练习")
    item = first.locator(".review-list li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("中国人民解放军建军节是每年的哪一天？")
    expect(item).to_contain_text("你的答案：7月1日")
    expect(item).to_contain_text("正确答案：8月1日")
    expect(item.locator(".explanation")).to_contain_text("1927年8月1日")
    expect(first).not_to_contain_text("开放")  # open: no "opens at" line
    expect(later.locator("h3")).to_contain_text("第 2 阶段 · 正式答题")
    expect(later.locator(".review-list")).to_have_count(0)  # nothing before the window closes
    expect(later).to_contain_text("这次答题的错题将于")
    shot(mobile, "wrong-answers")
    assert_accessible(mobile, "wrong answers")

    mobile.get_by_label("语言").select_option("en")
    expect(mobile.get_by_role("heading", name="My wrong answers")).to_be_visible()
    expect(mobile.locator("[data-review-status]")).to_have_text("1 wrong answers")
    expect(item).to_contain_text("Your answer: 1 July")
    expect(item).to_contain_text("Answer: 1 August")
    expect(item.locator(".explanation")).to_contain_text("1 August 1927")
    assert_accessible(mobile, "wrong answers, English")
    phone.close()
    assert problems == []


def test_a_registered_phone_joins_the_live_final_with_its_registration(browser, server, shot):
    """A qualifier registered on this phone opens the final's join link and is in, typing
    nothing; a phone whose registration did not qualify is refused in its language."""
    token = server.host_token()
    heat, campaign = heat_and_campaign(server, token, int(time.time() * 1000))
    final = server.open_round(token, ["nd-0001"], {})
    stages = f"/api/v1/campaigns/{campaign}/stages"
    one = {"kind": "one"}
    first = {"title": "初赛", "rounds": [heat["id"]], "attempt_rule": one}
    server.http("POST", stages, {**first, "advancement": {"min_points": 0}}, token)
    server.http(
        "POST", stages, {"title": "决赛", "rounds": [final["id"]], "attempt_rule": one}, token
    )

    def registered_phone(nickname: str, language: str):
        phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        mobile, problems = watched(phone)
        mobile.goto(f"{server.base}/campaigns/{campaign}/register")
        mobile.get_by_label("语言").select_option(language)
        mobile.get_by_label("昵称" if language == "zh-Hans" else "暱稱").fill(nickname)
        mobile.get_by_role("button", name="报名" if language == "zh-Hans" else "報名").click()
        expect(mobile.locator("[data-step=done]")).to_be_visible()
        key = f"leitai.campaign.{campaign}.registration"
        kept = mobile.evaluate(f"JSON.parse(localStorage.getItem('{key}'))")
        return phone, mobile, problems, kept["token"]

    qualifier, mobile, problems, kept = registered_phone("阿强", "zh-Hans")
    entries = f"/api/v1/campaigns/{campaign}/entries"
    server.http("POST", entries, {"token": kept, "round": heat["id"]})  # the heat, taken
    other, refused, other_problems, _ = registered_phone("阿明", "zh-Hant")  # no attempt
    server.command(token, heat["id"], "finish")
    server.http("POST", f"/api/v1/campaigns/{campaign}/stages/1/qualifiers", {}, token)

    mobile.goto(f"{server.base}/play/{final['code']}")  # the final's join link
    # A first Socket.IO connect on a loaded machine may take longer than expect's 5 s.
    expect(mobile.locator("[data-stage=lobby]")).to_be_visible(timeout=JOIN_TIMEOUT_MS)
    expect(mobile.locator("[data-stage=lobby]")).to_contain_text("阿强")
    shot(mobile, "final-joined-by-registration")
    refused.goto(f"{server.base}/play/{final['code']}")
    expect(refused.locator("[data-notice]")).to_contain_text(
        "只限上一階段的晉級者", timeout=JOIN_TIMEOUT_MS
    )
    expect(refused.locator("[data-stage=lobby]")).to_be_hidden()
    shot(refused, "final-refused")
    qualifier.close()
    other.close()
    assert problems == []
    assert other_problems == []


def test_a_registered_phone_downloads_its_campaign_certificate(browser, server, shot):
    """A stage's certificate (issue 16: residents get theirs from the phone) shows on the
    registration page of the phone that keeps the registration, and downloads."""
    token = server.host_token()
    now_ms = int(time.time() * 1000)
    window = {"opens_at": now_ms - 60_000, "closes_at": now_ms + 3_600_000}
    draw = {"kind": "fixed", "keys": ["nd-0001"], "shuffle_options": False}
    heat = server.open_round(token, ["nd-0001"], {"mode": "self_paced", "draw": draw}, window)
    campaign = open_campaign(server, token, "证书活动", [("初赛", heat, "one")])

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    mobile, problems = watched(phone)
    mobile.goto(f"{server.base}/campaigns/{campaign}/register")
    mobile.get_by_label("昵称").fill("持证人")
    mobile.get_by_role("button", name="报名").click()
    expect(mobile.get_by_role("heading", name="报名成功")).to_be_visible(timeout=20_000)
    expect(mobile.locator("[data-certificates-heading]")).to_be_hidden()  # none issued yet

    key = f"leitai.campaign.{campaign}.registration"
    kept = json.loads(mobile.evaluate(f"localStorage.getItem('{key}')"))
    entries = f"/api/v1/campaigns/{campaign}/entries"
    entered = server.http("POST", entries, {"token": kept["token"], "round": heat["id"]})
    answer_first_question(server, heat["id"], entered["token"])
    server.command(token, heat["id"], "finish")
    took_part = {
        "key": "took-part",
        "rule": {"kind": "participation"},
        "award": {"zh-Hans": "参与奖", "en": "Participation"},
        "title": {"zh-Hans": "证书", "en": "Certificate"},
        "issuer": {"zh-Hans": "广东终身学习平台", "en": "Guangdong Learning"},
        "date": "2026-12-03",
    }
    stage = f"/api/v1/campaigns/{campaign}/certificates/stages/1"
    server.http("PUT", f"{stage}/plan", {"templates": [took_part]}, token)
    assert len(server.http("POST", f"{stage}/issue", {}, token)["certificates"]) == 1

    mobile.reload()
    item = mobile.locator("[data-certificates] li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("参与奖")
    expect(mobile.get_by_role("heading", name="我的证书")).to_be_visible()
    shot(mobile, "campaign-certificate")
    with mobile.expect_download() as downloading:
        item.get_by_role("button", name="PDF").click()
    with open(downloading.value.path(), "rb") as document:
        assert document.read(5) == b"%PDF-"
    phone.close()
    assert problems == []
