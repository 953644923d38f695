"""``leitai serve --workers 2``: one port, two processes, one round (issue 19, deliver 2).

The kernel spreads the phones' WebSockets over the two workers (SO_REUSEPORT); which
worker holds a connection is read from the operating system's table of each worker's
sockets. One round across both must score every answer exactly once and tell every
client the same story: the same question, closed and reveal events, each once, whether
the host closed the question or both workers' clocks raced to close it. Needs PostgreSQL
and a Redis server (the ``services`` fixture).
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter

import psutil
import pytest

from tests.integration.live_clients import (
    Clients,
    LiveClient,
    contestant,
    create_round,
    expected_points,
    host,
    host_token,
    paper,
    prepare_instance,
    spectator,
    stored_answers,
    wait_until,
)
from tests.integration.servers import LEITAI, clean_environ, free_port, running

CONTESTANTS = 16  # all on one worker by chance: 2 in 2**16
TIME_LIMIT_S = 10  # the second question is closed by the workers' clocks
ROUND_EVENTS = ("question", "closed", "reveal", "finished")

pytestmark = pytest.mark.slow


def test_more_workers_than_one_are_refused_on_the_embedded_stores(tmp_path):
    done = subprocess.run(
        [LEITAI, "serve", "--port", str(free_port()), "--workers", "2"],
        env=clean_environ({"LEITAI_INSTANCE": str(tmp_path)}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--workers 2: one process only on the embedded Redis" in done.stderr
    assert "and on SQLite" in done.stderr
    # LEITAI_WORKERS says the same as --workers (a container's environment).
    told = subprocess.run(
        [LEITAI, "serve", "--port", str(free_port())],
        env=clean_environ({"LEITAI_INSTANCE": str(tmp_path), "LEITAI_WORKERS": "3"}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert told.returncode == 2
    assert "--workers 3: one process only on the embedded Redis" in told.stderr


def worker_of(client: LiveClient, port: int, workers: list[psutil.Process]) -> int:
    """The pid of the worker holding ``client``'s connection to ``port``."""
    local = client.sio.eio.ws.sock.getsockname()[1]
    for worker in workers:
        for connection in worker.net_connections(kind="tcp"):
            if (
                connection.laddr.port == port
                and connection.raddr
                and connection.raddr.port == local
            ):
                return worker.pid
    raise AssertionError(f"no worker holds the connection from port {local}")


def story(client: LiveClient) -> list[tuple[str, object, int]]:
    """The round events a client was pushed: (event, question key or index, seq)."""
    return [
        (name, data.get("key", data.get("index")), data["seq"])
        for name, data in client.events
        if name in ROUND_EVENTS
    ]


def correct(number: int, index: int) -> bool:
    return (number + index) % 3 != 0


def test_a_round_spread_over_two_workers_scores_once_and_tells_one_story(shared):
    env, database = shared.env, shared.database
    questions = paper(2)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (
        running(["serve", "--port", str(port), "--workers", "2"], env, port) as serve,
        Clients() as clients,
    ):
        workers = psutil.Process(serve.pid).children()
        assert len(workers) == 2
        prepare_instance(env)
        token = host_token(base)
        created = create_round(base, token, questions.keys, time_limit_s=TIME_LIMIT_S)
        round_id, code = created["id"], created["code"]

        phones = []
        for number in range(CONTESTANTS):
            client, joined = contestant(base, code, f"P{number:02d}")
            clients.append(client)
            phones.append((client, joined["contestant"]["id"]))
        spread = Counter(worker_of(client, port, workers) for client, _ in phones)
        assert set(spread) == {worker.pid for worker in workers}, spread
        screens = [spectator(base, created["watch_code"])[0] for _ in range(2)]
        driver = host(base, round_id, token)
        clients += (*screens, driver)

        for index, key in enumerate(questions.keys):
            started = driver.call("start" if index == 0 else "next")
            assert started["ok"], started
            for number, (client, _) in enumerate(phones):
                client.wait_for("question", lambda q, k=key: q["key"] == k)
                right = correct(number, index)
                choice = (questions.right if right else questions.wrong)[key]
                ack = client.call("answer", {"question": key, "response": choice})
                assert ack == {"ok": True, "accepted": True, "duplicate": False}, ack
                again = client.call("answer", {"question": key, "response": choice})
                assert again == {"ok": True, "accepted": True, "duplicate": True}, again
            driver.wait_for(
                "answers",
                lambda n, i=index: n == {"count": CONTESTANTS, "of": CONTESTANTS, "index": i},
            )
            if index == 0:
                assert driver.call("close")["ok"]
            # The last question closes on time: both workers' clocks see it due.
            for client in (*[c for c, _ in phones], *screens):
                client.wait_for("closed", lambda c, i=index: c["index"] == i, TIME_LIMIT_S + 20)
            assert driver.call("reveal")["ok"]
        assert driver.call("finish")["ok"]
        for client in (*[c for c, _ in phones], *screens, driver):
            client.wait_for("finished")
        time.sleep(1.2)  # a snapshot already on its way arrives everywhere

        reference = story(phones[0][0])
        assert [(name, key) for name, key, _ in reference] == [
            ("question", questions.keys[0]), ("closed", 0),
            ("reveal", questions.keys[0]), ("question", questions.keys[1]),
            ("closed", 1), ("reveal", questions.keys[1]),
            ("finished", None),
        ]  # fmt: skip
        seqs = [seq for _, _, seq in reference]
        assert seqs == sorted(set(seqs))
        for client in (*[c for c, _ in phones], *screens, driver):
            assert story(client) == reference
        boards = {str([m["seq"] for m in c.named("leaderboard")]) for c, _ in phones}
        assert len(boards) == 1, boards  # the same snapshots on either worker

        final = {
            f"P{n:02d}": expected_points([correct(n, i) for i in range(2)])[0]
            for n in range(CONTESTANTS)
        }
        for number, (client, _) in enumerate(phones):
            me = client.call("me")
            assert me["ok"], me
            assert me["you"]["points"] == final[f"P{number:02d}"]
        top = phones[0][0].named("finished")[0]["top"]
        assert top
        assert {e["nickname"]: e["points"] for e in top}.items() <= final.items()
        expected = sorted((str(c), i) for _, c in phones for i in range(2))
        wait_until(lambda: stored_answers(database, round_id) == expected, 20, "the drain")
        assert stored_answers(database, round_id) == expected  # once each, and no more

        started = time.monotonic()
        serve.send_signal(signal.SIGTERM)  # to the parent, which tells its workers
        assert serve.wait(10) == 0
        assert time.monotonic() - started < 2.0
        assert not any(worker.is_running() for worker in workers)
