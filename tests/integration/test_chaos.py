"""Faults in the middle of a live round (issue 13): Redis restarts, SQL goes away, the
process is told to stop. Nothing acknowledged is lost or stored twice; while Redis is
down every answer gets a quick ``unavailable`` ack; the service is healthy again within
5 s of the store's return, without a restart; SIGTERM stops it within 2 s.

The Redis that restarts is a ``redis-server`` this test starts on a free port (never
the machine's). SQL is PostgreSQL when ``LEITAI_TEST_DATABASE_URL`` is set, interrupted
by terminating this test database's connections; SQLite otherwise, made unwritable by
holding its write lock.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from sqlalchemy import create_engine, text

from tests.conftest import DATABASE_URL, fresh_postgres_database
from tests.integration.live_clients import (
    Clients,
    LiveClient,
    contestant,
    create_round,
    host,
    host_command,
    host_token,
    http,
    paper,
    prepare_instance,
    stored_answers,
    upgrade,
    wait_until,
)
from tests.integration.redis_server import RedisServer
from tests.integration.servers import free_port, get_json, running

pytestmark = pytest.mark.slow

T = TypeVar("T")

CONTESTANTS = 6
FAST_S = 1.0  # an answer's ack while a store is down
HEALED_S = 5.0  # healthy again after the store is back


@pytest.fixture
def folder() -> Iterator[Path]:
    # A short path: the embedded Redis keeps its socket in the instance only if it fits.
    path = Path(tempfile.mkdtemp(prefix="leitai-chaos-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def redis_server(folder: Path) -> Iterator[RedisServer]:
    data = folder / "redis-data"
    data.mkdir()
    server = RedisServer(data)
    server.start()
    yield server
    server.stop()


def sql_url(folder: Path) -> str:
    if DATABASE_URL:
        return fresh_postgres_database(DATABASE_URL, "chaos")
    return f"sqlite:///{folder / 'instance' / 'leitai.db'}"


def environment(folder: Path, database: str, redis_url: str | None) -> dict[str, str]:
    env = {"LEITAI_INSTANCE": str(folder / "instance"), "LEITAI_DATABASE_URL": database}
    if redis_url:
        env |= {"LEITAI_REDIS_URL": redis_url, "LEITAI_REDIS_PREFIX": f"chaos-{uuid.uuid4().hex}"}
    return env


def stop_embedded_redis(folder: Path) -> None:
    client = redis.Redis(unix_socket_path=str(folder / "instance" / "redis.sock"))
    try:
        client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # stopped with the server, or never started
    finally:
        client.close()


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


class Round:
    """A live round on a running server: a host on /host and phones on /play."""

    def __init__(self, base: str, env: dict[str, str], clients: Clients, questions: int) -> None:
        prepare_instance(env)
        self.base = base
        self.paper = paper(questions)
        self.token = host_token(base)
        created = create_round(base, self.token, self.paper.keys)
        self.id = created["id"]
        self.host = host(base, self.id, self.token)
        clients.append(self.host)
        self.phones: list[LiveClient] = []
        self.ids: list[str] = []
        for number in range(CONTESTANTS):
            phone, joined = contestant(base, created["code"], f"chaos-{number}")
            clients.append(phone)
            self.phones.append(phone)
            self.ids.append(joined["contestant"]["id"])
        self.acked: set[tuple[str, int]] = set()

    def answer(self, number: int, index: int) -> dict:
        key = self.paper.keys[index]
        ack = self.phones[number].call(
            "answer", {"question": key, "response": self.paper.right[key]}
        )
        if ack["ok"]:
            assert ack["accepted"] is True, ack
            self.acked.add((self.ids[number], index))
        return ack

    def command(self, name: str) -> dict:
        return self.host.call(name)

    def leaderboard_status(self) -> int:
        return http("GET", f"{self.base}/api/v1/rounds/{self.id}/leaderboard")[0]

    def healthy(self) -> bool:
        """``/healthz``: both stores answer this process."""
        return get_json(f"{self.base}/healthz")[0] == 200

    def http_command(self, name: str) -> tuple[int, dict]:
        """A host command over HTTP: a fresh request, so the token and the hosting are
        checked again (from caches, while SQL is away)."""
        url = f"{self.base}/api/v1/rounds/{self.id}/{name}"
        return http("POST", url, {}, self.token)

    def question_reaches_phones(self, index: int) -> None:
        key = self.paper.keys[index]
        for phone in self.phones:
            phone.wait_for("question", lambda q: q["key"] == key, timeout=HEALED_S)


def test_a_redis_restart_mid_round_loses_nothing_and_heals_without_a_restart(
    folder: Path, redis_server: RedisServer
) -> None:
    database = sql_url(folder)
    env = environment(folder, database, redis_server.url)
    upgrade(env)
    port = free_port()
    # One process: the next test breaks the subscriptions of two.
    serve = ["serve", "--port", str(port), "--workers", "1"]
    with Clients() as clients, running(serve, env, port):
        game = Round(f"http://127.0.0.1:{port}", env, clients, questions=2)
        assert game.command("start")["ok"]
        for number in range(CONTESTANTS // 2):
            assert game.answer(number, 0)["ok"]

        redis_server.stop()
        for number in range(CONTESTANTS // 2, CONTESTANTS):
            ack, took = timed(lambda n=number: game.answer(n, 0))
            assert ack["ok"] is False
            assert ack["error"]["code"] == "unavailable"
            assert took < FAST_S
        refused, took = timed(lambda: game.command("close"))
        assert (refused["ok"], refused["error"]["code"]) == (False, "unavailable")
        assert took < FAST_S
        assert game.leaderboard_status() == 503

        redis_server.start()
        back = time.monotonic()
        wait_until(lambda: game.leaderboard_status() == 200, HEALED_S, "the leaderboard")
        wait_until(game.healthy, HEALED_S - (time.monotonic() - back), "/healthz")
        for number in range(CONTESTANTS // 2, CONTESTANTS):  # phones try again
            assert game.answer(number, 0)["ok"]
        assert game.answer(0, 0)["duplicate"] is True  # stored once, before the restart
        assert game.command("close")["ok"]
        assert game.command("reveal")["ok"]
        assert game.command("next")["ok"]
        game.question_reaches_phones(1)
        assert time.monotonic() - back < HEALED_S + 1  # healthy, host and phones alike
        for number in range(CONTESTANTS):
            assert game.answer(number, 1)["ok"]
        assert game.command("close")["ok"]
        state = host_command(game.base, game.token, game.id, "reveal")["state"]
        assert state["status"] == "revealed"

        expected = sorted(game.acked)
        assert len(expected) == 2 * CONTESTANTS
        wait_until(lambda: stored_answers(database, game.id) == expected, 15, "the drain")


@contextmanager
def sql_outage(database: str) -> Iterator[None]:
    """SQL out of reach for the block: SQLite's write lock held by another connection,
    or every PostgreSQL connection to the test database terminated as it comes."""
    if database.startswith("sqlite"):
        holder = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    admin = create_engine(
        (DATABASE_URL or "").replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    name = database.rsplit("/", 1)[1]
    stop = threading.Event()

    def terminate() -> None:
        with admin.connect() as connection:
            while not stop.is_set():
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                time.sleep(0.02)

    terminator = threading.Thread(target=terminate)
    terminator.start()
    try:
        yield
    finally:
        stop.set()
        terminator.join()
        admin.dispose()


def test_hosts_keep_hosting_through_an_sql_outage_and_sigterm_stops_within_2_s(
    folder: Path,
) -> None:
    """Answers and host commands need no SQL, over /host and over HTTP (a new request's
    token and hosting are checked from caches); the drain keeps the log until SQL is back.
    Then SIGTERM, with answers just acknowledged: the final drain stores them."""
    database = sql_url(folder)
    env = environment(folder, database, None)
    upgrade(env)
    port = free_port()
    try:
        with Clients() as clients, running(["serve", "--port", str(port)], env, port) as serve:
            game = Round(f"http://127.0.0.1:{port}", env, clients, questions=3)
            assert game.command("start")["ok"]
            with sql_outage(database):
                for number in range(CONTESTANTS):
                    ack, took = timed(lambda n=number: game.answer(n, 0))
                    assert ack["ok"] is True, ack
                    assert took < FAST_S
                (status, body), took = timed(lambda: game.http_command("close"))
                assert status == 200, body
                assert (body["state"]["status"], took < FAST_S) == ("closed", True)
                for name in ("reveal", "next"):
                    ack, took = timed(lambda n=name: game.command(n))
                    assert ack["ok"] is True, (name, ack)
                    assert took < FAST_S
                game.question_reaches_phones(1)
                for number in range(CONTESTANTS // 2):
                    assert game.answer(number, 1)["ok"]
                time.sleep(1.5)  # the drain tries, fails and keeps the log meanwhile

            back = time.monotonic()
            wait_until(game.healthy, HEALED_S, "/healthz")
            url = f"{game.base}/api/v1/rounds/{game.id}"
            status, round_row = http("GET", url, None, game.token)
            assert (status, round_row["status"]) == (200, "running")  # read from SQL
            assert time.monotonic() - back < HEALED_S
            assert game.command("close")["ok"]
            state = host_command(game.base, game.token, game.id, "reveal")["state"]
            assert state["status"] == "revealed"
            expected = sorted(game.acked)
            assert len(expected) == CONTESTANTS + CONTESTANTS // 2
            wait_until(lambda: stored_answers(database, game.id) == expected, 15, "the drain")

            assert game.command("next")["ok"]
            for number in range(CONTESTANTS):  # the drain waits for a lull: the stop cannot
                assert game.answer(number, 2)["ok"]
            started = time.monotonic()
            serve.send_signal(signal.SIGTERM)
            serve.wait(10)
            took = time.monotonic() - started
            assert serve.returncode == 0
            assert took < 2.0
        assert stored_answers(database, game.id) == sorted(game.acked)
        assert len(game.acked) == len(expected) + CONTESTANTS
    finally:
        stop_embedded_redis(folder)


def test_a_question_published_while_the_message_queue_was_away_still_reaches_every_phone(
    folder: Path, redis_server: RedisServer
) -> None:
    """Pub/sub keeps nothing: a question published while the processes' subscriptions were
    down is lost to every phone, the publisher's own included, unless a process that
    subscribes again tells its phones where their rounds stand."""
    database = sql_url(folder)
    env = environment(folder, database, redis_server.url)
    upgrade(env)
    port = free_port()
    with Clients() as clients, running(["serve", "--port", str(port), "--workers", "2"], env, port):
        game = Round(f"http://127.0.0.1:{port}", env, clients, questions=2)
        assert game.command("start")["ok"]
        assert game.command("close")["ok"]
        assert game.command("reveal")["ok"]

        killer = redis.Redis.from_url(redis_server.url)
        try:
            assert killer.client_kill_filter(_type="pubsub") >= 2  # each worker's subscription
        finally:
            killer.close()
        # Most likely published before either worker subscribed again; if not, the
        # catch-up comes all the same, and it is what every phone must get.
        assert game.command("next")["ok"]

        key = game.paper.keys[1]
        for phone in game.phones:
            state = phone.wait_for(
                "state", lambda s: (s["question"] or {}).get("key") == key, timeout=HEALED_S
            )
            assert (state["status"], state["index"]) == ("question_open", 1)
