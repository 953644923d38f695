"""The spectators' big screen as a hall sees it, on a 1920 x 1080 screen and on a
1280 x 720 projector (the second in English, chosen by the URL): the lobby's wall of
names and large QR, the live "N / M answered", every question type's items, a reveal
that marks the right answer and explains it, and a podium at the end; at both sizes
nothing is cut off and no page chrome shows.

Twelve contestants play over python-socketio, as phones would; the host drives the round
over the HTTP API.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BIG_SCREEN
from tests.integration.live_clients import socketio_client

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECTOR = {"width": 1280, "height": 720}
AUDIO = "cfs-0039"  # a 5 s clip
SINGLE, TEXT, ORDER = "nd-0001", "nd-0010", "nd-0031"
RULES = {
    "scoring": {"points": 1000, "speed": "none", "streak_step": 0, "streak_cap": 0},
    "default_time_limit_s": 120,
}
REGIONS = ["shenzhen", "guangzhou", "foshan", "zhuhai", "shantou", "dongguan"]
LAWS_IN_ORDER = ["《国防法》", "《国防教育法》", "《国防动员法》", "《英雄烈士保护法》"]


class Player:
    """A contestant's phone, reduced to its socket."""

    def __init__(self, base: str, code: str, nickname: str, region: str) -> None:
        self.client = socketio_client()
        self.client.connect(base, namespaces=["/play"], transports=["websocket"])
        joined = self.client.call(
            "join", {"code": code, "nickname": nickname, "region": region}, namespace="/play"
        )
        assert joined["ok"], joined

    def answer(self, question: str, response: object) -> None:
        ack = self.client.call(
            "answer", {"question": question, "response": response}, namespace="/play"
        )
        assert ack["ok"], ack
        assert ack["accepted"], ack


@pytest.fixture
def players() -> Iterator[list[Player]]:
    joined: list[Player] = []
    yield joined
    for player in joined:
        player.client.disconnect()


def screen(browser, viewport: dict, url: str) -> Page:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    return page


def inside(page: Page, selector: str) -> None:
    """Every element ``selector`` matches is shown whole, inside the viewport."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    # One read of every box: the lobby wall is drawn anew on each poll, and element by
    # element a box could be asked of a chip that had just been replaced.
    boxes = page.locator(selector).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())"
    )
    assert boxes, selector
    for box in boxes:
        assert box["width"] > 0, (selector, box)
        assert box["height"] > 0, (selector, box)
        assert box["x"] >= 0, (selector, box)
        assert box["y"] >= 0, (selector, box)
        assert box["x"] + box["width"] <= width + 0.5, (selector, box, width)
        assert box["y"] + box["height"] <= height + 0.5, (selector, box, height)


def no_chrome(page: Page) -> None:
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("[data-locale-select]")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollHeight") <= page.viewport_size["height"]


def test_the_big_screen_runs_a_show_at_two_sizes(server, browser, players, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE, TEXT, ORDER], RULES)
    round_id, code = created["id"], created["code"]
    watch = f"{server.base}/watch/{created['watch_code']}"
    big = screen(browser, BIG_SCREEN, watch)
    small = screen(browser, PROJECTOR, watch + "?lang=en")
    screens = (big, small)

    # The lobby: a large QR, the code, a live count and a wall of the names.
    expect(big.locator("[data-lobby-count]")).to_have_text("0 名选手已加入")
    expect(small.locator("[data-lobby-count]")).to_have_text("0 players have joined")
    for number in range(12):
        nickname = f"选手{number + 1:02d}"
        players.append(Player(server.base, code, nickname, REGIONS[number % len(REGIONS)]))
    expect(big.locator("[data-lobby-count]")).to_have_text("12 名选手已加入")
    expect(small.locator("[data-lobby-count]")).to_have_text("12 players have joined")
    for page in screens:
        expect(page.locator(".lobby-names li")).to_have_count(12)
        expect(page.locator(".lobby-names li").first).to_have_text(re.compile(r"^选手\d\d$"))
        no_chrome(page)
        qr = page.locator(".join-qr").bounding_box()
        assert qr["height"] >= page.viewport_size["height"] * 0.4  # scannable from the seats
        inside(page, ".join-qr")
        inside(page, ".join-code")
        inside(page, ".lobby-names li")
    shot(big, "1080-lobby")
    shot(small, "720-lobby")

    # Question 1 (single): the count of answers moves, the board does not.
    server.command(token, round_id, "start")
    for page in screens:
        expect(page.locator(".option")).to_have_count(4)
        expect(page.locator(".option.right, .option.dim")).to_have_count(0)
        expect(page.locator("[data-seconds]")).to_have_text(re.compile(r"^1[01]\d$|^120$"))
        expect(page.locator(".lobby")).to_be_hidden()
    expect(big.locator("[data-answers-count]")).to_have_text("0 / 12 人已作答")
    for player in players[:7]:
        player.answer(SINGLE, "b")
    for player in players[7:10]:
        player.answer(SINGLE, "a")
    expect(big.locator("[data-answers-count]")).to_have_text("10 / 12 人已作答")
    expect(small.locator("[data-answers-count]")).to_have_text("10 of 12 answered")
    expect(big.locator(".leaderboard .points")).to_have_text(["0"] * 10)  # moves at the close
    shot(big, "1080-question")
    shot(small, "720-question")

    server.command(token, round_id, "close")
    expect(big.locator("[data-status]")).to_have_text("时间到")
    expect(big.locator(".option.right")).to_have_count(0)
    server.command(token, round_id, "reveal")
    expect(big.locator(".option.right .label")).to_have_text(["8月1日"])
    expect(small.locator(".option.right .label")).to_have_text(["1 August"])
    for page in screens:
        expect(page.locator(".option.dim")).to_have_count(3)
        expect(page.locator(".option .count")).to_have_text(["3", "7", "0", "0"])
        expect(page.locator(".option .share")).to_have_text(["30%", "70%", "0%", "0%"])
        expect(page.locator(".leaderboard li")).to_have_count(10)
        expect(page.locator(".leaderboard li .points").first).to_have_text("1000")
    expect(big.locator("[data-explanation]")).to_contain_text("1927年8月1日")
    expect(small.locator("[data-explanation]")).to_contain_text("The uprising of 1 August 1927")
    expect(big.locator("[data-explanation] h3")).to_have_text("解析")
    big.wait_for_timeout(900)  # the board's rows and the bars settle
    for page in screens:
        inside(page, ".leaderboard li")
        inside(page, ".screen-regions")
        inside(page, ".regions li")
        inside(page, ".option")
        inside(page, "[data-explanation]")
        no_chrome(page)
    shot(big, "1080-reveal")
    shot(small, "720-reveal")

    # Question 2 (text): nothing listed but a hint; the reveal gives the accepted answers.
    server.command(token, round_id, "next")
    expect(big.locator("[data-status]")).to_have_text("在手机上输入答案")
    expect(small.locator("[data-status]")).to_have_text("Type your answer on your phone")
    for page in screens:
        expect(page.locator(".option")).to_have_count(0)
        expect(page.locator(".items li")).to_have_count(0)
    for player in players[:4]:
        player.answer(TEXT, "4月15日")
    players[4].answer(TEXT, "5月1日")
    expect(big.locator("[data-answers-count]")).to_have_text("5 / 12 人已作答")
    server.command(token, round_id, "close")
    server.command(token, round_id, "reveal")
    expect(big.locator("[data-status]")).to_have_text(re.compile(r"^正确答案：4月15日　也算对："))
    expect(big.locator(".option .label")).to_have_text(["正确", "错误"])
    expect(big.locator(".option .count")).to_have_text(["4", "1"])
    expect(big.locator(".option.right .label")).to_have_text(["正确"])
    expect(big.locator("[data-explanation]")).to_contain_text("国家安全法")
    shot(big, "1080-reveal-text")

    # Question 3 (order): the items while open; the right order, numbered, once revealed.
    server.command(token, round_id, "next")
    expect(big.locator(".items li")).to_have_count(4)
    assert sorted(big.locator(".items li").all_text_contents()) == sorted(LAWS_IN_ORDER)
    expect(big.locator("[data-status]")).to_have_text("在手机上把以下各项排好顺序")
    shot(big, "1080-question-order")
    shot(small, "720-question-order")
    for player in players[:2]:
        player.answer(ORDER, ["b", "a", "d", "c"])
    server.command(token, round_id, "close")
    server.command(token, round_id, "reveal")
    expect(big.locator(".items li")).to_have_text(
        [f"{n}{law}" for n, law in enumerate(LAWS_IN_ORDER, 1)]
    )
    expect(big.locator(".items li .position")).to_have_text(["1", "2", "3", "4"])
    expect(big.locator(".option.right .label")).to_have_text(["正确"])
    shot(big, "1080-reveal-order")

    # The end: the top three on a podium, the final board beside it.
    server.command(token, round_id, "finish")
    for page in screens:
        expect(page.locator(".podium .step")).to_have_count(3)
        expect(page.locator(".screen-question")).to_be_hidden()
    # Equal points are parted by time; who of two equals answered first is not tested.
    expect(big.locator(".podium .step .points")).to_have_text(["3000 分", "3000 分", "2000 分"])
    expect(small.locator(".podium .step .points")).to_have_text(
        ["3000 pts", "3000 pts", "2000 pts"]
    )
    names = big.locator(".podium .step .name").all_text_contents()
    assert sorted(names[:2]) == ["选手01", "选手02"]
    assert names[2] in ("选手03", "选手04")
    expect(small.locator("#podium-heading")).to_have_text("Podium")
    expect(big.locator("[data-status]")).to_have_text("比赛结束")
    big.wait_for_timeout(2800)  # the podium has risen
    for page in screens:
        inside(page, ".podium .step")
        inside(page, ".leaderboard li")
        inside(page, ".screen-regions")
        no_chrome(page)
    shot(big, "1080-podium")
    shot(small, "720-podium")
    assert [page.errors for page in screens] == [[], []]


def test_an_audio_question_plays_on_the_screen_once_the_sound_is_on(server, browser, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [AUDIO], RULES, bank="cantonese-folk-songs")
    page = screen(browser, PROJECTOR, f"{server.base}/watch/{created['watch_code']}")
    sound = page.get_by_role("button", name="声音")
    expect(sound).to_have_attribute("aria-pressed", "false")  # browsers start muted
    inside(page, ".sound")
    server.command(token, created["id"], "start")
    cue = page.locator("[data-audio-cue]")
    expect(cue).to_have_text("♪ 听音频答题：打开大屏声音，或在手机上播放")
    expect(page.locator(".audio-alt")).to_have_text("约 5 秒的合成音频片段")
    shot(page, "720-audio-muted")
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "true")
    expect(cue).to_have_class(re.compile(r"\bplaying\b"))
    expect(cue).to_have_text("♪ 正在播放音频，请听")
    shot(page, "720-audio-playing")
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "false")
    expect(cue).not_to_have_class(re.compile(r"\bplaying\b"))
    assert page.errors == []


def test_reduced_motion_keeps_the_podium_still(server, browser, players, shot) -> None:
    token = server.host_token()
    created = server.open_round(token, [SINGLE], RULES)
    # An old 4:3 projector: the 16:9 picture, whole, with room to spare below.
    context = browser.new_context(viewport={"width": 1024, "height": 768}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{server.base}/watch/{created['watch_code']}")
    players.append(Player(server.base, created["code"], "静静", "shenzhen"))
    expect(page.locator(".lobby-names li")).to_have_text(["静静"])
    expect(page.locator(".lobby-names li.arrived")).to_have_count(0)
    server.command(token, created["id"], "start")
    server.command(token, created["id"], "finish")
    expect(page.locator(".podium .step .name")).to_have_text(["静静"])
    for selector in (".podium .step", ".leaderboard li", ".screen-regions", ".join-box", ".sound"):
        inside(page, selector)
    no_chrome(page)
    shot(page, "768-podium")
    animations = page.evaluate("document.getAnimations().length")
    assert animations == 0


CLIP_IN_STEP = """audio => ({playing: !audio.paused, at: audio.currentTime, now: Date.now()})"""


def test_a_phone_plays_the_clip_in_step_with_the_servers_open_time(server, browser, shot) -> None:
    """A phone that joins 2 s into an audio question starts the clip 2 s in, as the big
    screen does (one helper: live-socket.js playInStep); the page's clock and the
    server's are the same machine's here, so the offset is read against Date.now()."""
    token = server.host_token()
    created = server.open_round(token, [AUDIO], RULES, bank="cantonese-folk-songs")
    started = server.command(token, created["id"], "start")
    opens_at = started["state"]["question"]["opens_at"]
    phone = screen(browser, {"width": 390, "height": 844}, f"{server.base}/play/{created['code']}")
    expect(phone.locator("[data-join-button]")).to_be_enabled()
    phone.wait_for_timeout(max(0, opens_at + 2_000 - time.time() * 1000))
    phone.locator("#nickname").fill("听歌")
    phone.locator("[data-join-button]").click()  # the tap lets the page play sound
    clip = phone.locator("[data-media] audio")
    expect(clip).to_have_count(1)
    phone.wait_for_function(
        "() => { const a = document.querySelector('[data-media] audio'); return a && !a.paused; }"
    )
    heard = clip.evaluate(CLIP_IN_STEP)
    expected = (heard["now"] - opens_at) / 1000
    assert expected > 2
    assert abs(heard["at"] - expected) < 0.75, (heard, expected)
    expect(phone.get_by_role("button", name="暂停音频")).to_be_visible()
    shot(phone, "phone-audio-in-step")
    assert phone.errors == []
