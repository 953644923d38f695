"""Throttles: fixed windows, one round trip for several counters; RedisThrottle on every
configured Redis and the in-memory fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis as redis_py

from engine.adapters.redis.throttle import RedisThrottle
from engine.ports import Throttle
from tests.conftest import REDIS_BACKENDS, prefixed, redis_client
from tests.fakes.accounts import InMemoryThrottle
from tests.fakes.clock import FakeClock


@pytest.fixture(params=[*REDIS_BACKENDS, "memory"])
def throttle(
    request: pytest.FixtureRequest,
    redis_servers: dict[str, redis_py.Redis],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Throttle]:
    if request.param == "memory":
        yield InMemoryThrottle(FakeClock())
        return
    client = redis_client(redis_servers, request.param, tmp_path_factory)
    for connection, prefix in prefixed(client, request.param):
        yield RedisThrottle(connection.client, prefix)


def test_hits_count_per_name_within_a_window(throttle: Throttle) -> None:
    assert throttle.hit_all(["a", "b"], 60) == [1, 1]
    assert throttle.hit_all(["a", "b"], 60) == [2, 2]
    assert throttle.hit("a", 60) == 3
    assert throttle.hit_all([], 60) == []
    assert (throttle.count("a"), throttle.count("b"), throttle.count("c")) == (3, 2, 0)
    assert 55 <= throttle.retry_after("a") <= 60
    throttle.reset("a")
    assert (throttle.count("a"), throttle.retry_after("a")) == (0, 0)


def test_a_hold_counts_once_for_its_seconds(throttle: Throttle) -> None:
    throttle.hold("x", 30)
    assert throttle.count("x") == 1
    assert 25 <= throttle.retry_after("x") <= 30
    assert throttle.hit("x", 60) == 2  # the hold's window, not a new one
    assert throttle.retry_after("x") <= 30
