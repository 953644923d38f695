"""What the contestant's phone and the big screen show, as Playwright checks shared by
the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

# A page waits on the server's broadcasts, a busy machine's included.
expect.set_options(timeout=10_000)


def phone(browser, base: str, viewport: dict = PHONE) -> Page:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(10_000)
    page.base = base
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def join(page: Page, path: str, nickname: str, region: str, *, type_code: str = "") -> None:
    page.goto(page.base + path)
    if type_code:
        page.get_by_label("比赛码").fill(type_code)
        page.get_by_label("比赛码").press("Tab")
    expect(page.locator("#region option")).to_have_count(22)  # "none" and 21 cities
    page.get_by_label("昵称").fill(nickname)
    page.get_by_label("地区").select_option(label=region)
    page.get_by_role("button", name="加入").click()
    expect(page.get_by_role("heading", name="已加入，等待开始")).to_be_visible()


def shows_question(page: Page, prompt: str, number: int, total: int = 3) -> None:
    expect(page.locator("[data-prompt]")).to_have_text(prompt)
    expect(page.locator("[data-progress]")).to_have_text(f"第 {number} 题 / 共 {total} 题")


def received(page: Page) -> None:
    expect(page.locator("[data-answer-status]")).to_have_text("答案已收到")


def result(page: Page, verdict: str, gained: int, total: int, streak: int, rank: str) -> None:
    expect(page.locator("[data-verdict]")).to_have_text(verdict)
    expect(page.locator("[data-gained]")).to_have_text(f"+{gained} 分")
    expect(page.locator("[data-total]")).to_have_text(str(total))
    expect(page.locator("[data-streak]")).to_have_text(str(streak))
    expect(page.locator("[data-rank]")).to_have_text(rank)


def board(screen: Page, rows: list[tuple[str, str, str]]) -> None:
    """The big screen's leaderboard as (rank, name with region, points) rows."""
    expect(screen.locator(".leaderboard li .rank")).to_have_text([r[0] for r in rows])
    expect(screen.locator(".leaderboard li .name")).to_have_text([r[1] for r in rows])
    expect(screen.locator(".leaderboard li .points")).to_have_text([r[2] for r in rows])


def options(screen: Page, counts: list[str], right: list[str]) -> None:
    """The answer distribution: a count per option, and which options are marked right."""
    expect(screen.locator(".option .count")).to_have_text(counts)
    expect(screen.locator(".option.right .label")).to_have_text(right)
