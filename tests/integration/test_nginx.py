"""docs/nginx/leitai.conf in front of ``leitai serve --workers 2`` (issue 19, deliver 2).

Debian's nginx runs the example config, templated to free ports and a temporary prefix,
as a foreground process. A short round is played through it by phones on each transport:
WebSocket only (as the phone page connects), long-polling only, and polling that upgrades
to a WebSocket. Polling works only if every request of a session reaches the worker that
holds it: the config's sticky upstream. Skipped where nginx is not installed, unless
LEITAI_REQUIRE_NGINX=1 (CI), where that fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration.live_clients import (
    Clients,
    contestant,
    create_round,
    expected_points,
    host,
    host_token,
    paper,
    prepare_instance,
    stored_answers,
    wait_until,
)
from tests.integration.servers import free_port, get_json, running

NGINX = Path("/usr/sbin/nginx")
CONFIG = Path(__file__).parents[2] / "docs" / "nginx" / "leitai.conf"
TRANSPORTS = {
    "ws": ("websocket",),
    "poll": ("polling",),
    "upgrade": ("polling", "websocket"),
}
PER_TRANSPORT = 3
ROUND_EVENTS = ("question", "closed", "reveal", "finished")

pytestmark = pytest.mark.slow


@pytest.fixture
def nginx() -> Path:
    if not NGINX.exists():
        if os.environ.get("LEITAI_REQUIRE_NGINX") == "1":
            pytest.fail(f"LEITAI_REQUIRE_NGINX=1 but {NGINX} is missing (apt-get install nginx)")
        pytest.skip(f"{NGINX} is not installed")
    return NGINX


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free ports."""
    for _ in range(50):
        first = free_port()
        probes = []
        try:
            for port in range(first, first + count):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise AssertionError(f"no {count} consecutive free ports")


def templated(folder: Path, listen: int, leitai: int, sticky: int) -> Path:
    """The example config with this test's ports, and its files under ``folder``."""
    text = CONFIG.read_text()
    for example, ours in (
        ("pid /run/nginx-leitai.pid;", f"pid {folder}/nginx.pid;"),
        ("/var/log/nginx/leitai-error.log", f"{folder}/error.log"),
        ("listen 80;", f"listen 127.0.0.1:{listen};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{leitai};"),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{sticky};"),
        ("server 127.0.0.1:8002;", f"server 127.0.0.1:{sticky + 1};"),
    ):
        assert text.count(example) == 1, f"{CONFIG.name} no longer has {example!r} once"
        text = text.replace(example, ours)
    assert text.count("/var/lib/nginx/") == 5
    text = text.replace("/var/lib/nginx/", f"{folder}/")
    path = folder / "nginx.conf"
    path.write_text(text)
    return path


@contextmanager
def running_nginx(binary: Path, folder: Path, config: Path, port: int) -> Iterator[None]:
    """nginx in the foreground on ``config`` until /healthz answers through it."""
    settings = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    process = subprocess.Popen(
        [
            str(binary),
            "-p",
            f"{folder}/",
            "-e",
            f"{folder}/error.log",
            "-c",
            str(config),
            "-g",
            settings,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"nginx exited:\n{process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if get_json(f"http://127.0.0.1:{port}/healthz", timeout=2)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, "nginx did not pass /healthz on in time"
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_a_round_through_nginx_on_every_transport(tmp_path, shared, nginx):
    env = {**shared.env, "LEITAI_TRUSTED_PROXIES": "1"}
    database = shared.database
    questions = paper(2)
    leitai_port, sticky, proxy = free_port(), free_ports(2), free_port()
    base = f"http://127.0.0.1:{proxy}"
    serve = ["serve", "--port", str(leitai_port), "--workers", "2"]
    serve += ["--sticky-ports", str(sticky)]
    with (
        running(serve, env, leitai_port),
        running_nginx(nginx, tmp_path, templated(tmp_path, proxy, leitai_port, sticky), proxy),
        Clients() as clients,
    ):
        prepare_instance(env)
        token = host_token(base)
        created = create_round(base, token, questions.keys)
        phones, ids = {}, []
        for kind, transports in TRANSPORTS.items():
            for number in range(PER_TRANSPORT):
                nickname = f"{kind}{number}"
                client, joined = contestant(base, created["code"], nickname, transports=transports)
                clients.append(client)
                phones[nickname] = client
                ids.append(joined["contestant"]["id"])
        driver = host(base, created["id"], token)
        clients.append(driver)

        for index, key in enumerate(questions.keys):
            assert driver.call("start" if index == 0 else "next")["ok"]
            for nickname, client in phones.items():
                client.wait_for("question", lambda q, k=key: q["key"] == k)
                choice = (questions.right if index == 0 else questions.wrong)[key]
                ack = client.call("answer", {"question": key, "response": choice})
                assert ack == {"ok": True, "accepted": True, "duplicate": False}, nickname
            assert driver.call("close")["ok"]
            assert driver.call("reveal")["ok"]
        assert driver.call("finish")["ok"]

        points = expected_points([True, False])[0]
        for nickname, client in phones.items():
            client.wait_for("finished")
            told = [name for name, _ in client.events if name in ROUND_EVENTS]
            assert told == [
                "question", "closed", "reveal", "question", "closed", "reveal", "finished"
            ], nickname  # fmt: skip
            me = client.call("me")
            assert me["you"]["points"] == points, nickname
        assert phones["upgrade0"].sio.transport() == "websocket"  # upgraded, sticky
        assert phones["poll0"].sio.transport() == "polling"
        expected = sorted((str(c), i) for c in ids for i in range(2))
        wait_until(lambda: stored_answers(database, created["id"]) == expected, 20, "the drain")
