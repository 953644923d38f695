"""Two ``leitai serve`` processes share one live round through Redis (issue 6, deliver 7).

Contestants, spectators and the host sit on different processes; every one of them must
see the same round events with the same ``seq``, and answers taken by one process must
show in the other's leaderboard. Needs PostgreSQL and a Redis server, so it is collected
only where both are configured (CI configures them); and again on the Redis Cluster
(``LEITAI_TEST_REDIS_CLUSTER_URL``, tests/cluster.py) where one is named, as in CI.
"""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from engine.adapters.redis.answer_log import log_key
from engine.adapters.redis.connection import cluster_client
from tests.conftest import DATABASE_URL, REDIS_CLUSTER_URL, REDIS_URL, fresh_postgres_database
from tests.integration.live_clients import (
    Clients,
    LiveClient,
    contestant,
    create_round,
    delete_keys,
    expected_points,
    host,
    host_token,
    paper,
    prepare_instance,
    spectator,
    upgrade,
    wait_until,
)
from tests.integration.servers import free_port, running

#: The Redis each case's processes share: a server, and a 3-master cluster.
REDIS = {"services": REDIS_URL, "cluster": REDIS_CLUSTER_URL}
SERVICES = [name for name, url in REDIS.items() if DATABASE_URL and url]
SHARED = ("question", "closed", "reveal", "leaderboard", "finished")

pytestmark = pytest.mark.slow


def seen(client: LiveClient) -> list[tuple[str, int]]:
    """The round events a client got, each with its seq (a leaderboard's is its version)."""
    return [(name, data["seq"]) for name, data in client.events if name in SHARED]


def without_boards(events: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(name, seq) for name, seq in events if name != "leaderboard"]


def streams(client: LiveClient) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """A client's round events and its board snapshots, each in the order it got them.
    The two are published apart (a snapshot by whichever worker applied the answers), so
    how they interleave is no contract; the order within each is (pages order events by
    seq and snapshots by version)."""
    events = seen(client)
    return without_boards(events), [(n, v) for n, v in events if n == "leaderboard"]


@pytest.mark.parametrize("stack_name", SERVICES)
def test_a_round_spans_two_processes(tmp_path, stack_name):
    prefix = f"test-twoproc-{uuid.uuid4().hex[:8]}"
    env = {
        "LEITAI_INSTANCE": str(tmp_path),
        "LEITAI_DATABASE_URL": fresh_postgres_database(DATABASE_URL or "", "twoproc"),
        "LEITAI_REDIS_URL": REDIS[stack_name] or "",
        "LEITAI_REDIS_PREFIX": prefix,
        "LEITAI_SECRET_KEY": "two-processes-share-this-key",
    }
    url = REDIS[stack_name] or ""
    store = cluster_client(url) if stack_name == "cluster" else redis.Redis.from_url(url)
    questions = paper(2)
    port_a, port_b = free_port(), free_port()
    a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    try:
        upgrade(env)
        with (
            running(["serve", "--port", str(port_a)], env, port_a),
            running(["serve", "--port", str(port_b)], env, port_b),
            Clients() as clients,
        ):
            prepare_instance(env)
            token = host_token(a)
            created = create_round(a, token, questions.keys)
            round_id, code = created["id"], created["code"]

            players = {}
            for nickname, url in (("Ann", a), ("Bo", a), ("Cai", a), ("Dee", b)):
                client, joined = contestant(url, code, nickname)
                clients.append(client)
                players[nickname] = (client, joined["contestant"]["id"])
            watcher_b, _ = spectator(b, created["watch_code"])
            watcher_a, _ = spectator(a, created["watch_code"])
            host_b = host(b, round_id, token)
            clients += (watcher_a, watcher_b, host_b)
            ann = players["Ann"][0]

            # Ann, Bo and Cai answer through A; Dee through B. Bo is wrong on question 1.
            correct = {"Ann": [True, True], "Bo": [False, True], "Cai": [True, False]}
            correct["Dee"] = [True, True]
            for index, key in enumerate(questions.keys):
                started = host_b.call("start" if index == 0 else "next")
                assert started["ok"], started
                question = ann.wait_for("question", lambda q, k=key: q["key"] == k)
                assert question["seq"] == started["state"]["seq"]
                assert "answer" not in question
                for nickname, (client, _) in players.items():
                    right = correct[nickname][index]
                    choice = (questions.right if right else questions.wrong)[key]
                    ack = client.call("answer", {"question": key, "response": choice})
                    assert ack == {"ok": True, "accepted": True, "duplicate": False}
                host_b.wait_for(
                    "answers", lambda n, i=index: n == {"count": 4, "of": 4, "index": i}
                )
                assert host_b.call("close")["ok"]
                # Answers taken by A reach spectators on B through the shared boards, once
                # the question has closed.
                board = {n: expected_points(c[: index + 1])[0] for n, c in correct.items()}
                shown = watcher_b.wait_for(
                    "leaderboard",
                    lambda m, want=board: {e["nickname"]: e["points"] for e in m["top"]} == want,
                )
                assert shown["count"] == 4
                revealed = host_b.call("reveal")
                assert revealed["ok"]
                reveal = watcher_b.wait_for("reveal", lambda r, k=key: r["key"] == k)
                assert reveal["stats"]["answers"] == 4
                assert reveal["answer"] == [questions.right[key]]

            finished = host_b.call("finish")
            assert finished["ok"]
            for client in (ann, players["Dee"][0], watcher_a, watcher_b, host_b):
                client.wait_for("finished")
            time.sleep(1.2)  # any snapshot already being published arrives everywhere

            # One event stream, whatever process a client is on.
            reference = seen(ann)
            assert [name for name, _ in reference if name != "leaderboard"] == [
                "question", "closed", "reveal", "question", "closed", "reveal", "finished",
            ]  # fmt: skip
            seqs = [seq for name, seq in reference if name != "leaderboard"]
            assert seqs == sorted(seqs)
            assert len(set(seqs)) == len(seqs)
            # Phones and big screens get different snapshots (phones only once the board
            # settles), but the same ones on either process, and the same round events.
            assert streams(players["Dee"][0]) == streams(ann)
            assert streams(watcher_a) == streams(watcher_b) == streams(host_b)
            assert without_boards(seen(watcher_a)) == without_boards(reference)

            final = {n: expected_points(c)[0] for n, c in correct.items()}
            top = ann.named("finished")[0]["top"]
            assert {e["nickname"]: e["points"] for e in top} == final
            for nickname, (client, contestant_id) in players.items():
                me = client.call("me")
                assert me["ok"]
                assert me["you"]["contestant"] == contestant_id
                assert me["you"]["points"] == final[nickname]

            # A spectator arriving late on B gets the same standings in its snapshot.
            late, watching = spectator(b, created["watch_code"])
            clients.append(late)
            assert watching["state"]["status"] == "finished"
            snapshot = {e["nickname"]: e["points"] for e in watching["leaderboard"]["top"]}
            assert snapshot == final
            wait_until(lambda: store.xlen(log_key(prefix, round_id)) == 0, 20, "the drain")
    finally:
        delete_keys(store, prefix)
        store.close()
