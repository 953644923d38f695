"""kill -9 of ``leitai serve`` in the middle of a live round, then a restart (issue 6).

Nothing acknowledged may be lost: contestants rejoin with their resume tokens and find
their id, points, streak and the current question; every acknowledged answer reaches SQL
exactly once and the standings add up to the acknowledged points. Runs on the embedded
stores (whose Redis is a daemon the killed process started) and, when configured, on
PostgreSQL and the Redis server.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from engine.adapters.redis.answer_log import log_key
from tests.conftest import DATABASE_URL, REDIS_URL, fresh_postgres_database
from tests.integration.live_clients import (
    Clients,
    Paper,
    contestant,
    create_round,
    delete_keys,
    expected_points,
    host_command,
    host_token,
    paper,
    prepare_instance,
    upgrade,
    wait_until,
)
from tests.integration.servers import free_port, running

STACKS = ["embedded"] + (["services"] if DATABASE_URL and REDIS_URL else [])
CONTESTANTS = 20
ANSWERED_BEFORE_KILL = 12  # acknowledged for sure; the rest are in flight at the kill

pytestmark = pytest.mark.slow


@dataclass
class Deployment:
    env: dict[str, str]
    sql_url: str
    prefix: str
    redis_url: str | None  # None: the embedded server on the instance's socket
    instance: Path

    def redis(self) -> redis.Redis:
        if self.redis_url:
            return redis.Redis.from_url(self.redis_url)
        return redis.Redis(unix_socket_path=str(self.instance / "redis.sock"))


@pytest.fixture(params=STACKS)
def deployment(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    # A short folder: the embedded Redis keeps its socket there only if the path fits.
    instance = Path(tempfile.mkdtemp(prefix="leitai-k9-"))
    if request.param == "embedded":
        found = embedded(instance)
    else:
        prefix = f"test-kill9-{uuid.uuid4().hex[:8]}"
        sql_url = fresh_postgres_database(DATABASE_URL or "", "kill9")
        found = Deployment(
            env={
                "LEITAI_INSTANCE": str(instance),
                "LEITAI_DATABASE_URL": sql_url,
                "LEITAI_REDIS_URL": REDIS_URL or "",
                "LEITAI_REDIS_PREFIX": prefix,
            },
            sql_url=sql_url,
            prefix=prefix,
            redis_url=REDIS_URL,
            instance=instance,
        )
    try:
        yield found
    finally:
        stop_embedded_redis_or_delete_keys(found)
        shutil.rmtree(instance, ignore_errors=True)


def embedded(instance: Path) -> Deployment:
    return Deployment(
        env={"LEITAI_INSTANCE": str(instance)},
        sql_url=f"sqlite:///{instance / 'leitai.db'}",
        prefix="leitai",
        redis_url=None,
        instance=instance,
    )


def stop_embedded_redis_or_delete_keys(deployment: Deployment) -> None:
    """The embedded Redis outlives ``leitai serve`` by design; the test started it."""
    client = deployment.redis()
    try:
        if deployment.redis_url:
            delete_keys(client, deployment.prefix)
        elif (deployment.instance / "redis.sock").exists():
            client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # already gone
    finally:
        client.close()


def correct(number: int, index: int) -> bool:
    """Whether contestant ``number`` answers question ``index`` right (a fixed mix)."""
    return number % (4 if index == 0 else 3) != 0


def choice(questions: Paper, number: int, index: int) -> str:
    key = questions.keys[index]
    return (questions.right if correct(number, index) else questions.wrong)[key]


def now_ms() -> int:
    return int(time.time() * 1000)


def test_acknowledged_answers_survive_kill_9_and_a_restart(deployment: Deployment):
    questions = paper(2)
    q1, q2 = questions.keys
    port = free_port()
    base, serve = f"http://127.0.0.1:{port}", ["serve", "--port", str(port)]
    upgrade(deployment.env)
    acks: dict[int, dict] = {}  # contestant number -> ack of question 1 before the kill
    acks_lock = threading.Lock()
    tokens: dict[int, str] = {}
    ids: dict[int, str] = {}

    def keep_ack(number: int, ack: dict) -> None:  # runs on the client's thread
        with acks_lock:
            acks[number] = ack

    with Clients() as clients:
        with running(serve, deployment.env, port) as first:
            prepare_instance(deployment.env)
            token = host_token(base)
            created = create_round(base, token, questions.keys)
            round_id = created["id"]
            for number in range(CONTESTANTS):
                client, joined = contestant(base, created["code"], f"player-{number:02d}")
                clients.append(client)
                ids[number], tokens[number] = joined["contestant"]["id"], joined["token"]
            host_command(base, token, round_id, "start")
            clients[0].wait_for("question", lambda q: q["key"] == q1)
            for number in range(ANSWERED_BEFORE_KILL):
                answer = {"question": q1, "response": choice(questions, number, 0)}
                keep_ack(number, clients[number].call("answer", answer))
            for number in range(ANSWERED_BEFORE_KILL, CONTESTANTS):
                clients[number].send(
                    "answer",
                    {"question": q1, "response": choice(questions, number, 0)},
                    lambda ack, n=number: keep_ack(n, ack),
                )
            first.kill()  # SIGKILL: no shutdown code runs
            first.wait(10)
        assert first.returncode == -signal.SIGKILL
        with acks_lock:
            acks_at_kill = dict(acks)
        assert set(range(ANSWERED_BEFORE_KILL)) <= set(acks_at_kill)
        for ack in acks_at_kill.values():
            assert ack == {"ok": True, "accepted": True, "duplicate": False}
        acked = {(ids[number], 0) for number in acks_at_kill}

        with running(serve, deployment.env, port):
            # Phones whose answer got no ack retry it; one that did sees it was counted.
            back = {}
            for number in range(CONTESTANTS):
                if number in acks_at_kill and number != 0:
                    continue
                client, joined = contestant(base, created["code"], "ignored", tokens[number])
                clients.append(client)
                back[number] = client
                assert joined["rejoined"] is True
                assert joined["contestant"]["id"] == ids[number]
                assert joined["state"]["question"]["key"] == q1
                answer = {"question": q1, "response": choice(questions, number, 0)}
                ack = client.call("answer", answer)
                # An answer without an ack may still have been stored just before the kill
                # (its ack lost with the process): the retry then reports a duplicate.
                assert ack["ok"] is True, ack
                assert ack["accepted"] is True
                if number in acks_at_kill:
                    assert ack["duplicate"] is True
                acked.add((ids[number], 0))

            host_command(base, token, round_id, "close")
            host_command(base, token, round_id, "reveal")
            opened = host_command(base, token, round_id, "next")["state"]
            assert opened["question"]["key"] == q2

            # Everyone comes back with the same id, points and streak, on question 2.
            for number in range(CONTESTANTS):
                client, joined = contestant(base, created["code"], "ignored", tokens[number])
                clients.append(client)
                back[number] = client
                state = joined["state"]
                points, streak = expected_points([correct(number, 0)])
                assert joined["contestant"]["id"] == ids[number]
                assert (state["you"]["points"], state["you"]["streak"]) == (points, streak)
                assert state["seq"] == opened["seq"]
                assert state["question"]["key"] == q2
                assert state["question"]["seq"] == opened["seq"]
                assert 0 < state["question"]["closes_at"] - now_ms() <= 60_000
            for number, client in back.items():
                answer = {"question": q2, "response": choice(questions, number, 1)}
                ack = client.call("answer", answer)
                assert ack == {"ok": True, "accepted": True, "duplicate": False}
                acked.add((ids[number], 1))
            host_command(base, token, round_id, "close")
            host_command(base, token, round_id, "reveal")
            host_command(base, token, round_id, "finish")

            final = {
                ids[n]: expected_points([correct(n, 0), correct(n, 1)])[0]
                for n in range(CONTESTANTS)
            }
            for number, client in back.items():
                me = client.call("me")
                assert me["you"]["points"] == final[ids[number]]

            store = deployment.redis()
            try:
                # A dead process's unacknowledged reads are claimed after 30 s idle.
                log = log_key(deployment.prefix, round_id)
                wait_until(lambda: store.xlen(log) == 0, 90, "the answer log to drain")
            finally:
                store.close()

    assert acked == {(ids[n], i) for n in range(CONTESTANTS) for i in (0, 1)}
    sql = create_engine(deployment.sql_url)
    try:
        with sql.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT contestant, question_index, points FROM answers"
                    " WHERE round_id = :r ORDER BY contestant, question_index"
                ),
                {"r": round_id},
            ).all()
            standings = dict(
                connection.execute(
                    text("SELECT contestant, points FROM standings WHERE round_id = :r"),
                    {"r": round_id},
                ).all()
            )
            joined_rows = connection.execute(
                text("SELECT COUNT(*) FROM contestants WHERE round_id = :r"), {"r": round_id}
            ).scalar_one()
    finally:
        sql.dispose()
    assert len(rows) == len(acked)
    assert {(c, i) for c, i, _ in rows} == acked
    number_of = {ids[n]: n for n in ids}
    for contestant_id, index, points in rows:
        number = number_of[contestant_id]
        answered = [correct(number, i) for i in range(index + 1)]
        before = expected_points(answered[:-1])[0]
        assert points == expected_points(answered)[0] - before
    summed = {c: sum(p for cc, _, p in rows if cc == c) for c in final}
    assert summed == final
    assert standings == final
    assert joined_rows == CONTESTANTS


def test_the_embedded_redis_keeps_acknowledged_answers_when_it_dies_too():
    """Its append-only file is fsynced every second; answers older than that survive."""
    deployment = embedded(Path(tempfile.mkdtemp(prefix="leitai-k9-")))
    env = deployment.env
    store = deployment.redis()
    questions = paper(1)
    key = questions.keys[0]
    port = free_port()
    base, serve = f"http://127.0.0.1:{port}", ["serve", "--port", str(port)]
    try:
        with Clients() as clients:
            with running(serve, env, port) as first:
                prepare_instance(env)
                token = host_token(base)
                created = create_round(base, token, questions.keys)
                joined = []
                for number in range(3):
                    client, ack = contestant(base, created["code"], f"p{number}")
                    clients.append(client)
                    joined.append(ack)
                host_command(base, token, created["id"], "start")
                for number, client in enumerate(clients):
                    answer = {"question": key, "response": choice(questions, number, 0)}
                    ack = client.call("answer", answer)
                    assert ack == {"ok": True, "accepted": True, "duplicate": False}
                time.sleep(1.5)  # past the once-a-second fsync
                redis_pid = int(store.info("server")["process_id"])
                first.kill()
                first.wait(10)
                os.kill(redis_pid, signal.SIGKILL)
                store.close()
            with running(serve, env, port):
                assert int(store.info("server")["process_id"]) != redis_pid
                rejoined = []
                for before in joined:
                    client, again = contestant(base, created["code"], "x", before["token"])
                    clients.append(client)
                    rejoined.append(client)
                    assert again["contestant"]["id"] == before["contestant"]["id"]
                    # The question is still open: the answer is known to be in, not scored.
                    assert again["state"]["you"]["result"]["received"] is True
                    assert again["state"]["question"]["key"] == key
                    retry = client.call("answer", {"question": key, "response": "a"})
                    assert retry == {"ok": True, "accepted": True, "duplicate": True}
                host_command(base, token, created["id"], "close")
                for number, client in enumerate(rejoined):
                    points, streak = expected_points([correct(number, 0)])
                    you = client.call("me", {})["you"]
                    assert (you["points"], you["streak"]) == (points, streak)
    finally:
        store.close()
        stop_embedded_redis_or_delete_keys(deployment)
        shutil.rmtree(deployment.instance, ignore_errors=True)
