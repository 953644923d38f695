"""Leitai's keys on a Redis Cluster (tests/cluster.py): a round in one slot, rounds and
board shards spread over the masters, batches of scripts across nodes."""

from __future__ import annotations

import pytest
import redis

from engine.adapters.redis.batch import Batch
from engine.adapters.redis.connection import POOL_SIZE, POOL_WAIT_S, connect_redis
from engine.adapters.redis.keys import round_tag
from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.adapters.redis.throttle import RedisThrottle
from engine.domain.ranking import decode_score
from engine.domain.standings import Profile
from tests.conftest import REDIS_CLUSTER_URL, cluster_redis, prefixed
from tests.integration.test_competition_calls import T0, play, points, round_points
from web.config import Settings
from web.wiring import wire


@pytest.fixture
def cluster(tmp_path):
    cluster_redis()  # skips, or fails in CI, without a cluster
    connection = connect_redis(REDIS_CLUSTER_URL, tmp_path)
    assert connection.backend == "cluster"
    yield from prefixed(connection.client, "cluster")
    connection.close()


def test_rounds_and_board_shards_spread_over_the_masters(cluster):
    connection, prefix = cluster
    client = connection.client
    masters = {client.get_node_from_key(f"{prefix}:{round_tag(r)}:live").name for r in range(30)}
    assert len(masters) == 3
    board = RedisLeaderboard(client, prefix, shards=3)
    slots = {client.keyslot(f"{board._round(1, shard)}:live:all") for shard in range(3)}
    assert len(slots) == 3
    assert client.keyslot(f"{board._round(1, 0)}:live:all") == client.keyslot(
        f"{prefix}:{round_tag(1)}:live"
    )


def test_a_batch_of_scripts_across_nodes_answers_in_the_order_given(cluster):
    connection, prefix = cluster
    board = RedisLeaderboard(connection.client, prefix, shards=3)
    contestants = [f"c{i}" for i in range(60)]
    board.register_many(1, {c: Profile(c) for c in contestants})
    totals = board.add_many(1, [(c, i, 10) for i, c in enumerate(contestants)])
    assert [points for points, _ in totals] == list(range(60))
    assert [e.contestant for e in board.top(1, "all", 0, 3, view="live")] == ["c59", "c58", "c57"]
    batch = Batch(connection.client)
    for c in contestants:
        batch.zscore(f"{board._round(1, board.shard_of(c))}:live:all", c)
    assert [decode_score(s) for s in batch.execute()] == [(i, 10) for i in range(60)]


def test_a_throttle_counts_each_name_apart_on_a_cluster(cluster):
    connection, prefix = cluster
    throttle = RedisThrottle(connection.client, prefix)
    names = [f"client:{i}" for i in range(10)]
    assert throttle.hit_all(names, 60) == [1] * 10
    assert throttle.hit_all(names[:3], 60) == [2] * 3
    assert 0 < throttle.retry_after("client:0") <= 60


def cluster_settings(prefix, tmp_path, **more):
    return Settings(
        instance_path=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'leitai.db'}",
        redis_url=REDIS_CLUSTER_URL,
        secret_key="test",
        redis_prefix=prefix,
        **more,
    )


@pytest.fixture
def cluster_wired(cluster, tmp_path):
    """Leitai wired on the cluster (SQL on SQLite)."""
    connection, prefix = cluster
    wired = wire(cluster_settings(prefix, tmp_path, entry_limit_per_client=0), redis=connection)
    wired.database.upgrade()
    return wired


def test_rounds_run_on_a_cluster_and_a_crash_between_the_calls_counts_once(
    cluster_wired, monkeypatch
):
    """Every script single-slot: joins, answers, a skip, the drain; and the drain adds
    what a dead process left off the competition's board once (test_competition_calls)."""
    wired = cluster_wired
    competition_id, round_id, people = play(wired, monkeypatch)
    on_round = round_points(wired, round_id)
    assert min(on_round.values()) > 0
    assert points(wired, competition_id) == dict.fromkeys(people, 0)
    assert wired.drainer.drain_all() == 2 * len(people)
    assert points(wired, competition_id) == on_round
    assert sorted(a["contestant"] for a in wired.competitions.rounds.answers(round_id)) == sorted(
        people
    )
    wired.live.command(round_id, "skip", T0 + 9_000)
    wired.drainer.drain_all()
    assert points(wired, competition_id) == dict.fromkeys(people, 0)


def test_leitai_refuses_board_shards_on_a_cluster(cluster, tmp_path):
    connection, prefix = cluster
    settings = cluster_settings(prefix, tmp_path, leaderboard_shards=2)
    with pytest.raises(ValueError, match="LEITAI_LEADERBOARD_SHARDS > 1 on a Redis Cluster"):
        wire(settings, redis=connection)
    assert list(tmp_path.iterdir()) == []  # no database made


def test_each_nodes_pool_waits_for_a_connection_rather_than_failing(cluster):
    """A burst of more greenlets than connections waits, as on a server (connection.py)."""
    connection, prefix = cluster
    connection.client.get(f"{prefix}:{{a}}:x")  # learns the nodes
    pools = [n.redis_connection.connection_pool for n in connection.client.get_nodes()]
    assert len(pools) == 3
    for pool in pools:
        assert isinstance(pool, redis.BlockingConnectionPool)
        assert (pool.max_connections, pool.timeout) == (POOL_SIZE, POOL_WAIT_S)
