"""After the round, from the organiser console at 1440×900: a round's certificate plan (a
seal uploaded by its host), issuing, revoking one (the verification page then says
revoked) and the .xlsx; a lucky draw committed, run, checked with ``leitai draw verify``
and a winner disqualified; refusals and field problems in the console's language; each
state audited by axe. Screenshots are kept under tests/browser/artefacts/.
"""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import HOST_NAME, HOST_PASSWORD, console_log_in
from tests.integration.servers import leitai

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONSOLE = {"width": 1440, "height": 900}
HOST = (HOST_NAME, HOST_PASSWORD)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=CONSOLE, locale="zh-CN", accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(str(error)))
    yield opened
    context.close()
    assert problems == [], problems


def self_paced_round(server, token: str, answers: dict[str, str]) -> dict:
    """A self-paced round of nd-0001 (key: b), each nickname answering its response."""
    now = int(time.time() * 1000)
    window = {"opens_at": now - 60_000, "closes_at": now + 3_600_000}
    created = server.open_round(token, ["nd-0001"], {"mode": "self_paced"}, window)
    rounds = f"/api/v1/rounds/{created['id']}"
    for nickname, response in answers.items():
        entry = server.http("POST", f"{rounds}/entries", {"nickname": nickname})
        question = server.http("GET", f"{rounds}/paper/next", token=entry["token"])["question"]
        body = {"question": question["key"], "response": response}
        server.http("POST", f"{rounds}/answers", body, entry["token"])
    return created


def seal_file(tmp_path: Path) -> Path:
    path = tmp_path / "seal.png"
    Image.new("RGB", (60, 60), (190, 20, 20)).save(path, format="PNG")
    return path


def downloaded_sheet(page, button: str, filename: str) -> list[tuple]:
    with page.expect_download() as downloading:
        page.get_by_role("button", name=button).click()
    assert downloading.value.suggested_filename == filename
    data = Path(downloading.value.path()).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_a_host_plans_issues_revokes_and_exports_certificates(page, server, shot, tmp_path):
    token = server.host_token()
    # One right answer: two would tie for first whenever both took the same millisecond.
    created = self_paced_round(server, token, {"阿明": "b", "小红": "a", "大伟": "a"})
    round_id = created["id"]
    api = f"/api/v1/rounds/{round_id}/certificates"
    console_log_in(page, server.base, f"/console/rounds/{round_id}/certificates", HOST)
    expect(page.locator("#round-title")).to_have_text("· 国防知识赛")
    expect(page.locator("fieldset.template")).to_have_count(1)

    first = page.locator("fieldset.template").nth(0)
    first.get_by_label("标识").fill("first")
    first.get_by_label("组（可不填）").fill("award")
    first.get_by_label("颁发规则").select_option("rank")
    first.get_by_label("前几名").fill("1")
    first.locator('[data-path="templates.0.award.zh-Hans"] input').fill("一等奖")
    first.locator('[data-path="templates.0.award.en"] input').fill("First prize")
    first.locator('[data-path="templates.0.title.zh-Hans"] input').fill("荣誉证书")
    first.locator('[data-path="templates.0.issuer.zh-Hans"] input').fill("广东省学习办")
    first.get_by_label("日期（不填为颁发当天）").fill("2026-12-03")
    not_a_picture = tmp_path / "seal.txt"
    not_a_picture.write_text("公章", encoding="utf-8")
    seal = first.get_by_label("印章图片（PNG 或 JPEG）")
    seal.set_input_files(str(not_a_picture))
    expect(first.locator('[data-path="templates.0.seal"] > .error')).to_have_text(
        "印章须为 PNG 或 JPEG 图片"
    )
    seal.set_input_files(str(seal_file(tmp_path)))
    expect(page.locator("#status")).to_have_text("印章已上传。")
    expect(first.get_by_role("img", name="印章")).to_be_visible()

    page.get_by_role("button", name="添加模板").click()
    second = page.locator("fieldset.template").nth(1)
    expect(second.locator(":scope > legend")).to_have_text("模板 2")
    second.get_by_label("标识").fill("took-part")
    second.locator('[data-path="templates.1.award.zh-Hans"] input').fill("参与奖")
    second.locator('[data-path="templates.1.title.zh-Hans"] input').fill("参与证书")
    # No issuer: the server names the field, and the console words it in Chinese there.
    page.get_by_role("button", name="保存方案").click()
    issuer_error = page.locator('[data-path="templates.1.issuer"] > .error')
    expect(issuer_error).to_have_text("至少填一种语言，每种 1–200 个字")
    expect(page.locator("#plan-error")).to_have_text("有些内容不符合要求，见各栏提示。")
    assert_accessible(page, "certificate plan refused")
    shot(page, "plan-refused")
    second.locator('[data-path="templates.1.issuer.zh-Hans"] input').fill("广东省学习办")
    page.get_by_role("button", name="保存方案").click()
    expect(page.locator("#status")).to_have_text("方案已保存（2 个模板）。")
    expect(issuer_error).to_be_hidden()
    plan = server.http("GET", f"{api}/plan", token=token)["templates"]
    assert [(t["key"], t["group"], t["rule"]) for t in plan] == [
        ("first", "award", {"kind": "rank", "top": 1, "scope": "all"}),
        ("took-part", "took-part", {"kind": "participation"}),
    ]
    assert plan[0]["award"] == {"zh-Hans": "一等奖", "en": "First prize"}
    assert plan[0]["date"] == "2026-12-03"
    assert plan[0]["seal"]
    assert plan[1]["seal"] is None

    # The round is still open: refused, in Chinese, not in the server's English.
    page.get_by_role("button", name="颁发证书").click()
    expect(page.locator("#issue-error")).to_have_text("比赛结束后才能进行这一步：请先结束这一场。")
    assert "finished" not in page.locator("main").inner_text()

    server.command(token, round_id, "finish")
    page.get_by_role("button", name="颁发证书").click()
    expect(page.locator("#status")).to_have_text("已颁发 4 张证书。")
    issued = server.http("GET", api, token=token)["certificates"]
    assert len(issued) == 4  # the winner's award and three participations
    rows = page.locator("#certificates tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("#issued-count")).to_have_text("（4 张，已撤销 0 张）")
    winner = next(c for c in issued if c["template"] == "first")
    row = page.locator(f'#certificates tr[data-serial="{winner["serial"]}"]')
    expect(row.locator("td")).to_have_text(
        [
            winner["serial"],
            winner["content"]["holder"],
            "一等奖",
            str(winner["content"]["points"]),
            "1",
            "有效",
            "撤销",
        ]
    )
    expect(row.get_by_role("link")).to_have_attribute(
        "href", f"/verify/{winner['serial']}?lang=zh-Hans"
    )
    assert_accessible(page, "certificates issued")
    shot(page, "issued")

    # Revoke 大伟's participation certificate: a reason, confirmed.
    target = next(c for c in issued if c["content"]["holder"] == "大伟")
    serial = target["serial"]
    page.get_by_role("button", name=f"撤销 {serial}").click()
    dialog = page.locator("#revoke-dialog")
    expect(dialog.get_by_role("heading")).to_have_text(f"撤销证书 {serial}（大伟）")
    dialog.get_by_role("button", name="确认撤销").click()
    expect(dialog.locator('[data-path="reason"] > .error')).to_have_text("请写明撤销原因")
    assert_accessible(page, "revoke dialog")
    shot(page, "revoke-dialog")
    dialog.get_by_label("撤销原因").fill("代答")
    dialog.get_by_role("button", name="确认撤销").click()
    expect(dialog).to_be_hidden()
    revoked_row = page.locator(f'#certificates tr[data-serial="{serial}"]')
    expect(revoked_row.locator('[data-state="revoked"]')).to_have_text("已撤销原因：代答")
    expect(revoked_row.get_by_role("button")).to_have_count(0)
    expect(page.locator("#issued-count")).to_have_text("（4 张，已撤销 1 张）")
    stored = server.http("GET", api, token=token)["certificates"]
    assert [c["revoke_reason"] for c in stored if c["serial"] == serial] == ["代答"]

    rows_in_sheet = downloaded_sheet(page, "下载 .xlsx", f"round-{round_id}-certificates.xlsx")
    serials = {row[0] for row in rows_in_sheet[1:]}
    assert serials == {c["serial"] for c in issued}
    revoked_line = next(row for row in rows_in_sheet if row[0] == serial)
    assert "代答" in revoked_line

    revoked_row.get_by_role("link").click()
    page.wait_for_url(f"**/verify/{serial}?lang=zh-Hans")
    expect(page.locator('[data-status="revoked"]')).to_have_text("此证书已被撤销")
    assert "代答" not in page.content()  # the reason is for organisers only
    shot(page, "verify-revoked")

    # The same screen in Traditional Chinese and in English.
    page.goto(f"{server.base}/console/rounds/{round_id}/certificates")
    page.get_by_label("语言").select_option(label="繁體中文")
    expect(page.get_by_role("heading", name="證書方案")).to_be_visible()
    expect(revoked_row.locator('[data-state="revoked"]')).to_have_text("已撤銷原因：代答")
    assert_accessible(page, "certificates zh-Hant")
    page.get_by_label("語言").select_option(label="English")
    expect(page.get_by_role("heading", name="Certificate plan")).to_be_visible()
    expect(page.locator("fieldset.template").nth(1).locator(":scope > legend")).to_have_text(
        "Template 2"
    )
    expect(revoked_row.locator('[data-state="revoked"]')).to_have_text("RevokedReason: 代答")
    shot(page, "certificates-en")


def test_a_lucky_draw_is_committed_run_verified_and_a_winner_replaced(page, server, shot, tmp_path):
    token = server.host_token()
    answers = {"甲": "b", "乙": "b", "丙": "b", "丁": "a"}
    round_id = self_paced_round(server, token, answers)["id"]
    server.command(token, round_id, "finish")
    console_log_in(page, server.base, f"/console/rounds/{round_id}/draws", HOST)
    expect(page.locator("#owner-title")).to_have_text("· 国防知识赛")
    expect(page.locator("#draws")).to_have_text("还没有抽奖。")

    page.get_by_label("抽奖名称").fill("国庆幸运抽奖")
    expect(page.get_by_label("奖池")).to_have_value("all_correct")
    page.get_by_label("奖品 1", exact=True).fill("一等奖")
    page.get_by_label("奖品 1 的数量").fill("0")
    page.get_by_role("button", name="添加奖品").click()
    page.get_by_label("奖品 2", exact=True).fill("纪念品")
    page.get_by_role("button", name="新建并公布承诺").click()
    expect(page.locator('[data-path="prizes.0.count"] > .error')).to_have_text(
        "须在 1 到 10000 之间"
    )
    assert server.http("GET", f"/api/v1/rounds/{round_id}/draws", token=token) == []
    assert_accessible(page, "draw refused")
    page.get_by_label("奖品 1 的数量").fill("1")
    page.get_by_role("button", name="新建并公布承诺").click()

    card = page.locator("section.draw")
    expect(card).to_have_attribute("data-status", "committed")
    draw = server.http("GET", f"/api/v1/rounds/{round_id}/draws", token=token)[0]
    commitment = draw["commitment"]
    expect(card.locator('[data-fact="seed-sha256"] dd')).to_have_text(commitment["seed_sha256"])
    expect(card.locator('[data-fact="pool-sha256"] dd')).to_have_text(commitment["pool_sha256"])
    expect(card.locator('[data-fact="pool-size"] dd')).to_have_text("3")
    expect(card.locator('[data-fact="seed"]')).to_have_count(0)  # secret until the run
    assert_accessible(page, "draw committed")
    shot(page, "committed")

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="开奖").click()
    expect(card).to_have_attribute("data-status", "drawn")
    drawn = server.http("GET", f"/api/v1/draws/{draw['id']}")
    expect(card.locator('[data-fact="seed"] dd')).to_have_text(drawn["seed"])
    winners = card.locator("table.winners tbody tr")
    expect(winners.locator("td:nth-child(2)")).to_have_text(
        [w["nickname"] for w in drawn["winners"]]
    )
    expect(winners.locator("td:nth-child(1)")).to_have_text(["一等奖", "纪念品"])
    file = f"draw-{draw['id']}.json"
    command = card.locator("pre.command")
    expect(command).to_have_text(
        f"curl -sS {server.base}/api/v1/draws/{draw['id']} -o {file}\nleitai draw verify {file}"
    )
    # What the page tells anyone to run does verify the draw.
    (tmp_path / file).write_text(json.dumps(drawn), encoding="utf-8")
    verified = leitai(["draw", "verify", str(tmp_path / file)], {})
    assert "verified: 3 in the pool" in verified
    assert_accessible(page, "draw run")
    shot(page, "drawn")

    # Disqualify the first winner: the one left in the pool takes the prize.
    first = drawn["winners"][0]
    left = (set(drawn["pool"]) - {w["contestant"] for w in drawn["winners"]}).pop()
    card.get_by_label("原因（会公布，请勿写个人信息）").fill("代答")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="取消资格").click()
    expect(card.locator("ol.disqualified li")).to_have_text(f"{first['contestant']} · 代答")
    replaced = server.http("GET", f"/api/v1/draws/{draw['id']}")
    assert [w["contestant"] for w in replaced["winners"]] == [
        left,
        drawn["winners"][1]["contestant"],
    ]
    expect(winners.locator("td:nth-child(2)")).to_have_text(
        [w["nickname"] for w in replaced["winners"]]
    )
    shot(page, "replaced")

    sheet = downloaded_sheet(page, "下载结果 .xlsx", f"draw-{draw['id']}.xlsx")
    winner_rows = [(w["prize"], w["contestant"], w["nickname"]) for w in replaced["winners"]]
    assert [row for row in sheet if row in winner_rows] == winner_rows
    assert (first["contestant"], "代答") in sheet

    page.get_by_label("语言").select_option(label="English")
    expect(page.get_by_role("heading", name=re.compile(r"^Lucky draws · round"))).to_be_visible()
    expect(card.locator("h3")).to_contain_text("Drawn")
    page.get_by_label("Language").select_option(label="繁體中文")
    expect(card.locator("h3")).to_contain_text("已開獎")
    assert_accessible(page, "draws zh-Hant")


def test_a_campaign_draws_among_a_stages_certificate_holders(page, server, shot):
    token, now = server.host_token(), int(time.time() * 1000)
    day = 86_400_000
    body = {"title": "国防知识月", "opens_at": now - day, "closes_at": now + 30 * day}
    campaign = server.http("POST", "/api/v1/campaigns", body, token)["id"]
    console_log_in(page, server.base, f"/console/campaigns/{campaign}/draws", HOST)
    expect(page.locator("#owner-title")).to_have_text("· 国防知识月")
    kinds = page.get_by_label("奖池").locator("option")
    expect(kinds).to_have_text(["证书持有人（已撤销的不算）", "某阶段确认的晋级者"])
    page.get_by_label("抽奖名称").fill("活动抽奖")
    page.get_by_label("奖品 1", exact=True).fill("纪念品")
    page.get_by_role("button", name="新建并公布承诺").click()
    # No stage yet: refused in Chinese, at the stage field too.
    expect(page.locator("#draw-error")).to_have_text("活动还没有阶段。")
    expect(page.locator('[data-path="stage"] > .error')).to_have_text("活动还没有阶段")
    assert_accessible(page, "campaign draw refused")
    shot(page, "campaign-refused")

    # A stage over a round whose three contestants hold participation certificates.
    round_id = self_paced_round(server, token, {"甲": "b", "乙": "a", "丙": "b"})["id"]
    stage = {"title": "初赛", "rounds": [round_id], "attempt_rule": {"kind": "one"}}
    server.http("POST", f"/api/v1/campaigns/{campaign}/stages", stage, token)
    server.command(token, round_id, "finish")
    template = {
        "key": "took-part",
        "rule": {"kind": "participation"},
        "award": {"zh-Hans": "参与奖"},
        "title": {"zh-Hans": "参与证书"},
        "issuer": {"zh-Hans": "广东省学习办"},
    }
    certificates = f"/api/v1/rounds/{round_id}/certificates"
    server.http("PUT", f"{certificates}/plan", {"templates": [template]}, token)
    assert server.http("POST", f"{certificates}/issue", {}, token)["issued"] == 3

    page.reload()
    expect(page.get_by_label("阶段").locator("option")).to_have_text(["全部阶段", "1 · 初赛"])
    page.get_by_label("阶段").select_option("1")
    page.get_by_label("证书模板标识（逗号分隔，不填为不限）").fill("took-part")
    page.get_by_label("每人只有一次机会").check()
    page.get_by_label("抽奖名称").fill("活动抽奖")
    page.get_by_label("奖品 1", exact=True).fill("纪念品")
    page.get_by_label("奖品 1 的数量").fill("2")
    page.get_by_role("button", name="新建并公布承诺").click()
    card = page.locator("section.draw")
    expect(card.locator('[data-fact="pool-size"] dd')).to_have_text("3")
    expect(card).to_contain_text("证书持有人（已撤销的不算），每人一次机会")
    draw = server.http("GET", f"/api/v1/campaigns/{campaign}/draws", token=token)[0]
    assert draw["rule"] == {
        "kind": "certificate_holders",
        "threshold": None,
        "top": None,
        "one_per_person": True,
        "templates": ["took-part"],
        "stage": 1,
    }
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="开奖").click()
    expect(card).to_have_attribute("data-status", "drawn")
    drawn = server.http("GET", f"/api/v1/draws/{draw['id']}")
    members = card.locator("table.winners tbody td:nth-child(3)")
    expect(members).to_have_text([w["contestant"] for w in drawn["winners"]])
    assert all(w["contestant"].startswith(f"{round_id}:") for w in drawn["winners"])
    assert_accessible(page, "campaign draw run")
    shot(page, "campaign-drawn")

    # The campaign's certificates: every round of its stages, each linking to its own page.
    page.goto(f"{server.base}/console/campaigns/{campaign}/certificates")
    expect(page.locator("#round-title")).to_have_text("· 国防知识月")
    expect(page.locator("#round-links a")).to_have_attribute(
        "href", f"/console/rounds/{round_id}/certificates"
    )
    rows = page.locator("#certificates tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator("td:first-child")).to_have_text([f"#{round_id}"] * 3)
    expect(page.locator("#issued-count")).to_have_text("（3 张，已撤销 0 张）")
    assert_accessible(page, "campaign certificates")
    shot(page, "campaign-certificates")


def test_a_campaign_stage_gets_a_plan_and_certificates_on_the_campaign_page(page, server, shot):
    token, now = server.host_token(), int(time.time() * 1000)
    day = 86_400_000
    body = {"title": "科普月", "opens_at": now - day, "closes_at": now + 30 * day}
    campaign = server.http("POST", "/api/v1/campaigns", body, token)["id"]
    url = f"/api/v1/campaigns/{campaign}"
    window = {"opens_at": now - 60_000, "closes_at": now + 3_600_000}
    round_id = server.open_round(token, ["nd-0001"], {"mode": "self_paced"}, window)["id"]
    stage = {"title": "初赛", "rounds": [round_id], "attempt_rule": {"kind": "one"}}
    server.http("POST", f"{url}/stages", stage, token)
    for nickname, response in {"甲": "b", "乙": "a", "丙": "b"}.items():
        registered = server.http("POST", f"{url}/registrations", {"nickname": nickname})
        entry = server.http(
            "POST", f"{url}/entries", {"token": registered["token"], "round": round_id}
        )
        paper = f"/api/v1/rounds/{round_id}"
        question = server.http("GET", f"{paper}/paper/next", token=entry["token"])["question"]
        answer = {"question": question["key"], "response": response}
        server.http("POST", f"{paper}/answers", answer, entry["token"])

    console_log_in(page, server.base, f"/console/campaigns/{campaign}/certificates", HOST)
    expect(page.locator("#round-title")).to_have_text("· 科普月")
    expect(page.get_by_label("阶段（方案与颁发按阶段）").locator("option")).to_have_text(
        ["1 · 初赛"]
    )
    template = page.locator("fieldset.template").nth(0)
    template.get_by_label("标识").fill("top-two")
    template.get_by_label("颁发规则").select_option("rank")
    expect(template.get_by_label("排名范围").locator("option")).to_have_text(
        ["总排名", "各地市内排名", "各单位内排名"]
    )
    template.get_by_label("前几名").fill("2")
    template.locator('[data-path="templates.0.award.zh-Hans"] input').fill("优秀奖")
    template.locator('[data-path="templates.0.title.zh-Hans"] input').fill("荣誉证书")
    template.locator('[data-path="templates.0.issuer.zh-Hans"] input').fill("广东省科协")
    page.get_by_role("button", name="保存方案").click()
    expect(page.locator("#status")).to_have_text("方案已保存（1 个模板）。")
    plan = server.http("GET", f"{url}/certificates/stages/1/plan", token=token)["templates"]
    assert plan[0]["rule"] == {"kind": "rank", "top": 2, "scope": "all"}

    # The stage's round is still open: refused, in the console's words.
    page.get_by_role("button", name="颁发证书").click()
    expect(page.locator("#issue-error")).not_to_be_empty()
    server.command(token, round_id, "finish")
    page.get_by_role("button", name="颁发证书").click()
    expect(page.locator("#status")).to_have_text("已颁发 2 张证书。")
    rows = page.locator("#certificates tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("td:first-child")).to_have_text(["阶段 1", "阶段 1"])
    holders = sorted(rows.locator("td:nth-child(3)").all_inner_texts())
    assert holders == ["丙", "甲"]
    page.get_by_role("button", name="颁发证书").click()
    expect(page.locator("#status")).to_have_text("没有新的证书要颁发。")
    assert_accessible(page, "campaign stage certificates")
    shot(page, "campaign-stage-certificates")
