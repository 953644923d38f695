"""Browser tests: Debian's Chromium, driven by Playwright, against a real ``leitai serve``.

Chromium is never downloaded. Where /usr/bin/chromium is missing the tests skip, unless
``LEITAI_REQUIRE_BROWSER=1`` (CI) makes that a failure. Every page a test looks at is
saved as a screenshot under tests/browser/artefacts/.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.integration.servers import command_line, free_port, running

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(__file__).parent / "artefacts"
BANK = Path(__file__).resolve().parents[2] / "question_banks" / "national-defence"
#: The seed banks every browser test may use; the second has audio questions.
BANKS = (BANK, BANK.parent / "cantonese-folk-songs")
HOST_NAME, HOST_PASSWORD = "browser-host", "correct horse battery"
ADMIN_NAME, ADMIN_PASSWORD = "browser-admin", "console password 1"
PHONE = {"width": 360, "height": 740}
BIG_SCREEN = {"width": 1920, "height": 1080}


@dataclass(frozen=True)
class Server:
    """A running ``leitai serve`` with a host and an admin account and the
    national-defence bank."""

    base: str
    log: Path  # what the server printed, shown beside a failing test

    def http(self, method: str, path: str, body: object = None, token: str = "") -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local)
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read()!r}") from None

    def host_token(self) -> str:
        body = {"username": HOST_NAME, "password": HOST_PASSWORD}
        return self.http("POST", "/api/v1/auth/token", body)["token"]

    def admin_token(self) -> str:
        body = {"username": ADMIN_NAME, "password": ADMIN_PASSWORD}
        return self.http("POST", "/api/v1/auth/token", body)["token"]

    def open_round(
        self,
        token: str,
        keys: list[str],
        rules: Mapping[str, Any],
        window: Mapping[str, int] | None = None,
        bank: str = "national-defence",
    ) -> dict:
        """A competition asking ``keys`` of ``bank`` in order, unshuffled (live unless
        ``rules`` say otherwise); its first round, with a self-paced round's ``window``."""
        rules = {
            "mode": "live",
            "draw": {"kind": "fixed", "keys": keys, "shuffle_options": False},
            **rules,
        }
        competition = self.http(
            "POST",
            "/api/v1/competitions",
            {"title": "国防知识赛", "bank": bank, "bank_version": 1, "rules": rules},
            token,
        )
        rounds = f"/api/v1/competitions/{competition['id']}/rounds"
        return self.http("POST", rounds, dict(window or {}), token)

    def command(self, token: str, round_id: int, name: str) -> dict:
        return self.http("POST", f"/api/v1/rounds/{round_id}/{name}", {}, token)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for all the browser tests of a worker, with both seed banks: each test
    opens its own rounds, and a server per module cost a start per module and worker.
    The server migrates its database; the accounts and banks are added while it runs,
    by the commands run in this process (``command_line``)."""
    env = {"LEITAI_INSTANCE": str(tmp_path_factory.mktemp("instance"))}
    port = free_port()
    ARTEFACTS.mkdir(exist_ok=True)
    log = ARTEFACTS / f"server-{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}.log"
    with running(["serve", "--port", str(port)], env, port, log=log):
        with command_line(env) as leitai:
            leitai(["user", "add", HOST_NAME, "--role", "host"], HOST_PASSWORD + "\n")
            leitai(["user", "add", ADMIN_NAME, "--role", "admin"], ADMIN_PASSWORD + "\n")
            leitai(["bank", "import", *map(str, BANKS)])
        yield Server(f"http://127.0.0.1:{port}", log)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("LEITAI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and LEITAI_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield ChineseByDefault(launched)
        launched.close()


class ChineseByDefault:
    """The browser, whose new contexts read zh-CN unless a test asks for another
    locale: the pages follow the browser's language until the reader picks one. Every
    page's console and WebSocket events go to ``PAGE_EVENTS``, shown if a test fails.
    Each context is closed after the test that opened it (``closed_after_the_test``)."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**{"locale": "zh-CN", **options})
        context.on("page", record_events)
        OPENED.append(context)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


#: The browser contexts the current test opened.
OPENED: list[Any] = []

#: What the pages of the current test said: console lines and WebSocket opens and closes.
PAGE_EVENTS: list[str] = []


def record_events(page: Any) -> None:
    def note(text: str) -> None:
        PAGE_EVENTS.append(f"{time.strftime('%H:%M:%S')} {page.url} {text}")

    page.on("console", lambda message: note(f"console.{message.type}: {message.text}"))
    page.on("pageerror", lambda error: note(f"pageerror: {error}"))
    page.on("requestfailed", lambda request: note(f"failed {request.url}: {request.failure}"))

    def on_websocket(socket: Any) -> None:
        note(f"websocket open {socket.url}")
        socket.on("socketerror", lambda error: note(f"websocket error {socket.url}: {error}"))
        socket.on("close", lambda _socket: note(f"websocket closed {socket.url}"))

    page.on("websocket", on_websocket)


@pytest.fixture(autouse=True)
def closed_after_the_test() -> Iterator[None]:
    """A test's pages close when it ends: left open, every phone, screen and console
    page of the session kept its socket, its polls and its animations running, in the
    browser and on the server, under every later test."""
    yield
    while OPENED:
        OPENED.pop().close()


@pytest.fixture(autouse=True)
def failure_context(request: pytest.FixtureRequest) -> None:
    """Mark where the test starts in the server's output, for ``pytest_runtest_makereport``."""
    PAGE_EVENTS.clear()
    if "server" in request.fixturenames:
        log = request.getfixturevalue("server").log
        request.node.server_log = (log, log.stat().st_size)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """A failing browser test shows what its pages and the server said meanwhile."""
    report = yield
    if report.when == "call" and report.failed:
        report.sections.append(("pages", "\n".join(PAGE_EVENTS[-80:]) or "(nothing)"))
        log, start = getattr(item, "server_log", (None, 0))
        if log is not None:
            with log.open() as output:
                output.seek(start)
                report.sections.append(("server", output.read()[-8000:] or "(nothing)"))
    return report


def console_log_in(
    page: Any, base: str, start: str, user: tuple[str, str] = (ADMIN_NAME, ADMIN_PASSWORD)
) -> None:
    """Open a console page, get sent to the login form, log in as ``user``, land back."""
    page.goto(base + start)
    page.wait_for_url("**/console?next=*")
    page.get_by_label("用户名").fill(user[0])
    page.get_by_label("密码").fill(user[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{start}")


def log_in_at_home(page: Any, base: str) -> None:
    """The console's home is its login page: log in there, and the home shows."""
    from playwright.sync_api import expect

    page.goto(base + "/console")
    page.get_by_label("用户名").fill(ADMIN_NAME)
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="比赛与场次")).to_be_visible()


@pytest.fixture
def shot(request: pytest.FixtureRequest):
    """``shot(page, name)`` saves a full-page screenshot as a test artefact."""
    ARTEFACTS.mkdir(exist_ok=True)
    prefix = request.node.name

    def save(page: Any, name: str) -> Path:
        path = ARTEFACTS / f"{prefix}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
