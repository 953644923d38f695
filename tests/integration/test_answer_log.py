"""The answer log, a stream per round (answer_log.py), on every configured Redis: the
drain reads every listed round's stream, retires one that stayed empty, and an append
after a retirement lists the round again, so no entry waits in a stream it never reads."""

from __future__ import annotations

from itertools import count

import pytest

from engine.adapters.redis.answer_log import (
    RedisAnswerLog,
    index_key,
    log_key,
    marker_key,
)
from engine.adapters.redis.connection import RedisConnection
from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.adapters.redis.live import RedisLiveStore
from engine.domain.log import Joined
from engine.domain.rounds import LiveRound

rounds = count(1)


@pytest.fixture
def store(redis_store: tuple[RedisConnection, str]) -> tuple[RedisLiveStore, RedisAnswerLog]:
    connection, prefix = redis_store
    boards = RedisLeaderboard(connection.client, prefix)
    live = RedisLiveStore(connection.client, prefix, boards)
    return live, RedisAnswerLog(connection.client, prefix, retire_after_s=0)


def join(live: RedisLiveStore, round_id: int, name: str) -> Joined:
    entry = Joined(round_id, name, None, None, 5, None, None)
    contestant, _ = live.join(round_id, [f"nickname:{name}"], {}, entry)
    return entry._replace(contestant=contestant)


def test_the_drain_reads_every_rounds_stream_and_each_entry_once(store) -> None:
    live, log = store
    first, second = next(rounds), next(rounds)
    joined = [join(live, first, "ann"), join(live, second, "bob"), join(live, first, "cy")]

    read = log.read("t")
    assert sorted(entry.nickname for _, entry in read) == ["ann", "bob", "cy"]
    assert [e for _, e in read if e.round_id == first] == [joined[0], joined[2]]
    assert log.read("t") == read  # unacknowledged: given again, the same
    log.acknowledge([entry_id for entry_id, _ in read])
    assert log.read("t") == []
    client = live._redis
    assert [client.xlen(log_key(live._prefix, r)) for r in (first, second)] == [0, 0]


def test_an_empty_stream_is_retired_and_the_next_append_lists_it_again(store) -> None:
    live, log = store
    round_id = next(rounds)
    client, prefix = live._redis, live._prefix
    join(live, round_id, "ann")
    log.acknowledge([entry_id for entry_id, _ in log.read("t")])

    assert log.read("t") == []  # seen empty (retire_after_s=0): retired
    assert client.hget(index_key(prefix), str(round_id)) is None
    assert not client.exists(log_key(prefix, round_id), marker_key(prefix, round_id))

    state = LiveRound(time_limits_s=(20,))
    live.create(round_id, state)
    later = join(live, round_id, "bob")
    assert live.save(round_id, state, LiveRound(time_limits_s=(20,), seq=1))
    assert [entry for _, entry in log.read("t")] == [later]


def test_a_retirement_that_crossed_a_listing_leaves_the_round_listed(store) -> None:
    """The drain looked (token A); meanwhile an append found no marker and listed the
    round again (token B): the retirement keeps the marker and the index entry."""
    live, log = store
    round_id = next(rounds)
    client, prefix = live._redis, live._prefix
    join(live, round_id, "ann")
    log.acknowledge([entry_id for entry_id, _ in log.read("t")])
    looked = {str(round_id): client.hget(index_key(prefix), str(round_id)).decode()}
    live.logs.list(round_id)  # another process's append listing it anew

    log._retire_idle(looked)

    assert client.hget(index_key(prefix), str(round_id)) not in (None, looked[str(round_id)])
    assert client.exists(marker_key(prefix, round_id))
    later = join(live, round_id, "bob")
    assert [entry for _, entry in log.read("t")] == [later]


def test_a_dead_consumers_entries_are_claimed_by_another(store) -> None:
    live, log = store
    round_id = next(rounds)
    entry = join(live, round_id, "ann")
    assert [e for _, e in log.read("dead")] == [entry]

    assert log.claim_abandoned("alive", idle_ms=0) == 1
    assert [e for _, e in log.read("alive")] == [entry]
    assert log.read("dead") == []
