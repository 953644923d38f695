"""A join form submitted before play.js runs must not send the nickname into the address."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def test_the_join_button_waits_for_the_script(server, browser) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    held = []
    page.route("**/static/js/play.js", lambda route: held.append(route))  # a late script
    page.goto(server.base + "/play/ABCD12", wait_until="commit")
    page.wait_for_selector("#nickname")
    page.fill("#nickname", "小明")
    page.press("#nickname", "Enter")
    page.wait_for_timeout(300)
    assert page.url == server.base + "/play/ABCD12"
    assert page.locator("[data-join-button]").is_disabled()
    assert held, "play.js was never requested"
    held[0].continue_()
    expect(page.locator("[data-join-button]")).to_be_enabled()
    assert page.input_value("#nickname") == "小明"
    context.close()


def test_a_join_tapped_while_the_line_opens_is_sent_once_it_is_open(server, browser) -> None:
    """Tapped between the WebSocket opening and the server accepting /play, the join
    waits for that acceptance. Asking to connect again then sent a second namespace
    connect, which the server refuses: the page lost its socket and said "reconnecting"
    (seen in CI on a loaded machine)."""
    token = server.host_token()
    rules = {"scoring": {"points": 1000, "speed": "none"}, "default_time_limit_s": 120}
    created = server.open_round(token, ["nd-0001"], rules)
    page = browser.new_context(viewport=PHONE).new_page()
    held: list[tuple[object, str]] = []  # (the page's end, the server's acceptance of /play)
    holding = [True]

    def hold_the_acceptance(route) -> None:
        upstream = route.connect_to_server()
        route.on_message(upstream.send)

        def downstream(message) -> None:
            if holding[0] and isinstance(message, str) and message.startswith("40/play,"):
                held.append((route, message))
            else:
                route.send(message)

        upstream.on_message(downstream)

    page.route_web_socket("**/socket.io/**", hold_the_acceptance)
    page.goto(f"{server.base}/play/{created['code']}")
    expect(page.locator("[data-join-button]")).to_be_enabled()
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the server never accepted /play"
    page.locator("#nickname").fill("SuperAdmin")  # a blocked word: the server's refusal shows
    page.locator("[data-join-button]").click()
    page.wait_for_timeout(300)  # what the page sends meanwhile reaches the server first
    holding[0] = False
    route, message = held.pop()
    route.send(message)
    expect(page.locator("#nickname-error")).to_have_text("这个昵称不能用，请换一个。")
    expect(page.locator("[data-connection]")).to_have_text("")
