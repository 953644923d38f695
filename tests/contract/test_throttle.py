"""RedisThrottle: fixed windows counted in Redis, one round trip for several counters."""

from __future__ import annotations

from engine.adapters.redis.connection import RedisConnection
from engine.adapters.redis.throttle import RedisThrottle


def test_hits_count_per_name_within_a_window(redis_store: tuple[RedisConnection, str]) -> None:
    connection, prefix = redis_store
    throttle = RedisThrottle(connection.client, prefix)
    assert throttle.hit_all(["a", "b"], 60) == [1, 1]
    assert throttle.hit_all(["a", "b"], 60) == [2, 2]
    assert throttle.hit("a", 60) == 3
    assert throttle.hit_all([], 60) == []
    assert (throttle.count("a"), throttle.count("b"), throttle.count("c")) == (3, 2, 0)
    assert 55 <= throttle.retry_after("a") <= 60
    throttle.reset("a")
    assert (throttle.count("a"), throttle.retry_after("a")) == (0, 0)
